"""The sync client's lifecycle: close, use after close, event loops, Ctrl-C, interpreter exit."""

from __future__ import annotations

import asyncio
import gc
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async import errors
from pushwoosh_async.commands import GetTags, MessagesList, ScheduledResults
from pushwoosh_async.commands.statistics import GetAppStats
from pushwoosh_async.pipeline import Call, Reply
from pushwoosh_async.sync import PushwooshClient, RunningLoopError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, fake_account

ROOT = Path(__file__).resolve().parent.parent
TAGS = GetTags(hwid="hwid-1")
ANY_TIME = {"datefrom": "2026-01-01 00:00:00", "dateto": "2026-01-02 00:00:00"}


@pytest.fixture
def account() -> FakePushwoosh:
    fake = fake_account()
    fake.add_device("hwid-1")
    return fake


def client(account: FakePushwoosh, **options: Any) -> PushwooshClient:
    return PushwooshClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        transport=account.transport,
        **options,
    )


@pytest.fixture
def pw(account: FakePushwoosh) -> Iterator[PushwooshClient]:
    with client(account) as opened:
        yield opened


class Hang:
    """A pipeline step that holds every call until it is cancelled, and says so."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.cancelled = threading.Event()

    async def __call__(self, call: Call, next_: Callable[[Call], Any]) -> Reply:
        self.entered.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return await next_(call)


def every_call(pw: PushwooshClient) -> list[Callable[[], object]]:
    return [
        lambda: pw(TAGS),
        lambda: pw.wait(GetAppStats(**ANY_TIME)),
        lambda: pw.paginate(MessagesList(filters={"application": APPLICATION})),
        lambda: pw.bulk_send({"content": "Hi"}, ["hwid-1"]),
    ]


# --- close -----------------------------------------------------------------------------------


def test_close_is_idempotent_and_stops_the_loop_thread(account: FakePushwoosh) -> None:
    pw = client(account)
    pw(TAGS)
    thread = pw._loop.thread
    assert thread.is_alive()
    assert thread.daemon
    assert not pw.closed
    pw.close()
    pw.close()
    assert pw.closed
    assert not thread.is_alive()
    assert "closed>" in repr(pw)


def test_every_call_after_close_raises_client_closed(account: FakePushwoosh) -> None:
    with client(account) as pw:
        pw(TAGS)
    for call in every_call(pw):
        with pytest.raises(errors.ClientClosedError, match="closed"):
            call()
    with pytest.raises(errors.ClientClosedError), pw:
        pass
    assert len(account.calls) == 1


def test_closing_from_many_threads_at_once(account: FakePushwoosh) -> None:
    pw = client(account)
    pw(TAGS)
    closers = [threading.Thread(target=pw.close) for _ in range(4)]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join(10)
    assert not any(closer.is_alive() for closer in closers)
    assert not pw._loop.thread.is_alive()


def test_a_call_in_flight_when_the_client_closes_ends_with_client_closed(
    account: FakePushwoosh,
) -> None:
    hang = Hang()
    pw = client(account, steps=[hang])
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            pw(TAGS)
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    assert hang.entered.wait(5)
    started = time.monotonic()
    pw.close()
    caller.join(5)
    assert time.monotonic() - started < 5
    assert [type(e) for e in outcome] == [errors.ClientClosedError]
    assert hang.cancelled.is_set()


def test_a_client_nobody_closed_is_closed_when_collected(account: FakePushwoosh) -> None:
    pw = client(account)
    pw(TAGS)
    thread = pw._loop.thread
    del pw
    gc.collect()
    thread.join(10)
    assert not thread.is_alive()


# --- event loops -----------------------------------------------------------------------------


def test_inside_a_running_event_loop_every_call_refuses(
    account: FakePushwoosh, pw: PushwooshClient
) -> None:
    async def from_async_code() -> list[BaseException]:
        refused: list[BaseException] = []
        for call in every_call(pw):
            with pytest.raises(RunningLoopError) as caught:
                call()
            refused.append(caught.value)
        return refused

    refused = asyncio.run(asyncio.wait_for(from_async_code(), 10))  # never a deadlock
    assert all(isinstance(e, errors.ForeignLoopError) for e in refused)
    assert "await pw(command)" in str(refused[0])
    assert "pushwoosh_async.PushwooshClient" in str(refused[0])
    assert account.calls == []
    assert pw(TAGS).values == {}  # the client is fine outside the loop


def test_a_step_cannot_call_the_sync_client_from_its_loop(account: FakePushwoosh) -> None:
    """The client's own loop thread is inside a loop too: a re-entrant call refuses, no hang."""
    holder: list[PushwooshClient] = []

    async def reenter(call: Call, next_: Callable[[Call], Any]) -> Reply:
        if call.method == "getTags":
            holder[0](GetTags(hwid="again"))
        return await next_(call)

    with client(account, steps=[reenter]) as pw:
        holder.append(pw)
        with pytest.raises(RunningLoopError):
            pw(TAGS)


def test_wait_uses_the_jobs_of_the_async_client(pw: PushwooshClient) -> None:
    assert isinstance(pw.wait(GetAppStats(**ANY_TIME), interval=0.01), ScheduledResults)


# --- Ctrl-C and exit -------------------------------------------------------------------------


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread()
    or signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="needs the main thread with Python's own SIGINT handler",
)
def test_ctrl_c_cancels_the_call_on_the_loop_thread(account: FakePushwoosh) -> None:
    hang = Hang()
    main = threading.main_thread().ident
    assert main is not None

    def press_ctrl_c() -> None:
        if hang.entered.wait(5):
            signal.pthread_kill(main, signal.SIGINT)

    with client(account, steps=[hang]) as pw:
        threading.Thread(target=press_ctrl_c, daemon=True).start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            pw(TAGS)
        assert time.monotonic() - started < 5
        assert hang.cancelled.is_set()  # cancelled on the loop before Ctrl-C reached us
        assert account.calls == []  # it never reached the server
        hang.entered.clear()


SLOW_CALLBACK = re.compile(r"^Executing <.*> took \d+\.\d+ seconds$")
EXIT_SCRIPT = textwrap.dedent(
    """
    import asyncio, threading, time, weakref
    from pushwoosh_async._loop_thread import LoopThread
    from pushwoosh_async.commands import GetTags
    from pushwoosh_async.sync import PushwooshClient
    from pushwoosh_async.testing import FakePushwoosh
    from pushwoosh_async.testing.server import running

    fake = FakePushwoosh(api_token="T", device_token="D", applications=["ABCDE-12345"])
    fake.add_device("h1")
    urls, ready, outcome = [], threading.Event(), []

    async def serve():
        async with running(fake) as url:
            urls.append(url)
            ready.set()
            await asyncio.sleep(3600)

    threading.Thread(target=lambda: LoopThread("server").run(serve), daemon=True).start()
    ready.wait(10)

    class Report:  # finalized at exit after the client (finalizers run newest first)
        pass

    def report():
        stuck_thread.join(5)
        print("at exit: closed", pw.closed, "; the call in flight:", *outcome, flush=True)

    weakref.finalize(Report, report)
    pw = PushwooshClient("T", device_token="D", application="ABCDE-12345", base_url=urls[0])
    pw(GetTags(hwid="h1"))  # the default aiohttp sender, over loopback
    fake.latency = 3600.0

    def stuck():
        try:
            pw(GetTags(hwid="h1"))
        except BaseException as exc:
            outcome.append(type(exc).__name__)

    stuck_thread = threading.Thread(target=stuck, daemon=True)
    stuck_thread.start()
    while len(fake.calls) < 2:
        time.sleep(0.01)
    print("leaving with a call in flight and no close()", flush=True)
    """
)


def test_at_exit_a_client_nobody_closed_is_closed_and_nothing_hangs() -> None:
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-W", "error", "-X", "dev", "-c", EXIT_SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "leaving" in done.stdout
    assert "at exit: closed True ; the call in flight: ClientClosedError" in done.stdout
    # Nothing on stderr (no "Unclosed client session", no thread traceback) but the dev mode's
    # reports of callbacks a loaded machine made slow.
    complaints = [line for line in done.stderr.splitlines() if not SLOW_CALLBACK.match(line)]
    assert complaints == [], done.stderr
    assert time.monotonic() - started < 15
