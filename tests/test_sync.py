"""pushwoosh_async.sync: the async client on one private loop thread, shared by any threads."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from pushwoosh_async import PushwooshClient as AsyncClient
from pushwoosh_async import RetryPolicy, errors
from pushwoosh_async._loop_thread import LoopThread
from pushwoosh_async.bulk import BulkSender
from pushwoosh_async.commands import (
    BulkSetTags,
    BulkSetTagsJobStatus,
    CreateMessage,
    CreateMessageResult,
    GetMsgStats,
    GetTags,
    MessagesList,
    Notification,
    ScheduledResults,
)
from pushwoosh_async.limits import LocalLimiter, Rate
from pushwoosh_async.pipeline import Call, Reply
from pushwoosh_async.sync import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh, Fault
from pushwoosh_async.testing.server import make_app
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, fake_account

ROOT = Path(__file__).resolve().parent.parent
TAGS = GetTags(hwid="hwid-1")


@pytest.fixture
def account() -> FakePushwoosh:
    fake = fake_account()
    fake.add_device("hwid-1")
    return fake


@pytest.fixture
def make_sync(account: FakePushwoosh) -> Iterator[Callable[..., PushwooshClient]]:
    """Sync clients of ``account`` (in-process transport, the test tokens), closed afterwards."""
    made: list[PushwooshClient] = []

    def make(**options: Any) -> PushwooshClient:
        options.setdefault("transport", account.transport)
        options.setdefault("device_token", DEVICE_TOKEN)
        options.setdefault("application", APPLICATION)
        made.append(PushwooshClient(options.pop("api_token", API_TOKEN), **options))
        return made[-1]

    yield make
    for client in made:
        client.close()


class Recording(httpx.AsyncBaseTransport):
    """The fake's transport, noting the thread and event loop each request is sent from."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.threads: set[int] = set()
        self.loops: set[int] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.threads.add(threading.get_ident())
        self.loops.add(id(asyncio.get_running_loop()))
        return await self.inner.handle_async_request(request)


class CountingLimiter:
    """A LocalLimiter that counts its acquires and the loops they came from."""

    def __init__(self, rates: dict[str, Rate]) -> None:
        self.inner = LocalLimiter(rates)
        self.acquired = 0
        self.loops: set[int] = set()

    def idle(self, method: str) -> bool:
        return self.inner.idle(method)

    async def acquire(
        self, method: str, *, max_wait: float | None = None, pace: bool = False
    ) -> float:
        self.acquired += 1
        self.loops.add(id(asyncio.get_running_loop()))
        return await self.inner.acquire(method, max_wait=max_wait, pace=pace)

    async def cool_down(self, method: str, seconds: float) -> None:
        await self.inner.cool_down(method, seconds)

    async def aclose(self) -> None:
        await self.inner.aclose()


def in_threads(threads: int, calls: int, call: Callable[[], object]) -> list[object]:
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(lambda: [call() for _ in range(calls)]) for _ in range(threads)]
        return [result for future in futures for result in future.result()]


# --- one loop, one pool, one limiter ---------------------------------------------------------


def test_threads_share_one_loop_one_pool_and_one_limiter(
    account: FakePushwoosh, make_sync: Callable[..., PushwooshClient]
) -> None:
    transport = Recording(account.transport)
    limiter = CountingLimiter({"getTags": Rate(10_000, 60)})
    pw = make_sync(transport=transport, rate_limiter=limiter)

    results = in_threads(8, 50, lambda: pw(TAGS))

    assert len(results) == 400
    assert len(account.calls_to("getTags")) == 400
    assert limiter.acquired == 400
    window = limiter.inner.window("getTags")
    assert window is not None
    assert len(window._sent) == 400  # one sliding window saw every call
    assert len(transport.loops) == 1
    assert limiter.loops == transport.loops
    assert len(transport.threads) == 1  # the client's own thread, none of the eight callers


async def _serve(fake: FakePushwoosh, peers: set[Any]) -> tuple[web.AppRunner, str]:
    app = make_app(fake)

    @web.middleware
    async def note_peer(request: web.Request, handler: Any) -> web.StreamResponse:
        assert request.transport is not None
        peers.add(request.transport.get_extra_info("peername"))
        return await handler(request)

    app.middlewares.append(note_peer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def test_threads_share_one_connection_pool_over_http(account: FakePushwoosh) -> None:
    """Over real HTTP (aiohttp, the default sender): 8 threads never open more connections
    than the one pool's max_connections."""
    peers: set[Any] = set()
    server = LoopThread("fake-server")
    runner, url = server.run(_serve, account, peers)
    try:
        with PushwooshClient(
            API_TOKEN,
            device_token=DEVICE_TOKEN,
            application=APPLICATION,
            base_url=url,
            max_connections=3,
        ) as pw:
            in_threads(8, 25, lambda: pw(TAGS))
    finally:
        server.stop(runner.cleanup)
    assert len(account.calls_to("getTags")) == 200
    assert 1 <= len(peers) <= 3


def test_the_rate_limit_is_shared_by_every_thread(
    account: FakePushwoosh, make_sync: Callable[..., PushwooshClient]
) -> None:
    """5 getTags per 0.25 s, 4 threads x 5 calls: 20 calls need 3 refills of the one window."""
    pw = make_sync(rate_limits={"getTags": Rate(5, 0.25)})
    started = time.monotonic()
    in_threads(4, 5, lambda: pw(TAGS))
    elapsed = time.monotonic() - started
    arrivals = sorted(call.at for call in account.calls_to("getTags"))
    assert len(arrivals) == 20
    assert elapsed >= 0.74  # one window for all: 4 independent ones would let all 20 through
    gaps = [later - first for first, later in zip(arrivals, arrivals[5:], strict=False)]
    assert min(gaps) >= 0.2, gaps  # no 0.25 s holds 6 (the fake sees arrivals: some jitter)


# --- the same results, errors and options ----------------------------------------------------


def test_results_and_options_are_the_async_clients(
    account: FakePushwoosh, make_sync: Callable[..., PushwooshClient]
) -> None:
    pw = make_sync(retry=RetryPolicy.off(), rate_limits={"getTags": Rate(1, 60)})
    sent = pw(CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])]))
    assert isinstance(sent, CreateMessageResult)
    assert len(account.state.messages) == 1
    assert pw(TAGS).values == {}
    with pytest.raises(errors.Throttled):  # per-call options reach the async client
        pw(TAGS, max_wait=0)
    assert len(account.calls_to("getTags")) == 1
    assert pw.retry_policy == RetryPolicy.off()


def _failures(client: Any) -> list[BaseException]:
    """The errors a few failing calls raise; ``client`` is sync, or async wrapped to block."""
    failures: list[BaseException] = []
    attempts = (
        lambda: client(GetTags(hwid="hwid-1", application="NOAPP-00000")),
        lambda: client(TAGS, deadline=-1),
        lambda: client(TAGS),  # a 503: retries are off
    )
    for attempt in attempts:
        with pytest.raises(errors.PushwooshError) as caught:
            attempt()
        failures.append(caught.value)
    return failures


def test_errors_are_the_async_clients_typed_errors(
    make_sync: Callable[..., PushwooshClient],
) -> None:
    def scripted() -> FakePushwoosh:
        fake = fake_account()
        fake.add_device("hwid-1")
        fake.inject(Fault.http_error(503), method="getTags", times=2)
        return fake

    sync_fake, async_fake = scripted(), scripted()
    from_sync = _failures(make_sync(transport=sync_fake.transport, retry=RetryPolicy.off()))

    loop = LoopThread()
    async_pw = AsyncClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        transport=async_fake.transport,
        retry=RetryPolicy.off(),
    )
    try:
        from_async = _failures(lambda *a, **k: loop.run(async_pw, *a, **k))
    finally:
        loop.stop(async_pw.aclose)

    assert [type(e) for e in from_sync] == [type(e) for e in from_async]
    assert [str(e) for e in from_sync] == [str(e) for e in from_async]
    assert len(from_sync) == 3
    assert isinstance(from_sync[-1], errors.ServerError)


def test_wait_and_bulk_send(
    account: FakePushwoosh, make_sync: Callable[..., PushwooshClient]
) -> None:
    pw = make_sync()
    status = pw.wait(BulkSetTags(devices=[{"hwid": "hwid-1", "tags": {"a": 1}}]), interval=0.01)
    assert isinstance(status, BulkSetTagsJobStatus)
    assert status.status == "Completed"
    pw(CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])]))
    (code,) = account.state.messages
    stats = pw.wait(GetMsgStats(message=code), interval=0.01)
    assert isinstance(stats, ScheduledResults)

    progress: list[int] = []
    report = pw.bulk_send(
        {"content": "Sale"},
        (f"h{i}" for i in range(2500)),
        chunk_size=1000,
        on_progress=lambda p: progress.append(p.chunks_done),
    )
    assert (report.sent + report.unknown, report.failed, len(report.chunks)) == (2500, 0, 3)
    assert progress == [1, 2, 3]


def test_paginate_fetches_a_page_only_when_it_is_needed(
    account: FakePushwoosh, make_sync: Callable[..., PushwooshClient]
) -> None:
    pw = make_sync()
    for n in range(25):
        pw(CreateMessage(notifications=[Notification(content=f"m{n}", devices=["hwid-1"])]))
    listing = MessagesList(filters={"application": APPLICATION}, per_page=10)

    def pages() -> int:
        return len(account.calls_to("messages:list"))

    items = pw.paginate(listing)
    assert pages() == 0  # nothing before the first item is asked for
    first = list(itertools.islice(items, 10))
    assert pages() == 1
    eleventh = next(items)
    assert pages() == 2
    items.close()  # stopping early sends nothing more
    assert pages() == 2
    assert len({m.code for m in [*first, eleventh]}) == 11
    assert len(list(pw.paginate(listing))) == 25
    assert pages() == 5  # 2 above, then 3 pages of 10, 10 and 5


def test_paginate_crosses_to_the_loop_thread_once_per_page(
    account: FakePushwoosh,
    make_sync: Callable[..., PushwooshClient],
    request: pytest.FixtureRequest,
) -> None:
    pw = make_sync()
    for n in range(25):
        pw(CreateMessage(notifications=[Notification(content=f"m{n}", devices=["hwid-1"])]))
    hops = request.getfixturevalue("loop_hops")  # counting from here, not the sends above
    items = list(pw.paginate(MessagesList(filters={"application": APPLICATION}, per_page=10)))
    assert len(items) == 25
    assert hops.count == 3 + 1 + 1  # three pages, the end of the listing, closing the iterator


def test_the_callers_context_goes_with_the_call(make_sync: Callable[..., PushwooshClient]) -> None:
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
    seen: list[str] = []

    async def note(call: Call, next_: Callable[[Call], Any]) -> Reply:
        seen.append(request_id.get())
        return await next_(call)

    pw = make_sync(steps=[note])

    def handle(name: str) -> None:
        request_id.set(name)
        pw(TAGS)

    threads = [threading.Thread(target=handle, args=(f"r{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == ["r0", "r1", "r2", "r3"]
    quiet = errors.ISSUE_WARNINGS.set(False)  # else the unknown device's warning is an error
    try:
        unknown = pw(CreateMessage(notifications=[Notification(content="Hi", devices=["nope"])]))
    finally:
        errors.ISSUE_WARNINGS.reset(quiet)
    assert unknown.warnings  # kept on the result, not issued: the setting reached the loop


def test_parameters_are_the_async_clients() -> None:
    def parameters(function: Any) -> list[tuple[str, Any, Any]]:
        found = inspect.signature(function).parameters.values()
        return [(p.name, p.kind, p.default) for p in found if p.name != "self"]

    assert parameters(PushwooshClient) == parameters(AsyncClient)
    for name in ("__call__", "wait", "paginate", "bulk_send"):
        assert parameters(getattr(PushwooshClient, name)) == parameters(getattr(AsyncClient, name))
    async_bulk = parameters(AsyncClient.bulk_send)
    assert async_bulk == [p for p in parameters(BulkSender) if p[0] != "client"]


def test_from_env(monkeypatch: pytest.MonkeyPatch, account: FakePushwoosh) -> None:
    monkeypatch.setenv("PUSHWOOSH_API_TOKEN", API_TOKEN)
    monkeypatch.setenv("PUSHWOOSH_DEVICE_TOKEN", DEVICE_TOKEN)
    monkeypatch.setenv("PUSHWOOSH_APPLICATION", APPLICATION)
    with PushwooshClient.from_env(transport=account.transport) as pw:
        assert pw(TAGS).values == {}
    assert "application='ABCDE-12345' closed" in repr(pw)
