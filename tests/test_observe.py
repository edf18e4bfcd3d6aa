"""Observers: one AttemptEvent per request and one CallEvent per call, never a token or payload;
an observer that raises never breaks a call."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import attrs
import pytest

from pushwoosh_async import CreateMessage, GetTags, Notification, RetryPolicy, observe
from pushwoosh_async.errors import ArgumentError, ConfigurationError, Throttled
from pushwoosh_async.limits import Rate
from pushwoosh_async.observe import AttemptEvent, CallEvent, Event
from pushwoosh_async.testing import FakePushwoosh, Fault
from tests.support import API_TOKEN, DEVICE_TOKEN, fake_client

FAST = RetryPolicy(attempts=3, initial_delay=0.001, max_delay=0.002, jitter=0)


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def calls(self) -> list[CallEvent]:
        return [e for e in self.events if isinstance(e, CallEvent)]

    def attempts(self) -> list[AttemptEvent]:
        return [e for e in self.events if isinstance(e, AttemptEvent)]


@pytest.fixture
def seen() -> Recorder:
    return Recorder()


async def test_a_call_emits_its_attempt_then_itself(fake: FakePushwoosh, seen: Recorder) -> None:
    fake.add_device("hwid-1")
    async with fake_client(fake, observers=[seen]) as pw:
        await pw(GetTags(hwid="hwid-1"))
    attempt, call = seen.events
    assert attempt == attrs.evolve(attempt, method="getTags", attempt=1, outcome="ok")
    assert (attempt.http_status, attempt.status_code) == (200, None)
    assert isinstance(call, CallEvent)
    assert (call.method, call.outcome, call.http_status, call.attempts) == ("getTags", "ok", 200, 1)
    assert call.attempt_events == (attempt,)
    assert 0 < attempt.elapsed <= call.elapsed


async def test_each_retry_is_an_attempt_of_one_call(fake: FakePushwoosh, seen: Recorder) -> None:
    fake.add_device("hwid-1")
    fake.inject(Fault.http_error(503), method="getTags", times=2)
    async with fake_client(fake, observers=[seen], retry=FAST) as pw:
        await pw(GetTags(hwid="hwid-1"))
    assert [(a.attempt, a.outcome, a.http_status) for a in seen.attempts()] == [
        (1, "ServerError", 503),
        (2, "ServerError", 503),
        (3, "ok", 200),
    ]
    (call,) = seen.calls()
    assert (call.outcome, call.http_status, call.attempts) == ("ok", 200, 3)


async def test_a_refusal_names_its_error_and_status_code(
    fake: FakePushwoosh, seen: Recorder
) -> None:
    async with fake_client(fake, observers=[seen]) as pw:
        with pytest.raises(ArgumentError):
            await pw(GetTags(hwid="hwid-1", application="UNKNO-WNAPP"))
    (call,) = seen.calls()
    assert (call.outcome, call.http_status, call.status_code) == ("ArgumentError", 200, 210)
    assert call.attempt_events[0].status_code == 210


async def test_a_call_refused_before_sending_has_no_attempts(
    fake: FakePushwoosh, seen: Recorder
) -> None:
    fake.add_device("hwid-1")
    message = CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])])
    limits = {"createMessage": Rate(1, 60)}
    async with fake_client(fake, observers=[seen], rate_limits=limits) as pw:
        await pw(message)
        with pytest.raises(Throttled):
            await pw(message, max_wait=0)
    last = seen.calls()[-1]
    assert (last.outcome, last.attempts, last.http_status) == ("Throttled", 0, None)


async def test_events_carry_no_token_and_no_payload(fake: FakePushwoosh, seen: Recorder) -> None:
    fake.add_device("hwid-secret-device")
    note = Notification(content="secret content", devices=["hwid-secret-device"])
    async with fake_client(fake, observers=[seen]) as pw:
        await pw(CreateMessage(notifications=[note]))
        await pw(GetTags(hwid="hwid-secret-device"))
    text = repr(seen.events) + repr([attrs.asdict(e) for e in seen.events])
    for secret in (API_TOKEN, DEVICE_TOKEN, "hwid-secret-device", "secret content"):
        assert secret not in text
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        seen.events[0].outcome = "changed"  # type: ignore[misc]


async def test_concurrent_calls_keep_their_own_attempts(
    fake: FakePushwoosh, seen: Recorder
) -> None:
    fake.add_device("hwid-1")
    fake.inject(Fault.http_error(503), method="getTags", times=5)  # 5 calls' first attempts
    fake.inject(Fault.latency(0.01), method="getTags", times=20)  # the rest overlap
    async with fake_client(fake, observers=[seen], retry=FAST) as pw:
        await asyncio.gather(*(pw(GetTags(hwid="hwid-1")) for _ in range(20)))
    calls = seen.calls()
    assert len(calls) == 20
    assert sum(call.attempts for call in calls) == len(seen.attempts()) == 25
    assert sorted(call.attempts for call in calls) == [1] * 15 + [2] * 5
    for call in calls:
        assert [a.attempt for a in call.attempt_events] == list(range(1, call.attempts + 1))


async def test_the_attempt_event_and_the_log_line_share_one_measurement(
    fake: FakePushwoosh, seen: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_device("hwid-1")
    caplog.set_level(logging.DEBUG, logger="pushwoosh_async")
    async with fake_client(fake, observers=[seen]) as pw:
        await pw(GetTags(hwid="hwid-1"))
    (attempt,) = seen.attempts()
    assert f"getTags HTTP 200 {attempt.elapsed * 1000:.1f}ms attempt=1" in caplog.messages


async def test_an_observer_that_raises_is_logged_once_and_breaks_nothing(
    fake: FakePushwoosh, seen: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_device("hwid-1")

    def broken(event: Event) -> None:
        raise RuntimeError("observer bug")

    async with fake_client(fake, observers=[broken, seen]) as pw:
        for _ in range(3):
            assert (await pw(GetTags(hwid="hwid-1"))).values == {}
    assert len(seen.calls()) == 3  # the next observer still gets every event
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "observer" in errors[0].getMessage()
    assert errors[0].exc_info is not None


def test_an_async_observer_is_refused(fake: FakePushwoosh) -> None:
    async def observer(event: Event) -> None: ...

    class AsyncObserver:
        async def __call__(self, event: Event) -> None: ...

    for wrong in (observer, AsyncObserver()):
        with pytest.raises(ConfigurationError, match="synchronously"):
            fake_client(fake, observers=[wrong])


async def test_without_observers_no_event_is_built(
    fake: FakePushwoosh, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No observer: no Observe step and no event work in Decode (the hot path is unchanged)."""
    fake.add_device("hwid-1")
    built: list[Any] = []
    for name in ("AttemptEvent", "CallEvent"):
        kind = getattr(observe, name)
        monkeypatch.setattr(observe, name, lambda *a, kind=kind: built.append(kind(*a)))
    async with fake_client(fake) as pw:
        await pw(GetTags(hwid="hwid-1"))
    assert built == []
    async with fake_client(fake, observers=[lambda _: None]) as pw:
        await pw(GetTags(hwid="hwid-1"))
    assert len(built) == 2
