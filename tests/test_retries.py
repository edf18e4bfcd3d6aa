"""Retries: which failures and which commands are retried, how often, and how long each wait is.

Every test counts the requests that reached the transport. Calls run on the virtual clock, so the
default policy's real backoff (0.5 s, 1 s, 2 s, ...) costs no real time and waits can be measured
exactly.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest

from pushwoosh_async import BulkSetTags, CreateMessage, GetTags, Notification
from pushwoosh_async.commands import Command
from pushwoosh_async.errors import (
    ArgumentError,
    BadRequest,
    ConnectError,
    ConnectTimeout,
    DecodeError,
    Forbidden,
    NotFound,
    PoolTimeout,
    PushwooshError,
    RateLimited,
    ReadTimeout,
    ServerError,
    TransportError,
    Unauthorized,
)
from pushwoosh_async.retries import RetryPolicy
from tests.support import mock_client, ok, transaction_ids
from tests.virtual_clock import run_virtual, virtual_now

OK_JOB = {"request_id": "job-1", "status": "Pending"}

Answer = Callable[[httpx.Request], httpx.Response]
"""One scripted transport outcome: a response, or an httpx exception raised."""


def status(code: int, **response: Any) -> Answer:
    """An answer with HTTP ``code`` and ``response`` (``json=``, ``text=``, ``headers=`` ...)."""

    def answer(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(code, **response)

    return answer


def raises(exc_type: type[httpx.TransportError]) -> Answer:
    """An answer that fails the request with the httpx network error ``exc_type``."""

    def answer(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)

    return answer


def message(*notifications: Notification) -> CreateMessage:
    """A createMessage of ``notifications`` (one to ``hwid-1`` by default), no transactionId."""
    return CreateMessage(
        notifications=notifications or [Notification(content="Hi", devices=["hwid-1"])]
    )


TAGS = GetTags(hwid="hwid-1")
BULK = BulkSetTags(devices=[{"hwid": "h1", "tags": {"a": 1}}])
SUCCESS_FOR = {
    "createMessage": ok({"Messages": ["A-B"]}),
    "getTags": ok({"result": {"a": 1}}),
    "bulkSetTags": OK_JOB,
}


class Script:
    """A MockTransport handler: plays ``failures`` in order, then succeeds; records requests."""

    def __init__(self, failures: Sequence[Answer] = ()) -> None:
        self.failures = list(failures)
        self.times: list[float] = []
        self.bodies: list[Any] = []

    @classmethod
    def always(cls, failure: Answer) -> Script:
        return cls([failure] * 50)

    @property
    def calls(self) -> int:
        return len(self.times)

    def waits(self) -> list[float]:
        """Virtual seconds between consecutive attempts."""
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]

    def notification_ids(self, attempt: int) -> list[str | None]:
        """The transactionIds that attempt number ``attempt`` (from 0) carried."""
        return transaction_ids(self.bodies[attempt])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.times.append(virtual_now())
        self.bodies.append(json.loads(request.content) if request.content else None)
        if len(self.times) <= len(self.failures):
            return self.failures[len(self.times) - 1](request)
        return httpx.Response(200, json=SUCCESS_FOR[request.url.path.rsplit("/", 1)[-1]])


def send(script: Script, command: Command[Any] | None = None, **options: Any) -> Any:
    """Send ``command`` (one createMessage by default) once, on the virtual clock."""

    async def main() -> Any:
        async with mock_client(script, **options) as pw:
            return await pw(command or message())

    return run_virtual(main())


def attempts_until_raised(
    failure: Answer,
    error: type[PushwooshError],
    command: Command[Any] | None = None,
    **options: Any,
) -> int:
    """Send against a transport that always answers ``failure``; ``error`` itself must be raised.

    Returns how many requests reached the transport.
    """
    script = Script.always(failure)
    with pytest.raises(error) as raised:
        send(script, command, **options)
    assert raised.type is error, f"{raised.type.__name__} raised, not {error.__name__}"
    return script.calls


RETRYABLE = [
    pytest.param(status(500), ServerError, id="500"),
    pytest.param(status(502, text="<html>Bad Gateway</html>"), ServerError, id="502-html"),
    pytest.param(status(503), ServerError, id="503"),
    pytest.param(
        status(200, json={"status_code": 500, "status_message": "Internal"}),
        ServerError,
        id="body-500",
    ),
    pytest.param(status(429, headers={"Retry-After": "1"}), RateLimited, id="429"),
    pytest.param(raises(httpx.ConnectError), ConnectError, id="connect-error"),
    pytest.param(raises(httpx.ReadTimeout), ReadTimeout, id="read-timeout"),
    pytest.param(status(200, content=b'{"status_code": 200, "respo'), DecodeError, id="truncated"),
    pytest.param(status(200, text="<html>maintenance</html>"), DecodeError, id="html-200"),
]

REFUSALS = [
    pytest.param(
        status(200, json={"status_code": 210, "status_message": "Argument error"}),
        ArgumentError,
        id="210",
    ),
    pytest.param(status(400, json={"message": "Malformed"}), BadRequest, id="400"),
    pytest.param(status(401, json={"message": "Bad token"}), Unauthorized, id="401"),
    pytest.param(status(403, json={"message": "Restricted"}), Forbidden, id="403"),
    pytest.param(status(404, json={"message": "No such app"}), NotFound, id="404"),
]

COMMANDS = [pytest.param(message(), id="createMessage"), pytest.param(TAGS, id="getTags")]


# --- what is retried, how many times -----------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("failure", "error"), RETRYABLE)
def test_retryable_failure_uses_all_four_attempts(
    failure: Answer, error: type[PushwooshError], command: Command[Any]
) -> None:
    """A failure that keeps happening is tried 4 times (the default), then raised as its type."""
    assert attempts_until_raised(failure, error, command) == 4


@pytest.mark.parametrize("failures", [1, 2, 3], ids=["1-failure", "2-failures", "3-failures"])
@pytest.mark.parametrize("failure", [pytest.param(p.values[0], id=p.id) for p in RETRYABLE])
def test_success_after_failures_returns_the_result(failure: Answer, failures: int) -> None:
    """Up to 3 retryable failures followed by a success return the success's typed result."""
    script = Script([failure] * failures)
    result = send(script)
    assert result.message_codes == ("A-B",)
    assert script.calls == failures + 1


def test_exhausted_attempts_raise_the_last_error() -> None:
    """After mixed failures the error raised is the one from the final attempt."""
    script = Script(
        [
            raises(httpx.ConnectError),
            status(429),
            raises(httpx.ReadTimeout),
            status(503, json={"message": "the last one"}),
        ]
    )
    with pytest.raises(ServerError) as raised:
        send(script)
    assert raised.value.http_status == 503
    assert raised.value.status_message == "the last one"
    assert script.calls == 4


@pytest.mark.parametrize("attempts", [1, 2, 4, 7], ids=lambda n: f"attempts={n}")
def test_attempts_bounds_the_number_of_requests(attempts: int) -> None:
    """RetryPolicy(attempts=n) sends a persistently failing call exactly n times."""
    policy = RetryPolicy(attempts=attempts)
    assert attempts_until_raised(status(500), ServerError, retry=policy) == attempts


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("failure", "error"), REFUSALS)
def test_deliberate_refusal_is_never_retried(
    failure: Answer, error: type[PushwooshError], command: Command[Any]
) -> None:
    """210, 400, 401, 403 and 404 are answers: exactly one request, even for an idempotent call."""
    assert attempts_until_raised(failure, error, command) == 1


# --- createMessage transactionId ---------------------------------------------------------------


def test_every_notification_gets_its_own_transaction_id() -> None:
    """Each notification of a createMessage carries a distinct, non-empty transactionId."""
    script = Script()
    send(script, message(*(Notification(content=f"n{i}", devices=["h"]) for i in range(3))))
    ids = script.notification_ids(0)
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == 3


def test_retry_attempts_send_identical_bodies() -> None:
    """Every attempt of one send carries the same transactionIds (the whole body is identical)."""
    script = Script([status(500), raises(httpx.ReadTimeout), status(502)])
    two = message(
        Notification(content="a", devices=["h"]), Notification(content="b", devices=["h"])
    )
    send(script, two)
    assert script.calls == 4
    assert all(body == script.bodies[0] for body in script.bodies)
    assert all(script.notification_ids(0))


def test_caller_transaction_id_wins() -> None:
    """A caller-set transaction_id is sent as given on every attempt; unset ones are generated."""
    script = Script([status(500)])
    send(
        script,
        message(
            Notification(content="a", devices=["h"], transaction_id="mine"),
            Notification(content="b", devices=["h"]),
        ),
    )
    first, second = script.notification_ids(0), script.notification_ids(1)
    assert first == second
    assert first[0] == "mine"
    assert first[1] not in (None, "", "mine")


def test_separate_sends_get_different_transaction_ids() -> None:
    """Sending the same command object twice is two messages: the generated ids differ."""
    command = message()
    script = Script()

    async def main() -> None:
        async with mock_client(script) as pw:
            await pw(command)
            await pw(command)

    run_virtual(main())
    assert script.calls == 2
    assert script.notification_ids(0) != script.notification_ids(1)
    assert command.notifications[0].transaction_id is None, "the caller's command was not changed"


# --- which commands may be retried --------------------------------------------------------------

DEDUP_OFF = RetryPolicy(retry_with_dedup_keys=False)
OWN_ID = message(Notification(content="Hi", devices=["h"], transaction_id="mine"))


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        pytest.param(status(500), ServerError, id="500"),
        pytest.param(raises(httpx.ReadTimeout), ReadTimeout, id="read-timeout"),
        pytest.param(raises(httpx.RemoteProtocolError), TransportError, id="reset"),
        pytest.param(status(429), RateLimited, id="429"),
        pytest.param(status(200, text="<html>"), DecodeError, id="html-200"),
    ],
)
@pytest.mark.parametrize(
    ("command", "policy", "calls"),
    [
        pytest.param(message(), RetryPolicy(), 4, id="createMessage"),
        pytest.param(OWN_ID, RetryPolicy(), 4, id="createMessage-own-id"),
        pytest.param(message(), DEDUP_OFF, 1, id="createMessage-dedup-off"),
        pytest.param(OWN_ID, DEDUP_OFF, 1, id="createMessage-own-id-dedup-off"),
        pytest.param(TAGS, RetryPolicy(), 4, id="getTags"),
        pytest.param(TAGS, DEDUP_OFF, 4, id="getTags-dedup-off"),
        pytest.param(BULK, RetryPolicy(), 1, id="bulkSetTags"),
        pytest.param(BULK, DEDUP_OFF, 1, id="bulkSetTags-dedup-off"),
    ],
)
def test_which_commands_are_retried(
    command: Command[Any],
    policy: RetryPolicy,
    calls: int,
    failure: Answer,
    error: type[PushwooshError],
) -> None:
    """Idempotent: retried; createMessage: only with retry_with_dedup_keys; bulkSetTags: never
    (once an attempt may have reached Pushwoosh)."""
    assert attempts_until_raised(failure, error, command, retry=policy) == calls


@pytest.mark.parametrize(
    "command",
    [message(), OWN_ID, TAGS, BULK],
    ids=["createMessage", "createMessage-own-id", "getTags", "bulkSetTags"],
)
@pytest.mark.parametrize("policy", [RetryPolicy(), DEDUP_OFF], ids=["default", "dedup-off"])
@pytest.mark.parametrize(
    ("failure", "error"),
    [
        pytest.param(raises(httpx.ConnectError), ConnectError, id="connect-error"),
        pytest.param(raises(httpx.ConnectTimeout), ConnectTimeout, id="connect-timeout"),
        pytest.param(raises(httpx.PoolTimeout), PoolTimeout, id="pool-timeout"),
    ],
)
def test_a_call_that_never_left_is_retried_whatever_the_command(
    command: Command[Any], policy: RetryPolicy, failure: Answer, error: type[PushwooshError]
) -> None:
    """No attempt reached Pushwoosh: repeating is safe even for bulkSetTags; not_sent stays."""
    script = Script.always(failure)
    with pytest.raises(error) as raised:
        send(script, command, retry=policy)
    assert script.calls == 4
    assert raised.value.not_sent is True  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("command", "calls"),
    [(message(), 1), (BULK, 1), (TAGS, 4)],
    ids=["createMessage-dedup-off", "bulkSetTags", "getTags"],
)
def test_once_an_attempt_may_have_arrived_the_call_is_no_longer_not_sent(
    command: Command[Any], calls: int
) -> None:
    """A read timeout then refused connections: only idempotent calls go on, and never not_sent."""
    script = Script([raises(httpx.ReadTimeout)] + [raises(httpx.ConnectError)] * 10)
    with pytest.raises(TransportError) as raised:
        send(script, command, retry=DEDUP_OFF)
    assert script.calls == calls
    assert raised.value.not_sent is False


def test_bulk_set_tags_sends_its_devices_once() -> None:
    """bulkSetTags goes out unwrapped with its device list, and a 500 is not sent again."""
    script = Script.always(status(500))
    with pytest.raises(ServerError):
        send(script, BULK)
    assert script.calls == 1
    assert script.bodies[0]["devices"] == [{"hwid": "h1", "tags": {"a": 1}}]


# --- how long each wait is (virtual clock) ------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "waits"),
    [
        pytest.param(
            RetryPolicy(attempts=7, jitter=0, initial_delay=0.5, max_delay=8),
            [0.5, 1, 2, 4, 8, 8],
            id="0.5-doubling-capped-at-8",
        ),
        pytest.param(
            RetryPolicy(attempts=5, jitter=0, initial_delay=1, max_delay=3),
            [1, 2, 3, 3],
            id="1-doubling-capped-at-3",
        ),
        pytest.param(RetryPolicy(attempts=3, jitter=0, initial_delay=0), [0, 0], id="no-delay"),
    ],
)
def test_backoff_doubles_up_to_max_delay(policy: RetryPolicy, waits: list[float]) -> None:
    """Without jitter the waits between attempts are initial_delay * 2**n, capped at max_delay."""
    script = Script.always(status(500))
    with pytest.raises(ServerError):
        send(script, retry=policy)
    assert script.waits() == pytest.approx(waits, abs=1e-9)


def test_jittered_waits_stay_in_range() -> None:
    """With the default jitter of 0.5, each wait d becomes a value in [d/2, d]."""
    script = Script.always(status(500))
    with pytest.raises(ServerError):
        send(script)
    for wait, full in zip(script.waits(), [0.5, 1, 2], strict=True):
        assert full * 0.5 - 1e-9 <= wait <= full + 1e-9


@pytest.mark.parametrize(
    ("retry_after", "policy", "wait"),
    [
        pytest.param("7", RetryPolicy(), 7, id="7s"),
        pytest.param("2.5", RetryPolicy(), 2.5, id="2.5s"),
        pytest.param("0", RetryPolicy(), 0, id="0s"),
        pytest.param("86400", RetryPolicy(), 60, id="huge-capped-at-default-60"),
        pytest.param("86400", RetryPolicy(max_retry_after=10), 10, id="huge-capped-at-10"),
        pytest.param(None, RetryPolicy(jitter=0), 0.5, id="no-header-backoff"),
    ],
)
def test_retry_after_sets_the_next_wait(
    retry_after: str | None, policy: RetryPolicy, wait: float
) -> None:
    """A 429's Retry-After (capped at max_retry_after) replaces the backoff before the retry."""
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    script = Script([status(429, headers=headers)])
    send(script, retry=policy)
    assert script.calls == 2
    assert script.waits() == pytest.approx([wait], abs=1e-9)


@pytest.mark.parametrize(("failure", "error"), RETRYABLE)
def test_retry_policy_off_makes_one_attempt(failure: Answer, error: type[PushwooshError]) -> None:
    """RetryPolicy.off() sends once and raises the first retryable failure without waiting."""
    script = Script.always(failure)
    with pytest.raises(error) as raised:
        send(script, retry=RetryPolicy.off())
    assert raised.type is error
    assert script.calls == 1


# --- RetryPolicy.delay on its own ---------------------------------------------------------------


class FixedRandom(random.Random):
    """An rng whose ``random()`` always returns one value."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


def rate_limited(retry_after: float | None) -> RateLimited:
    """A 429 error as the client raises it, with ``retry_after`` seconds (or none)."""
    return RateLimited(429, "Too many", 429, "createMessage", None, retry_after)


ERROR = ServerError(500, "Internal", 500, "createMessage")


DOUBLING = [(1, 0.5), (2, 1), (3, 2), (4, 4), (5, 8), (6, 8), (30, 8)]


@pytest.mark.parametrize(
    ("retry", "expected"), DOUBLING, ids=[f"retry-{n}-waits-{d:g}s" for n, d in DOUBLING]
)
def test_delay_without_jitter(retry: int, expected: float) -> None:
    """delay(n) is min(max_delay, initial_delay * 2**(n-1)) when jitter is 0."""
    policy = RetryPolicy(jitter=0, initial_delay=0.5, max_delay=8)
    assert policy.delay(retry, ERROR) == expected


@pytest.mark.parametrize(
    ("error", "policy", "expected"),
    [
        pytest.param(rate_limited(7), RetryPolicy(), 7, id="retry-after-7"),
        pytest.param(rate_limited(7), RetryPolicy(jitter=1), 7, id="retry-after-not-jittered"),
        pytest.param(rate_limited(1e6), RetryPolicy(), 60, id="capped-default"),
        pytest.param(rate_limited(1e6), RetryPolicy(max_retry_after=5), 5, id="capped-5"),
        pytest.param(rate_limited(None), RetryPolicy(jitter=0), 0.5, id="no-retry-after"),
    ],
)
def test_delay_follows_retry_after(error: Exception, policy: RetryPolicy, expected: float) -> None:
    """A RateLimited with retry_after waits exactly that (capped); without one, the backoff."""
    assert policy.delay(1, error, FixedRandom(0.9)) == expected


@pytest.mark.parametrize("jitter", [0.0, 0.25, 0.5, 1.0], ids=lambda j: f"jitter={j:g}")
@pytest.mark.parametrize("retry", [1, 3, 6], ids=lambda n: f"retry-{n}")
def test_jitter_keeps_delay_within_bounds(jitter: float, retry: int) -> None:
    """Jittered delays lie in [d*(1-jitter), d] and spread across that range."""
    policy = RetryPolicy(jitter=jitter, initial_delay=0.5, max_delay=8)
    full = min(8, 0.5 * 2 ** (retry - 1))
    rng = random.Random(1234)  # noqa: S311 (seeded for a repeatable test)
    delays = [policy.delay(retry, ERROR, rng) for _ in range(2000)]
    assert all(full * (1 - jitter) <= d <= full for d in delays)
    spread = max(delays) - min(delays)
    assert spread == pytest.approx(full * jitter, rel=0.01, abs=1e-12)


@pytest.mark.parametrize(
    ("draw", "share"),
    [(0.0, 1.0), (0.5, 0.75), (0.999999, 0.5)],
    ids=["draw-0-keeps-all", "draw-0.5-keeps-75pc", "draw-1-keeps-half"],
)
def test_jitter_shortens_by_the_drawn_share(draw: float, share: float) -> None:
    """jitter=0.5 shortens a delay by half the rng's draw: draw 0 keeps d, draw ~1 halves it."""
    policy = RetryPolicy(jitter=0.5, initial_delay=2, max_delay=8)
    assert policy.delay(1, ERROR, FixedRandom(draw)) == pytest.approx(2 * share, rel=1e-5)
