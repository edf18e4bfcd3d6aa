"""examples/worker.py for real: two taskiq worker processes, one Redis, the fake over loopback.

The producer (``python -m examples.worker``) enqueues one job per chunk; the workers
(``taskiq worker examples.worker:broker --workers 2``) send them, each process with its own
client, all taking slots from one Redis budget of ``RATE`` createMessage. The fake records every
arrival: each chunk must arrive exactly once, and no window of ``PERIOD`` may hold more than
``CALLS`` arrivals (two processes with local limiters would send twice that).
"""

from __future__ import annotations

import asyncio
import bisect
import json
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running
from tests.support import APPLICATION, DEVICE_TOKEN

pytest.importorskip("taskiq_redis", reason="the examples extra: pip install '.[examples]'")

from redis.asyncio import Redis  # after the skip: taskiq-redis brings redis

ROOT = Path(__file__).resolve().parents[2]
CALLS, PERIOD = 10, 1.0
"""The budget the workers share: 10 createMessage per second, for the whole fleet."""
JOBS, CHUNK = 30, 25
MARGIN = 0.1
"""The Redis window's margin: arrivals are timed at the fake, after loopback jitter (test_fleet)."""
DATABASE = 15
"""The Redis database of this test (queue, results, budget), emptied afterwards: the session's
Redis is shared, and the fleet tests read every key of database 0."""


def worst_window(times: list[float], period: float) -> int:
    """The most arrivals in any half-open window ``[t, t + period)``."""
    return max(bisect.bisect_left(times, t + period) - i for i, t in enumerate(times))


async def read_log(process: asyncio.subprocess.Process, listening: asyncio.Event) -> None:
    """Keep the workers' log (stderr) drained; set ``listening`` once both worker processes are."""
    assert process.stderr is not None
    started = 0
    async for line in process.stderr:
        started += b"Listening started" in line
        if started == 2:
            listening.set()


@pytest.fixture
async def worker_redis(redis_url: str) -> AsyncIterator[str]:
    """The session's Redis, database ``DATABASE``; emptied after the test."""
    url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{DATABASE}"))
    yield url
    db = Redis.from_url(url)
    await db.flushdb()
    await db.aclose()


async def test_two_workers_send_every_chunk_once_within_one_shared_budget(
    worker_redis: str, tmp_path: Path
) -> None:
    redis_url = worker_redis
    token = f"worker-test-{uuid.uuid4().hex}"  # its own account: its own keys on a shared Redis
    fake = FakePushwoosh(
        api_token=token, device_token=DEVICE_TOKEN, applications=[APPLICATION], rate_limits={}
    )
    devices = [f"hwid-{i:04}" for i in range(JOBS * CHUNK)]
    for hwid in devices:
        fake.add_device(hwid)
    (tmp_path / "devices.txt").write_text("\n".join(devices))

    async with running(fake) as base_url:
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "PUSHWOOSH_QUEUE": f"pushwoosh-test-{uuid.uuid4().hex}",
            "PUSHWOOSH_API_TOKEN": token,
            "PUSHWOOSH_APPLICATION": APPLICATION,
            "PUSHWOOSH_BASE_URL": base_url,
            "PUSHWOOSH_RATE_LIMIT_URL": f"{redis_url}?margin={MARGIN}",
            "PUSHWOOSH_CREATE_MESSAGE_RATE": f"{CALLS}/{PERIOD}",
        }
        workers = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "taskiq", "worker", "examples.worker:broker"),
            *("--workers", "2", "--max-async-tasks", "2", "--log-level", "INFO"),
            cwd=ROOT,
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        listening = asyncio.Event()  # both take jobs from the start: the producer waits for them
        reading = asyncio.create_task(read_log(workers, listening))
        try:
            await asyncio.wait_for(listening.wait(), timeout=30)
            producer = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "examples.worker"),
                *(str(tmp_path / "devices.txt"), "Sale starts now", str(CHUNK)),
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
            )
            output, _ = await asyncio.wait_for(producer.communicate(), timeout=60)
            assert producer.returncode == 0
        finally:
            workers.send_signal(signal.SIGINT)  # taskiq's graceful stop: shut-down events run
            try:
                await asyncio.wait_for(workers.wait(), timeout=20)
            except TimeoutError:
                workers.kill()
                await workers.wait()
            await reading

    *outcomes, summary = [json.loads(line) for line in output.splitlines()]
    assert summary == {"jobs": JOBS, "devices": JOBS * CHUNK}
    assert len({o["worker"] for o in outcomes}) == 2, "both worker processes ran jobs"
    assert all(o["unknown_devices"] == 0 for o in outcomes)

    calls = fake.calls_to("createMessage")
    assert len(calls) == JOBS, "one request per job: none lost, none repeated"
    sent = sorted(hwid for m in fake.state.messages.values() for hwid in m.devices)
    assert sent == devices, "every chunk's devices got the message exactly once"
    ids = [call.body["request"]["notifications"][0]["transactionId"] for call in calls]
    assert len(set(ids)) == JOBS

    arrivals = sorted(call.at for call in calls)
    assert worst_window(arrivals, PERIOD) <= CALLS, "the two workers kept one budget"
    assert arrivals[-1] - arrivals[0] >= (JOBS / CALLS - 1) * PERIOD
