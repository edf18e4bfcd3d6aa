"""``fleet.RedisLimiter`` against a real ``redis-server``: one budget for every process.

The session's Redis is the ``redis_url`` fixture (conftest.py, tests/redis_server.py); without
the ``redis-server`` binary or the ``redis`` package the tests skip, saying why. Each test has
its own key prefix and deletes its keys afterwards.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import logging
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async import CreateMessage, Notification, PushwooshClient, Rate
from pushwoosh_async.errors import ConfigurationError, RateLimiterUnavailable, Throttled
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running
from tests.redis_server import start_redis, stop
from tests.support import API_TOKEN, APPLICATION, fake_account

redis = pytest.importorskip(
    "redis", reason="the redis package is not installed: pip install 'pushwoosh-async[redis]'"
)
from redis.asyncio import Redis  # noqa: E402 (after the skip)

from pushwoosh_async.fleet import RedisLimiter, account_id  # noqa: E402

WORKER = Path(__file__).resolve().parent / "fleet_worker.py"
SECRET = "TOKEN-NEVER-IN-REDIS-5f2c9a"


@pytest.fixture
async def make(redis_url: str) -> AsyncIterator[Callable[..., RedisLimiter]]:
    """Build limiters with this test's own key prefix; their keys are deleted afterwards."""
    prefix = f"pwtest:{uuid.uuid4().hex}:"
    built: list[RedisLimiter] = []

    def factory(rates: dict[str, Rate], account: str = SECRET, **options: Any) -> RedisLimiter:
        options.setdefault("prefix", prefix)
        limiter = RedisLimiter.from_url(redis_url, rates, account=account, **options)
        built.append(limiter)
        return limiter

    yield factory
    for limiter in built:
        await limiter.aclose()
    client = Redis.from_url(redis_url)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
async def db(redis_url: str) -> AsyncIterator[Redis]:
    """A plain client on the session's Redis, to look at what the limiters wrote."""
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


def window_key(limiter: RedisLimiter, method: str = "createMessage") -> str:
    return limiter._keys_of(method)[0]


async def test_a_burst_within_the_limit_goes_at_once(make: Any, db: Redis) -> None:
    limiter = make({"createMessage": Rate(20, 5)})
    started = time.monotonic()
    waits = [await limiter.acquire("createMessage") for _ in range(20)]
    assert time.monotonic() - started < 2  # a wait for the window would take 5 s
    assert max(waits) < 0.25  # a round trip, never a sleep (the shortest sleep here is 0.5 s)
    assert await db.zcard(window_key(limiter)) == 20
    ttl = await db.pttl(window_key(limiter))
    assert 5000 <= ttl <= 5025 + 1  # expires with the window (period + margin)


async def test_one_more_waits_until_the_oldest_leaves(make: Any) -> None:
    period = 0.6
    limiter = make({"createMessage": Rate(3, period)})
    first = time.monotonic()
    for _ in range(3):
        assert await limiter.acquire("createMessage") < 0.25
    waited = await limiter.acquire("createMessage")
    elapsed = time.monotonic() - first
    assert elapsed >= period - 0.005  # the server's clock, seen from here: a round trip's slack
    assert waited <= period * 1.1 + 0.3  # jitter is a few % of the wait, not more


async def test_a_short_max_wait_is_refused_at_once_counting_nothing(make: Any, db: Redis) -> None:
    limiter = make({"createMessage": Rate(2, 5)})
    await limiter.acquire("createMessage")
    await limiter.acquire("createMessage")
    started = time.monotonic()
    with pytest.raises(Throttled) as caught:
        await limiter.acquire("createMessage", max_wait=0.5)
    assert time.monotonic() - started < 0.4  # refused on the estimate, not after max_wait
    assert caught.value.wait > 4.5
    assert caught.value.allowed == 0.5
    assert caught.value.not_sent
    assert await db.zcard(window_key(limiter)) == 2


async def test_cancelled_while_waiting_counts_nothing(make: Any, db: Redis) -> None:
    limiter = make({"createMessage": Rate(1, 0.5)})
    await limiter.acquire("createMessage")
    waiter = asyncio.create_task(limiter.acquire("createMessage"))
    await asyncio.sleep(0.1)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert await db.zcard(window_key(limiter)) == 1
    await asyncio.sleep(0.55)  # the first send left the window; the cancelled one never entered
    assert await limiter.acquire("createMessage", max_wait=0) < 0.25


async def test_two_accounts_do_not_share_a_budget(make: Any) -> None:
    one = make({"createMessage": Rate(2, 5)}, account="token-one")
    two = make({"createMessage": Rate(2, 5)}, account="token-two")
    await one.acquire("createMessage")
    await one.acquire("createMessage")
    with pytest.raises(Throttled):
        await one.acquire("createMessage", max_wait=0)
    assert await two.acquire("createMessage", max_wait=0) < 0.25
    assert await two.acquire("createMessage", max_wait=0) < 0.25
    assert window_key(one) != window_key(two)


async def test_the_same_account_shares_one_budget(make: Any) -> None:
    one = make({"createMessage": Rate(2, 5)})
    two = make({"createMessage": Rate(2, 5)})
    await one.acquire("createMessage")
    await two.acquire("createMessage")
    with pytest.raises(Throttled):
        await one.acquire("createMessage", max_wait=0)
    with pytest.raises(Throttled):
        await two.acquire("createMessage", max_wait=0)


async def test_the_token_never_reaches_redis(make: Any, db: Redis) -> None:
    limiter = make({"createMessage": Rate(5, 5)})
    for _ in range(3):
        await limiter.acquire("createMessage")
    await limiter.cool_down("getTags", 2)
    await limiter.cool_down("createMessage", 0.01)
    seen: list[str] = []
    async for key in db.scan_iter():
        seen.append(key)
        kind = await db.type(key)
        if kind == "zset":
            seen.extend(f"{m} {s}" for m, s in await db.zrange(key, 0, -1, withscores=True))
        elif kind == "string":
            seen.append(str(await db.get(key)))
    assert any(account_id(SECRET) in text for text in seen)
    assert not [text for text in seen if SECRET in text]
    assert SECRET not in repr(limiter)


async def test_a_cool_down_holds_another_clients_acquire(make: Any, db: Redis) -> None:
    one = make({"createMessage": Rate(100, 5)})
    two = make({"createMessage": Rate(100, 5)})
    await one.cool_down("createMessage", 0.4)
    await one.cool_down("createMessage", 0.1)  # shorter: does not shorten it
    with pytest.raises(Throttled) as caught:
        await two.acquire("createMessage", max_wait=0.1)
    assert 0.25 < caught.value.wait <= 0.6  # the PTTL (0.4 s, not 0.1 s) plus round trips
    waited = await two.acquire("createMessage")
    assert 0.2 < waited < 0.8
    # An unlimited method: the process that saw the 429 waits; idle() elsewhere stays local.
    await one.cool_down("getTags", 0.3)
    assert not one.idle("getTags")
    assert two.idle("getTags")
    assert 0.2 < await one.acquire("getTags") < 0.4
    assert await db.pttl(one._keys_of("getTags")[1]) == -2  # expired: nothing left behind


async def test_pace_spaces_this_process_requests(make: Any) -> None:
    """Paced acquires of Rate(10, 1) are ~0.1 s apart (Redis round trips blur each gap a little)."""
    limiter = make({"createMessage": Rate(10, 1)})
    await limiter.acquire("createMessage")  # loads the script: no slow first round trip below
    times = []
    for _ in range(4):
        await limiter.acquire("createMessage", pace=True)
        times.append(time.monotonic())
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Unpaced they would be one round trip (~0.2 ms) apart; a slow round trip shortens one gap.
    assert min(gaps) >= 0.03
    assert times[-1] - times[0] >= 0.27


async def test_the_script_is_reloaded_after_script_flush(make: Any, db: Redis) -> None:
    limiter = make({"createMessage": Rate(5, 5)})
    await limiter.acquire("createMessage")
    await db.script_flush()
    await limiter.acquire("createMessage")
    assert await db.zcard(window_key(limiter)) == 2


async def test_redis_stopped_fails_closed_by_default(make: Any) -> None:
    process, url = start_redis()
    try:
        limiter = RedisLimiter.from_url(url, {"createMessage": Rate(10, 1)}, account=SECRET)
        assert await limiter.acquire("createMessage") < 0.25
    finally:
        stop(process)
    started = time.monotonic()
    with pytest.raises(RateLimiterUnavailable) as caught:
        await limiter.acquire("createMessage")
    assert time.monotonic() - started < 2
    assert caught.value.not_sent
    assert SECRET not in str(caught.value)
    assert "nothing was sent" in str(caught.value)
    with pytest.raises(RateLimiterUnavailable):
        await limiter.cool_down("createMessage", 1)
    await limiter.aclose()


async def test_an_unanswering_redis_fails_closed_after_the_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accept, never answer
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    limiter = RedisLimiter.from_url(
        f"redis://127.0.0.1:{port}/0", {"createMessage": Rate(10, 1)}, account=SECRET, timeout=0.2
    )
    started = time.monotonic()
    with pytest.raises(RateLimiterUnavailable):
        await limiter.acquire("createMessage")
    assert time.monotonic() - started < 1.5
    await limiter.aclose()
    server.close()
    await server.wait_closed()


async def test_redis_stopped_falls_back_to_a_local_share(
    caplog: pytest.LogCaptureFixture,
) -> None:
    process, url = start_redis()
    try:
        limiter = RedisLimiter.from_url(
            f"{url}?on_unavailable=local&fallback_share=0.25",
            {"createMessage": Rate(8, 0.5)},
            account=SECRET,
        )
        assert await limiter.acquire("createMessage") < 0.25
    finally:
        stop(process)
    caplog.set_level(logging.WARNING, logger="pushwoosh_async.fleet")
    granted = 0
    with contextlib.suppress(Throttled):
        for _ in range(10):
            await limiter.acquire("createMessage", max_wait=0)
            granted += 1
    assert granted == 2  # floor(8 * 0.25) per window, never unlimited
    started = time.monotonic()
    await limiter.acquire("createMessage")  # the local share's window frees after its period
    assert 0.3 < time.monotonic() - started < 1.5  # waits for the window, not forever
    await limiter.cool_down("createMessage", 0.05)
    warnings = [r for r in caplog.records if r.name == "pushwoosh_async.fleet"]
    assert len(warnings) == 1
    assert SECRET not in warnings[0].getMessage()
    await limiter.aclose()


def test_configuration_errors_never_repeat_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = {"createMessage": Rate(1, 1)}
    with pytest.raises(ConfigurationError, match="api_token or a rate_limit_key"):
        RedisLimiter.from_url("redis://127.0.0.1:1/0", rates, account="")
    with pytest.raises(ConfigurationError, match="on_unavailable"):
        RedisLimiter.from_url("redis://127.0.0.1:1/0?on_unavailable=open", rates, account="a")
    with pytest.raises(ConfigurationError, match="fallback_share") as caught:
        RedisLimiter.from_url("redis://:hunter2@127.0.0.1:1/0?fallback_share=x", rates, account="a")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(ConfigurationError) as caught:
        RedisLimiter.from_url("redis://:hunter2@127.0.0.1:port/0", rates, account="a")
    assert "hunter2" not in str(caught.value)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'pushwoosh-async\[redis\]'"):
        RedisLimiter.from_url("redis://127.0.0.1:1/0", rates, account="a")


async def test_the_client_builds_the_fleet_limiter(redis_url: str, db: Redis) -> None:
    fake = FakePushwoosh(api_token=API_TOKEN, applications=[APPLICATION], rate_limits={})
    fake.add_device("hw-1")
    key = f"pwtest-{uuid.uuid4().hex}"
    options: dict[str, Any] = {
        "application": APPLICATION,
        "transport": fake.transport,
        "rate_limit_url": redis_url,
        "rate_limit_key": key,
        "rate_limits": {"createMessage": (2, 5)},
    }
    message = CreateMessage(notifications=[Notification(content="hi", devices=["hw-1"])])
    async with (
        PushwooshClient(API_TOKEN, **options) as one,
        PushwooshClient(API_TOKEN, **options) as two,
    ):
        await one(message)
        await two(message)
        with pytest.raises(Throttled):
            await one(message, max_wait=0.1)
    assert len(fake.calls_to("createMessage")) == 2
    keys = [k async for k in db.scan_iter(match=f"*{account_id(key)}*")]
    assert keys
    await db.delete(*keys)


# --- several OS processes, one budget --------------------------------------------------------


def worst_window(times: list[float], period: float) -> int:
    """The most arrivals in any half-open window ``[t, t + period)``."""
    return max(bisect.bisect_left(times, t + period) - i for i, t in enumerate(times))


def share_after_first(times: list[float], max_calls: int, period: float, seconds: float) -> float:
    """Arrivals in the whole windows after the first, over what those windows allow."""
    start = times[0]
    windows = int(seconds // period) - 1
    counted = [t for t in times if start + period <= t < start + (windows + 1) * period]
    return len(counted) / (max_calls * windows)


MARGIN = 0.2
"""The Redis window's safety margin in the fleet runs (``?margin=``), 6.7 % of the 3 s window.

Arrivals are timed where the fake answers, after the request crossed loopback and waited in
the fake's one event loop behind the rest of its burst: a burst of 30 from four processes
reaches the fake spread over up to ~80 ms, more under load, and the next burst need not be
spread the same way, and on a loaded machine the spread passed 100 ms. The default margin
(``min(0.25 s, 0.5 %)``: 0.25 s for the documented 60 s window) would be 15 ms here; the jitter
is absolute, not a share of the window. The margin costs its share of the rate: the fleet keeps
3 / 3.2 of the limit, hence the 0.9 floor below.
"""


async def run_fleet(
    redis_url: str, processes: int, *, seconds: float = 12.0, max_calls: int = 30, period: float = 3
) -> tuple[list[float], list[dict[str, Any]]]:
    """``processes`` workers against one loopback fake for ``seconds``; arrivals, reports."""
    redis_url += f"{'&' if '?' in redis_url else '?'}margin={MARGIN}"
    fake = fake_account(rate_limits={})
    fake.add_device("hw-1")
    async with running(fake) as base_url:
        start = time.time() + 2.0  # every worker imported and connected by then
        argv = [str(WORKER), base_url, redis_url, str(start), str(seconds), "8"]
        argv += [str(max_calls), str(period)]
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable, *argv, stdout=asyncio.subprocess.PIPE
            )
            for _ in range(processes)
        ]
        try:
            outputs = await asyncio.wait_for(
                asyncio.gather(*(w.communicate() for w in workers)), seconds + 30
            )
        finally:
            for worker in workers:
                if worker.returncode is None:
                    worker.kill()
                    await worker.wait()
    assert all(w.returncode == 0 for w in workers)
    arrivals = sorted(call.at for call in fake.calls_to("createMessage"))
    return arrivals, [json.loads(out) for out, _ in outputs]


async def test_four_processes_share_one_budget(redis_url: str) -> None:
    max_calls, period, seconds = 30, 3.0, 12.0
    arrivals, reports = await run_fleet(redis_url, 4, seconds=seconds)
    assert sum(r["sent"] for r in reports) == len(arrivals)
    assert all(not r["errors"] for r in reports), reports
    assert all(r["sent"] > 0 for r in reports)
    assert worst_window(arrivals, period) <= max_calls
    assert share_after_first(arrivals, max_calls, period, seconds) >= 0.9
