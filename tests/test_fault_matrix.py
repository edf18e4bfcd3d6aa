"""Every fault a network or a server can produce, in process and over real loopback HTTP.

Each row injects one fault into the fake Pushwoosh for one call of ``createMessage`` (not
idempotent, de-duplicated by ``transactionId``) and checks what a user relies on: the typed
outcome, how many attempts reached the fake, and how many messages exist afterwards (exactly one
per successful send, never two). Faults below the HTTP layer (a refused connection, a connect
timeout) have their own tests at the end, over loopback only.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from pushwoosh_async import CreateMessage, Notification, PushwooshClient, RetryPolicy
from pushwoosh_async.errors import (
    ArgumentError,
    ConnectError,
    ConnectTimeout,
    PushwooshError,
    Redirected,
    ReplyTooLarge,
    ServerError,
    UnknownDevicesWarning,
)
from pushwoosh_async.testing import FakePushwoosh, Fault, When
from pushwoosh_async.testing.server import running
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, unanswered_port

POLICY = RetryPolicy(attempts=3, initial_delay=0.01, jitter=0, max_retry_after=1.0)
TIMEOUT = httpx.Timeout(5.0, read=0.3)

OK = None
"""The row's call succeeds."""

ROWS = [
    # id, fault (None: none), times, outcome, attempts, messages afterwards
    ("reset-before", Fault.reset(When.BEFORE), 1, OK, 2, 1),
    ("reset-after", Fault.reset(When.AFTER), 1, OK, 2, 1),
    ("read-timeout", Fault.timeout(), 1, OK, 2, 1),
    ("500", Fault.http_error(500), 1, OK, 2, 1),
    ("502-html", Fault.html_page(502), 1, OK, 2, 1),
    ("503-retry-after", Fault(kind="http", status=503, body=b"{}", retry_after=0.2), 1, OK, 2, 1),
    ("503", Fault.http_error(503), 1, OK, 2, 1),
    ("429", Fault.rate_limited(0.1), 1, OK, 2, 1),
    ("html-200", Fault.html_page(200), 1, OK, 2, 1),
    ("truncated", Fault.truncated(), 1, OK, 2, 1),
    ("empty", Fault.empty(), 1, OK, 2, 1),
    ("500-every-time", Fault.http_error(500), 5, ServerError, 3, 0),
    ("3xx", Fault.redirect("http://127.0.0.2:1/elsewhere"), 1, Redirected, 1, 0),
    ("oversized", Fault.oversized(64 * 1024), 1, ReplyTooLarge, 1, 0),
]


@pytest.fixture(autouse=True)
def no_token_in_any_output(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> Iterator[None]:
    """Everything logged (DEBUG up) and printed during a row holds neither token."""
    caplog.set_level("DEBUG")
    yield
    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert API_TOKEN not in text
        assert DEVICE_TOKEN not in text


@pytest.fixture(params=["in-process", "loopback-http"])
async def wire(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[FakePushwoosh, dict[str, Any]]]:
    """The fake, and the client options that reach it: its transport, or a real HTTP server."""
    fake = FakePushwoosh(api_token=API_TOKEN, device_token=DEVICE_TOKEN, applications=[APPLICATION])
    for n in range(12):
        fake.add_device(f"hwid-{n}")
    if request.param == "in-process":
        yield fake, {"transport": fake.transport}
        return
    async with running(fake) as url:
        yield fake, {"base_url": url}


def client(**options: Any) -> PushwooshClient:
    return PushwooshClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        retry=POLICY,
        timeout=TIMEOUT,
        max_reply_bytes=32 * 1024,
        **options,
    )


def send_to(devices: list[str]) -> CreateMessage:
    return CreateMessage(notifications=[Notification(content="Hi", devices=devices)])


DEVICES = [f"hwid-{n}" for n in range(12)]


@pytest.mark.parametrize(
    ("fault", "times", "outcome", "attempts", "messages"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
async def test_one_fault_one_outcome(  # noqa: PLR0917 (one parameter per column)
    wire: tuple[FakePushwoosh, dict[str, Any]],
    fault: Fault,
    times: int,
    outcome: type[PushwooshError] | None,
    attempts: int,
    messages: int,
) -> None:
    """The fault gives its typed outcome, its attempts, and never a second message."""
    fake, options = wire
    fake.inject(fault, method="createMessage", times=times)
    async with client(**options) as pw:
        if outcome is None:
            result = await pw(send_to(DEVICES))
            assert len(result.message_codes) == 1
        else:
            with pytest.raises(outcome):
                await pw(send_to(DEVICES))
    assert len(fake.calls_to("createMessage")) == attempts
    assert len(fake.state.messages) == messages
    ids = {c.body["request"]["notifications"][0]["transactionId"] for c in fake.calls}
    assert len(ids) == 1, "every attempt carried the same transactionId"


async def test_an_argument_error_is_final(wire: tuple[FakePushwoosh, dict[str, Any]]) -> None:
    """210 (an unknown application) is not retried and creates nothing."""
    fake, options = wire
    async with client(**options) as pw:
        with pytest.raises(ArgumentError):
            await pw(
                CreateMessage(
                    notifications=[Notification(content="Hi", devices=DEVICES)],
                    application="NOPE0-00000",
                )
            )
    assert len(fake.calls_to("createMessage")) == 1
    assert fake.state.messages == {}


async def test_a_success_with_warnings_keeps_them(
    wire: tuple[FakePushwoosh, dict[str, Any]],
) -> None:
    """200 naming unknown devices: one attempt, the warning issued and kept on the result."""
    fake, options = wire
    async with client(**options) as pw:
        with pytest.warns(UnknownDevicesWarning):
            result = await pw(send_to([*DEVICES, "unknown-1"]))
    assert [type(w) for w in result.warnings] == [UnknownDevicesWarning]
    assert result.unknown_devices == {result.message_codes[0]: ("unknown-1",)}
    assert len(fake.calls_to("createMessage")) == 1


# --- below HTTP: loopback only -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_refused_connection_is_retried_and_reported_not_sent() -> None:
    """Nothing listening: every attempt is refused, the error says not_sent, nothing exists."""
    async with client(base_url=f"http://127.0.0.1:{_free_port()}") as pw:
        with pytest.raises(ConnectError) as raised:
            await pw(send_to(DEVICES))
    assert raised.value.not_sent is True


async def test_a_connect_timeout_is_reported_not_sent() -> None:
    """A listener whose accept queue is full never completes the handshake: ConnectTimeout."""
    with unanswered_port() as port:
        await asyncio.sleep(0.05)
        pw = PushwooshClient(
            API_TOKEN,
            application=APPLICATION,
            base_url=f"http://127.0.0.1:{port}",
            timeout=httpx.Timeout(5.0, connect=0.2),
            retry=RetryPolicy.off(),
        )
        async with pw:
            with pytest.raises(ConnectTimeout) as raised:
                await pw(send_to(DEVICES))
        assert raised.value.not_sent is True
