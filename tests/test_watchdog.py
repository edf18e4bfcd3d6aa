"""The aiohttp sender's read timeouts and deadlines: one watchdog timer, not one per request.

Over real loopback HTTP: a reply that never comes is a ``ReadTimeout`` after the read timeout, a
reply that trickles in past it too (the bound covers the whole reply), the call's deadline wins
when it is sooner (also while a new connection is still being made), a reply in time is
untouched, and a thousand requests arm the loop's timer a handful of times instead of once or
twice each.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from pushwoosh_async import GetTags, PushwooshClient, RetryPolicy
from pushwoosh_async.errors import DeadlineExceeded, PoolTimeout, ReadTimeout
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, unanswered_port
from tests.test_sender_contract import TAGS_OK, Loopback

READ = 0.3


_released: list[asyncio.Event] = []


@pytest.fixture
async def api() -> AsyncIterator[Loopback]:
    server = Loopback("127.0.0.1")
    await server.start()
    _released[:] = [asyncio.Event()]
    yield server
    _released[0].set()  # a silent handler ends, so the server stops at once
    await server.stop()


def client(base_url: str, **options: Any) -> PushwooshClient:
    options.setdefault("timeout", httpx.Timeout(5.0, read=READ))
    return PushwooshClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        base_url=base_url,
        retry=RetryPolicy.off(),
        **options,
    )


async def _silent(_: web.Request) -> web.StreamResponse:
    await _released[0].wait()
    return web.json_response(TAGS_OK)


async def _trickle(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    for _ in range(20):  # each gap is short, the whole reply is not
        await response.write(b" ")
        await asyncio.sleep(0.1)
    await response.write(b"{}")
    return response


@pytest.mark.parametrize("handler", [_silent, _trickle], ids=["silent", "trickle"])
async def test_a_late_reply_is_a_read_timeout_after_the_read_timeout(
    api: Loopback, handler: Any
) -> None:
    api.handler = handler
    async with client(api.url) as pw:
        started = time.monotonic()
        with pytest.raises(ReadTimeout):
            await pw(GetTags(hwid="h"))
        elapsed = time.monotonic() - started
    assert READ <= elapsed < READ + 1.5


async def test_the_deadline_wins_when_it_is_sooner(api: Loopback) -> None:
    api.handler = _silent
    async with client(api.url, timeout=httpx.Timeout(5.0)) as pw:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            await pw(GetTags(hwid="h"), deadline=0.3)
        assert time.monotonic() - started < 1.8


async def test_the_deadline_bounds_a_connection_still_being_made() -> None:
    with unanswered_port() as port:
        await asyncio.sleep(0.05)
        timeout = httpx.Timeout(5.0, connect=5.0, read=0.1)  # the read clock is paused meanwhile
        async with client(f"http://127.0.0.1:{port}", timeout=timeout) as pw:
            started = time.monotonic()
            with pytest.raises(DeadlineExceeded) as raised:
                await pw(GetTags(hwid="h"), deadline=0.4)
            elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 2.0
    assert raised.value.not_sent is True


async def test_a_queued_requests_read_clock_starts_when_it_holds_a_connection(
    api: Loopback,
) -> None:
    """One connection, replies after 0.2 s, read timeout 0.3 s: the third call queues for
    0.4 s, then gets its reply in time (a clock that ran while queued would expire)."""

    async def steady(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.2)
        return web.json_response(TAGS_OK)

    api.handler = steady
    async with client(api.url, max_connections=1) as pw:
        outcomes = await asyncio.gather(
            *(pw(GetTags(hwid="h")) for _ in range(3)), return_exceptions=True
        )
    assert [type(o).__name__ for o in outcomes] == ["Tags"] * 3


async def test_a_queued_request_still_has_its_read_timeout_once_connected(api: Loopback) -> None:
    """The first reply comes after 0.2 s, the queued second never: ReadTimeout about 0.3 s
    after it got the connection, not the 5 s pool bound it queued under."""
    answered: list[bool] = []

    async def first_only(request: web.Request) -> web.StreamResponse:
        if answered:
            return await _silent(request)
        answered.append(True)
        await asyncio.sleep(0.2)
        return web.json_response(TAGS_OK)

    api.handler = first_only
    async with client(api.url, max_connections=1) as pw:
        started = time.monotonic()
        first = asyncio.create_task(pw(GetTags(hwid="h")))
        await asyncio.sleep(0.05)  # the first request has the connection
        with pytest.raises(ReadTimeout):
            await pw(GetTags(hwid="h"))
        assert time.monotonic() - started < 0.2 + READ + 1.0
        await first


async def test_the_deadline_bounds_the_wait_for_a_connection(api: Loopback) -> None:
    """The pool timeout is 5 s, but the queued call's deadline passes first: PoolTimeout."""
    api.handler = _silent
    async with client(api.url, max_connections=1) as pw:
        first = asyncio.create_task(pw(GetTags(hwid="h"), deadline=3.0))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(PoolTimeout) as raised:
            await pw(GetTags(hwid="h"), deadline=0.2)
        assert time.monotonic() - started < 1.5
        assert raised.value.not_sent is True
        _released[0].set()
        await first
    assert len(api.requests) == 1


async def test_a_reply_in_time_is_untouched_and_the_connection_reused(api: Loopback) -> None:
    async def slowish(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(READ / 3)
        return web.json_response(TAGS_OK)

    api.handler = slowish
    async with client(api.url) as pw:
        for _ in range(4):
            result = await pw(GetTags(hwid="h"))
            assert result.values == {"Plan": "pro"}
        await asyncio.sleep(READ * 2)  # the watchdog fires on nothing left in flight
        assert (await pw(GetTags(hwid="h"))).values == {"Plan": "pro"}
    assert len(api.requests) == 5


async def test_requests_share_one_timer(api: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 requests arm the loop's timer a few times, where aiohttp's arms it per request."""
    loop = asyncio.get_running_loop()
    armed = 0
    call_at, call_later = loop.call_at, loop.call_later

    def counting_at(*args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        nonlocal armed
        armed += 1
        return call_at(*args, **kwargs)

    def counting_later(*args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        nonlocal armed
        armed += 1
        return call_later(*args, **kwargs)

    async with client(api.url, timeout=httpx.Timeout(30.0)) as pw:
        await pw(GetTags(hwid="warm"))
        monkeypatch.setattr(loop, "call_at", counting_at)
        monkeypatch.setattr(loop, "call_later", counting_later)
        semaphore = asyncio.Semaphore(16)

        async def one() -> None:
            async with semaphore:
                await pw(GetTags(hwid="h"))

        await asyncio.gather(*(one() for _ in range(1000)))
    assert armed < 50, armed
    assert len(api.requests) == 1 + 1000  # the warm-up and every request, none lost
