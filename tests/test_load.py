"""10,000 concurrent calls against a faulty fake over loopback HTTP: nothing lost, nothing leaked.

Run on its own (``.ci/run`` does, once): ``python -m pytest -m load``. The default suite skips it.
"""

from __future__ import annotations

import asyncio
import collections
import gc
from pathlib import Path

import httpx
import pytest

from pushwoosh_async import CreateMessage, GetTags, Notification, PushwooshClient, RetryPolicy
from pushwoosh_async.errors import PushwooshError
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN

CALLS = 10_000
FAULT_RATE = 0.1


def _is_socket(fd: Path) -> bool:
    try:
        return fd.readlink().name.startswith("socket:")
    except OSError:  # closed while listing
        return False


def open_sockets() -> int:
    """How many sockets this process holds open."""
    return sum(_is_socket(fd) for fd in Path("/proc/self/fd").iterdir())


@pytest.mark.load
@pytest.mark.filterwarnings("error")
@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts sockets through /proc")
async def test_ten_thousand_calls_with_faults_leave_no_socket_and_no_task(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every call ends typed, each successful send exists once, close leaves 0 sockets and 0
    tasks, and no log line (DEBUG up) or error text holds a token."""
    caplog.set_level("DEBUG", logger="pushwoosh_async")
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    baseline = open_sockets()
    fake = FakePushwoosh(
        api_token=API_TOKEN,
        device_token=DEVICE_TOKEN,
        applications=[APPLICATION],
        fail_rate=FAULT_RATE,
        seed=7,
        rate_limits={},
        record_limit=1000,
    )
    for n in range(12):
        fake.add_device(f"hwid-{n}")
    devices = [f"hwid-{n}" for n in range(12)]

    async with running(fake) as url:
        pw = PushwooshClient(
            API_TOKEN,
            device_token=DEVICE_TOKEN,
            application=APPLICATION,
            base_url=url,
            rate_limits={},
            retry=RetryPolicy(initial_delay=0.01, max_delay=0.1),
            # 10,000 calls queue for 100 connections: on a slow host the last ones wait longer
            # than the default 30 s pool timeout, and those PoolTimeouts (each one an attempt
            # spent) are not what this test is about. The pool timeout has its own tests.
            timeout=httpx.Timeout(30.0, pool=None),
        )
        async with pw:
            calls = [
                pw(CreateMessage(notifications=[Notification(content=f"n{i}", devices=devices)]))
                if i % 2
                else pw(GetTags(hwid=devices[i % 12]))
                for i in range(CALLS)
            ]
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
    await asyncio.sleep(0.1)  # the server side of the connections finishes closing
    gc.collect()

    strays = [
        o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, PushwooshError)
    ]
    assert strays == []
    sent = sum(1 for i, o in enumerate(outcomes) if i % 2 and not isinstance(o, BaseException))
    failures = [o for o in outcomes if isinstance(o, PushwooshError)]
    kinds = collections.Counter(f"{type(o).__name__}: {o}" for o in failures)
    # four attempts each: a 1-in-10,000 chance to fail
    assert len(failures) <= CALLS * FAULT_RATE**3, kinds.most_common(5)
    assert len(fake.state.messages) == sent, "one message per successful send, never two"
    texts = [caplog.text, *(f"{o!s} {o!r}" for o in outcomes if isinstance(o, BaseException))]
    assert sum(t.count(API_TOKEN) + t.count(DEVICE_TOKEN) for t in texts) == 0
    assert len(caplog.records) >= CALLS  # one line per attempt was really captured
    assert open_sockets() == baseline
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert pending == []
