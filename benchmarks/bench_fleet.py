"""The fleet limiter: per-acquire cost on a local Redis, and the share a fleet achieves.

1. **Per-acquire cost**, 5,000 sequential acquires each (a budget far above 5,000 per minute, so
   nothing waits; the cost is the limiter's alone), median and p95 in µs:
   ``fleet.RedisLimiter.acquire`` (one EVALSHA), ``limits``' async moving window
   (``MovingWindowRateLimiter.hit`` on ``async+redis://``, for comparison; ``pip install limits``,
   not a dependency) and ``LocalLimiter.acquire`` (in process).
2. **Fleet share**: 1, 2 and 4 OS processes (``tests/fleet_worker.py``, 8 tasks each, each its own
   ``PushwooshClient(rate_limit_url=..., rate_limits={"createMessage": (30, 3)})``) send as fast
   as they may for 12 s to one ``FakePushwoosh`` over loopback HTTP. Arrivals are timed where
   the fake answers. Reported: the worst sliding 3 s window of arrivals (must be <= 30) and the
   share of the limit used in the whole windows after the first.

    python benchmarks/bench_fleet.py                       # starts its own redis-server
    python benchmarks/bench_fleet.py --redis-url redis://127.0.0.1:6379/15 --skip-fleet
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from pushwoosh_async.fleet import RedisLimiter
from pushwoosh_async.limits import LocalLimiter, Rate
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "fleet_worker.py"
N = 5_000
BIG = Rate(10**6, 60)


@contextlib.contextmanager
def redis_server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("no redis-server on PATH; pass --redis-url")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(5)


async def timed(name: str, acquire: Callable[[], Awaitable[object]]) -> dict[str, Any]:
    for _ in range(200):  # warm up: connections, script cache
        await acquire()
    samples = []
    for _ in range(N):
        started = time.perf_counter_ns()
        await acquire()
        samples.append((time.perf_counter_ns() - started) / 1000)
    samples.sort()
    return {
        "name": name,
        "median_us": statistics.median(samples),
        "p95_us": samples[int(0.95 * len(samples))],
    }


async def costs(url: str) -> list[dict[str, Any]]:
    rows = []
    prefix = f"bench:{uuid.uuid4().hex}:"
    fleet = RedisLimiter.from_url(url, {"createMessage": BIG}, account="bench", prefix=prefix)
    rows.append(
        await timed("RedisLimiter.acquire (EVALSHA)", lambda: fleet.acquire("createMessage"))
    )
    await fleet.aclose()
    try:
        from limits import RateLimitItemPerMinute  # noqa: PLC0415 (optional, comparison only)
        from limits.aio.storage import RedisStorage  # noqa: PLC0415
        from limits.aio.strategies import MovingWindowRateLimiter  # noqa: PLC0415
    except ImportError:
        print("limits is not installed: pip install limits (for the comparison only)")
    else:
        storage = RedisStorage(
            url.replace("redis://", "async+redis://", 1), implementation="redispy"
        )
        moving = MovingWindowRateLimiter(storage)
        item = RateLimitItemPerMinute(BIG.max_calls)
        key = uuid.uuid4().hex
        rows.append(await timed("limits MovingWindow.hit", lambda: moving.hit(item, key)))
        with contextlib.suppress(Exception):
            await storage.reset()
    local = LocalLimiter({"createMessage": BIG})
    rows.append(await timed("LocalLimiter.acquire", lambda: local.acquire("createMessage")))
    client = Redis.from_url(url)
    keys = [k async for k in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()
    return rows


async def fleet_run(url: str, processes: int, seconds: float = 12.0) -> dict[str, Any]:
    max_calls, period, margin = 30, 3.0, 0.1
    fake = FakePushwoosh(
        api_token="SERVER_API_TOKEN",  # noqa: S106 (the fake's own)
        device_token="DEVICE_API_TOKEN",  # noqa: S106
        applications=["ABCDE-12345"],
        rate_limits={},
    )
    fake.add_device("hw-1")
    redis_url = f"{url}{'&' if '?' in url else '?'}margin={margin}"
    async with running(fake) as base_url:
        start = time.time() + 2.0
        argv = [str(WORKER), base_url, redis_url, str(start), str(seconds), "8"]
        argv += [str(max_calls), str(period)]
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable, *argv, stdout=asyncio.subprocess.PIPE
            )
            for _ in range(processes)
        ]
        outputs = await asyncio.wait_for(
            asyncio.gather(*(w.communicate() for w in workers)), seconds + 30
        )
    reports = [json.loads(out) for out, _ in outputs]
    arrivals = sorted(call.at for call in fake.calls_to("createMessage"))
    worst = max(bisect.bisect_left(arrivals, t + period) - i for i, t in enumerate(arrivals))
    windows = int(seconds // period) - 1
    first = arrivals[0]
    counted = [a for a in arrivals if first + period <= a < first + (windows + 1) * period]
    slack = min(arrivals[i + max_calls] - arrivals[i] for i in range(len(arrivals) - max_calls))
    return {
        "processes": processes,
        "sent": len(arrivals),
        "per_process": [r["sent"] for r in reports],
        "errors": [r["errors"] for r in reports],
        "worst_window": worst,
        "share_after_first": len(counted) / (max_calls * windows),
        "tightest_31_span_s": slack,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url")
    parser.add_argument("--skip-fleet", action="store_true")
    args = parser.parse_args()
    with redis_server(args.redis_url) as url:
        for row in await costs(url):
            print(
                f"{row['name']:<34} median {row['median_us']:7.1f} µs  p95 {row['p95_us']:7.1f} µs"
            )
        if not args.skip_fleet:
            for processes in (1, 2, 4):
                print(json.dumps(await fleet_run(url, processes)))


if __name__ == "__main__":
    asyncio.run(main())
