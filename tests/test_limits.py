"""Client-side rate limits, proven at full scale on a virtual clock (no real sleeping).

The guarantee under test: no sliding window of ``period`` seconds holds more than ``max_calls``
requests of a limited method. For the sorted request times ``t`` that is exactly
``t[i + max_calls] - t[i] >= period`` for every ``i``, and every window is checked. A stream pushed
as fast as possible must still run at (nearly) the full rate.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pytest
from aiolimiter import AsyncLimiter
from hypothesis import given, settings
from hypothesis import strategies as st

from pushwoosh_async import (
    CreateMessage,
    GetTags,
    Notification,
    PushwooshClient,
    Rate,
    RetryPolicy,
)
from pushwoosh_async.commands import Command
from pushwoosh_async.errors import ConfigurationError, Throttled
from pushwoosh_async.limits import DEFAULT_RATE_LIMITS, SlidingWindowLimiter
from tests.support import API_TOKEN, mock_client, ok
from tests.virtual_clock import run_virtual, virtual_now

OK_MESSAGE = ok({"Messages": ["A-B"]})
OK_TAGS = ok({"result": {"a": 1}})
SERVER_ERROR = httpx.Response(500, json={"status_code": 500, "status_message": "Internal"})

MESSAGE = CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])])
TAGS = GetTags(hwid="hwid-1")
WORKERS = 64
EPSILON = 1e-9
"""Float slack for window spans: a real violation is off by a whole pacing step (0.1 s or more)."""


# --- helpers ------------------------------------------------------------------------------------


def window_violations(times: Sequence[float], rate: Rate) -> list[tuple[int, float]]:
    """Every ``(i, span)`` where ``max_calls + 1`` consecutive requests span under the period."""
    t = sorted(times)
    n = rate.max_calls
    return [
        (i, t[i + n] - t[i])
        for i in range(len(t) - n)
        if t[i + n] - t[i] < rate.period_seconds - EPSILON
    ]


def assert_full_rate_and_no_burst(times: Sequence[float], rate: Rate, periods: int) -> None:
    """The window guarantee holds everywhere, and the run kept >= 99% of the allowed rate."""
    violations = window_violations(times, rate)
    assert not violations, f"{len(violations)} windows over the limit, first: {violations[:3]}"
    first_period = sum(1 for t in times if t < rate.period_seconds)
    assert first_period <= rate.max_calls, "the first period carried a burst over the limit"
    duration = periods * rate.period_seconds
    sent_in_run = sum(1 for t in times if t < duration)
    assert sent_in_run >= 0.99 * rate.max_calls * periods, (
        f"only {sent_in_run} calls in {duration:g}s; the limit allows {rate.max_calls * periods}"
    )


class Recorder:
    """A MockTransport handler that answers success and records the loop time of each request."""

    def __init__(self, *, fail_every: int = 0) -> None:
        self.times: list[float] = []
        self.methods: list[str] = []
        self._fail_every = fail_every

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.times.append(virtual_now())
        method = request.url.path.rsplit("/", 1)[-1]
        self.methods.append(method)
        if self._fail_every and len(self.times) % self._fail_every == 0:
            return SERVER_ERROR
        return httpx.Response(200, json=OK_TAGS if method == "getTags" else OK_MESSAGE)


async def push_until(
    pw: PushwooshClient, command: Command[Any], *, until: float, workers: int = WORKERS
) -> int:
    """``workers`` tasks send ``command`` back to back until the virtual clock reaches ``until``."""
    done = 0

    async def worker() -> None:
        nonlocal done
        while virtual_now() < until:
            await pw(command)
            done += 1

    await asyncio.gather(*(worker() for _ in range(workers)))
    return done


async def push_count(
    pw: PushwooshClient, command: Command[Any], *, count: int, workers: int = WORKERS
) -> None:
    """``workers`` tasks share ``count`` sends of ``command``, each sent as soon as possible."""
    left = iter(range(count))

    async def worker() -> None:
        for _ in left:
            await pw(command)

    await asyncio.gather(*(worker() for _ in range(workers)))


def flood_client(
    command: Command[Any], *, until: float, fail_every: int = 0, **options: Any
) -> tuple[Recorder, int]:
    """Push ``command`` through a real client from 64 tasks for ``until`` virtual seconds."""
    recorder = Recorder(fail_every=fail_every)

    async def main() -> int:
        async with mock_client(recorder, **options) as pw:
            return await push_until(pw, command, until=until)

    return recorder, run_virtual(main())


def flood_limiter(limiter: Any, *, until: float, workers: int = WORKERS) -> list[float]:
    """Acquire ``limiter`` from many tasks as fast as it allows; the loop time of each grant."""
    granted: list[float] = []

    async def main() -> None:
        async def worker() -> None:
            while virtual_now() < until:
                await limiter.acquire()
                granted.append(virtual_now())

        await asyncio.gather(*(worker() for _ in range(workers)))

    run_virtual(main())
    return granted


# --- the guarantee, at full scale ---------------------------------------------------------------


def test_default_limit_holds_in_every_window_over_ten_minutes() -> None:
    """64 tasks pushing createMessage for 10 virtual minutes: <= 600 in every 60 s, >= 99% rate."""
    rate = DEFAULT_RATE_LIMITS["createMessage"]
    assert rate == Rate(600, 60)

    started = time.perf_counter()
    recorder, completed = flood_client(MESSAGE, until=600)
    real_seconds = time.perf_counter() - started

    assert len(recorder.times) > 5000, "thousands of calls, not a handful"
    assert completed == len(recorder.times)
    assert_full_rate_and_no_burst(recorder.times, rate, periods=10)
    per_minute = Counter(int(t // 60) for t in recorder.times if t < 600)
    assert all(594 <= per_minute[m] <= 600 for m in range(10)), per_minute
    # A real clock would take 600 s; a tenth of that leaves room for a slow, shared CI machine.
    assert real_seconds < 60, f"10 virtual minutes took {real_seconds:.1f}s of real time"


@pytest.mark.parametrize(
    "rate_limit",
    [
        pytest.param(Rate(60, 6), id="Rate(60, 6)"),
        pytest.param((60, 6), id="tuple (60, 6)"),
        pytest.param(Rate(10, 1), id="Rate(10, 1)"),
        pytest.param(Rate(7, 2.5), id="Rate(7, 2.5)"),
    ],
)
def test_scaled_down_rate_behaves_the_same(rate_limit: Rate | tuple[int, int]) -> None:
    """A smaller createMessage rate keeps the same window guarantee and full sustained rate."""
    rate = Rate(*rate_limit)
    recorder, _ = flood_client(
        MESSAGE, until=10 * rate.period_seconds, rate_limits={"createMessage": rate_limit}
    )
    assert_full_rate_and_no_burst(recorder.times, rate, periods=10)


@pytest.mark.parametrize(
    "rate",
    [Rate(600, 60), Rate(60, 6), Rate(1000, 60), Rate(59, 60), Rate(7, 2.5), Rate(1, 1)],
    ids=str,
)
def test_sliding_window_limiter_alone(rate: Rate) -> None:
    """SlidingWindowLimiter.acquire, flooded directly, never overfills a window; keeps the rate."""
    granted = flood_limiter(SlidingWindowLimiter(rate), until=10 * rate.period_seconds)
    assert_full_rate_and_no_burst(granted, rate, periods=10)


def test_window_check_catches_a_plain_aiolimiter_burst() -> None:
    """The checker is not vacuous: AsyncLimiter(600, 60) alone lets ~1,200 through in minute one."""
    granted = flood_limiter(AsyncLimiter(600, 60), until=600)
    assert window_violations(granted, Rate(600, 60))
    assert sum(1 for t in granted if t < 60) > 1100


def test_retries_under_load_still_hold_the_limit() -> None:
    """With every 4th attempt failing (500, retried), all requests together keep <= 600 per 60 s."""
    recorder, completed = flood_client(
        MESSAGE, until=180, fail_every=4, retry=RetryPolicy(attempts=10)
    )
    assert completed > 1000
    assert len(recorder.times) > completed, "some calls were retried"
    assert not window_violations(recorder.times, Rate(600, 60))


# --- which methods are limited ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate_limits", "command", "limit"),
    [
        pytest.param(None, TAGS, None, id="default: getTags unlimited"),
        pytest.param(None, MESSAGE, Rate(600, 60), id="default: createMessage limited"),
        pytest.param({}, MESSAGE, None, id="{}: createMessage unlimited"),
        pytest.param({"getTags": (5, 1)}, TAGS, Rate(5, 1), id="getTags tuple: getTags limited"),
        pytest.param({"getTags": (5, 1)}, MESSAGE, None, id="getTags tuple: createMessage free"),
    ],
)
def test_limits_apply_to_configured_methods_only(
    rate_limits: Mapping[str, Any] | None, command: Command[Any], limit: Rate | None
) -> None:
    """rate_limits replaces the defaults: listed methods keep their rate, others go at once."""
    recorder = Recorder()
    count = 1201

    async def main() -> None:
        async with mock_client(recorder, rate_limits=rate_limits) as pw:
            await push_count(pw, command, count=count)

    run_virtual(main())
    assert len(recorder.times) == count
    if limit is None:
        assert max(recorder.times) == 0.0, "an unlimited method waited"
    else:
        assert not window_violations(recorder.times, limit)
        full_windows = (count - 1) // limit.max_calls
        assert max(recorder.times) >= full_windows * limit.period_seconds - EPSILON


def test_one_client_limits_get_tags_but_not_create_message() -> None:
    """With rate_limits={"getTags": (5, 1)}, both methods share a client but only getTags waits."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder, rate_limits={"getTags": (5, 1)}) as pw:
            await asyncio.gather(
                push_count(pw, TAGS, count=51, workers=8),
                push_count(pw, MESSAGE, count=700, workers=8),
            )

    run_virtual(main())
    by_method = {
        m: [t for t, seen in zip(recorder.times, recorder.methods, strict=True) if seen == m]
        for m in ("getTags", "createMessage")
    }
    assert len(by_method["createMessage"]) == 700
    assert max(by_method["createMessage"]) == 0.0
    assert not window_violations(by_method["getTags"], Rate(5, 1))
    assert max(by_method["getTags"]) >= 10 - EPSILON


@pytest.mark.parametrize(
    "value",
    [
        pytest.param((0, 60), id="zero calls"),
        pytest.param((-5, 60), id="negative calls"),
        pytest.param((1.5, 60), id="fractional calls"),
        pytest.param((600, 0), id="zero period"),
        pytest.param((600, -1), id="negative period"),
        pytest.param((600, math.nan), id="NaN period"),
        pytest.param((600,), id="one element"),
        pytest.param((600, 60, 1), id="three elements"),
        pytest.param(600, id="bare number"),
        pytest.param("600/60", id="string"),
        pytest.param(None, id="None"),
        pytest.param((math.nan, 60), id="NaN calls"),
        pytest.param((math.inf, 60), id="infinite calls"),
        pytest.param((600, math.inf), id="infinite period"),
        pytest.param((None, 60), id="None calls"),
        pytest.param((600, "60"), id="string period"),
    ],
)
def test_invalid_rate_raises_configuration_error(value: Any) -> None:
    """Every malformed rate is refused with ConfigurationError when the client is built."""
    with pytest.raises(ConfigurationError):
        PushwooshClient(API_TOKEN, rate_limits={"createMessage": value})


@pytest.mark.parametrize(
    "value", [Rate(10, 1), (10, 1), [10, 1], (10.0, 1)], ids=["Rate", "tuple", "list", "float"]
)
def test_valid_rate_shapes_are_accepted(value: Any) -> None:
    """A Rate, a tuple, a list or a whole float all build a Rate(10, 1.0) limiter."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder, rate_limits={"createMessage": value}) as pw:
            await push_count(pw, MESSAGE, count=31)

    run_virtual(main())
    assert not window_violations(recorder.times, Rate(10, 1))
    assert max(recorder.times) >= 3 - EPSILON


# --- retries are requests too -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "second_call_waits_for_window"),
    [(0, False), (1, True)],
    ids=["no retry", "one retry"],
)
def test_retry_consumes_a_rate_slot(failures: int, second_call_waits_for_window: bool) -> None:
    """With Rate(2, 10), a retried first call uses both slots, so the next call waits until 10 s."""
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(virtual_now())
        if len(times) <= failures:
            return SERVER_ERROR
        return httpx.Response(200, json=OK_MESSAGE)

    async def main() -> None:
        policy = RetryPolicy(jitter=0, initial_delay=0.5)
        async with mock_client(
            handler, retry=policy, rate_limits={"createMessage": Rate(2, 10)}
        ) as pw:
            await pw(MESSAGE)
            await pw(MESSAGE)

    run_virtual(main())
    assert len(times) == 2 + failures
    assert not window_violations(times, Rate(2, 10))
    second_call = times[-1]
    if second_call_waits_for_window:
        # Requests 1 (failed) and 2 (its retry) fill the window opened at t=0.
        assert second_call == pytest.approx(10.0)
    else:
        assert second_call < 10.0


# --- bursts, waits with a bound, cool-downs (issue 10) ------------------------------------------


def test_a_burst_within_the_budget_goes_at_once() -> None:
    """200 concurrent sends under the default 600/min all leave at t=0: nothing is paced."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder) as pw:
            await asyncio.gather(*(pw(MESSAGE) for _ in range(200)))

    run_virtual(main())
    assert len(recorder.times) == 200
    assert max(recorder.times) == pytest.approx(0.0)


def test_the_call_past_the_budget_waits_for_the_oldest_to_leave() -> None:
    """With Rate(600, 60) the 601st call goes out when the first one is 60 s old, not before."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder) as pw:
            await asyncio.gather(*(pw(MESSAGE) for _ in range(600)))
            await pw(MESSAGE)

    run_virtual(main())
    assert max(recorder.times) == pytest.approx(60.0)
    assert not window_violations(recorder.times, Rate(600, 60))


@pytest.mark.parametrize(
    "options",
    [{"max_wait": 5.0}, {"deadline": 5.0}],
    ids=["max_wait", "deadline"],
)
def test_a_wait_longer_than_allowed_fails_at_once_and_sends_nothing(
    options: dict[str, Any],
) -> None:
    """A full window and 5 s allowed: Throttled at t=0 naming the wait; no request leaves."""
    recorder = Recorder()
    outcome: dict[str, Any] = {}

    async def main() -> None:
        async with mock_client(recorder, rate_limits={"createMessage": Rate(2, 60)}) as pw:
            await pw(MESSAGE)
            await pw(MESSAGE)
            started = virtual_now()
            with pytest.raises(Throttled) as raised:
                await pw(MESSAGE, **options)
            outcome["elapsed"] = virtual_now() - started
            outcome["error"] = raised.value

    run_virtual(main())
    assert len(recorder.times) == 2
    assert outcome["elapsed"] == 0.0
    error = outcome["error"]
    assert error.wait == pytest.approx(60.0)
    assert error.allowed == pytest.approx(5.0)
    assert error.not_sent is True


def test_client_defaults_apply_and_a_call_can_lift_them() -> None:
    """max_wait on the client refuses long waits; max_wait=None on one call waits them out."""
    recorder = Recorder()
    seen: dict[str, Any] = {}

    async def main() -> None:
        limits = {"createMessage": Rate(1, 30)}
        async with mock_client(recorder, rate_limits=limits, max_wait=1.0) as pw:
            await pw(MESSAGE)
            with pytest.raises(Throttled):
                await pw(MESSAGE)
            await pw(MESSAGE, max_wait=None)
            seen["at"] = virtual_now()

    run_virtual(main())
    assert seen["at"] == pytest.approx(30.0)
    assert len(recorder.times) == 2


def test_a_wait_within_the_allowance_is_served() -> None:
    """The 3rd call with Rate(2, 10) and max_wait=15 waits 10 s and goes out."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder, rate_limits={"createMessage": Rate(2, 10)}) as pw:
            await pw(MESSAGE)
            await pw(MESSAGE)
            await pw(MESSAGE, max_wait=15.0)

    run_virtual(main())
    assert sorted(recorder.times) == pytest.approx([0.0, 0.0, 10.0])


def test_a_cancelled_waiter_gives_its_place_back() -> None:
    """Cancelling a queued call counts nothing: the next waiter gets the freed slot on time."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder, rate_limits={"createMessage": Rate(1, 10)}) as pw:
            await pw(MESSAGE)
            doomed = asyncio.ensure_future(pw(MESSAGE))
            later = asyncio.ensure_future(pw(MESSAGE))
            await asyncio.sleep(1)
            doomed.cancel()
            await later

    run_virtual(main())
    assert sorted(recorder.times) == pytest.approx([0.0, 10.0])


def test_waiters_are_served_first_come_first_served() -> None:
    """Queued calls leave in the order they asked, each when a slot frees."""
    order: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        order.append(len(order))
        return httpx.Response(200, json=OK_MESSAGE)

    async def main() -> None:
        async with mock_client(handler, rate_limits={"createMessage": Rate(1, 1)}) as pw:
            tasks = []
            for n in range(5):
                tasks.append(asyncio.ensure_future(pw(MESSAGE)))
                await asyncio.sleep(0)  # asks in this order
                assert n == len(tasks) - 1
            await asyncio.gather(*tasks)

    run_virtual(main())
    assert order == [0, 1, 2, 3, 4]


def test_one_429_cools_the_method_down_for_every_caller() -> None:
    """A 429 with Retry-After: 5 holds the other callers; none of them collects its own 429."""
    arrivals: list[tuple[float, int]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        status = 429 if not arrivals else 200
        arrivals.append((virtual_now(), status))
        if status == 429:
            body = {"status_code": 429, "status_message": "Too many requests"}
            return httpx.Response(429, json=body, headers={"Retry-After": "5"})
        return httpx.Response(200, json=OK_TAGS)

    async def main() -> None:
        policy = RetryPolicy(initial_delay=0.01, jitter=0)
        async with mock_client(handler, retry=policy, rate_limits={}) as pw:
            first = asyncio.ensure_future(pw(TAGS))
            await asyncio.sleep(0.001)  # the 429 is back; 50 more callers arrive
            await asyncio.gather(first, *(pw(TAGS) for _ in range(50)))

    run_virtual(main())
    assert [status for _, status in arrivals].count(429) == 1
    assert len(arrivals) == 52  # the first, its retry, the 50
    assert min(t for t, status in arrivals[1:]) >= 5.0


def test_paced_calls_are_spread_and_bursts_are_not() -> None:
    """pace=True spaces one caller's requests period/max_calls apart; unpaced ones still burst."""
    recorder = Recorder()

    async def main() -> None:
        async with mock_client(recorder, rate_limits={"createMessage": Rate(10, 10)}) as pw:
            for _ in range(4):
                await pw(MESSAGE, pace=True)
            await asyncio.gather(*(pw(MESSAGE) for _ in range(6)))

    run_virtual(main())
    times = sorted(recorder.times)
    assert times[:4] == pytest.approx([0.0, 1.0, 2.0, 3.0])
    assert times[4:] == pytest.approx([3.0] * 6)


def test_a_paced_grant_woken_late_does_not_push_the_stream_back() -> None:
    """Rate(10, 10), paced: a caller 0.3 s late at t=1 is granted at 1.3 and the next at 2.0,
    not 2.3 (the lateness is made up); one 0.6 s late (more than half a step) starts afresh."""
    window = SlidingWindowLimiter(Rate(10, 10))

    async def main() -> list[float]:
        times = []
        for pause in (0.0, 1.3, 0.0, 0.0, 1.6, 0.0):  # arrives 0.3 s, then 0.6 s after its slot
            await asyncio.sleep(pause)
            await window.acquire(pace=True)
            times.append(virtual_now())
        return times

    assert run_virtual(main()) == pytest.approx([0.0, 1.3, 2.0, 3.0, 4.6, 5.6])


def _slots_one_by_one(log: list[float], rate: Rate, floor: float, ahead: int) -> float:
    """The queue's send times computed slot by slot: the definition ``estimate`` shortcuts."""
    slots: list[float] = []
    for j in range(ahead + 1):
        index = len(log) - rate.max_calls + j
        at = floor
        if 0 <= index < len(log):
            at = max(at, log[index] + rate.period_seconds)
        elif index >= len(log):
            at = max(at, slots[index - len(log)] + rate.period_seconds)
        slots.append(at)
    return slots[-1]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    max_calls=st.integers(1, 12),
    period=st.floats(0.5, 60),
    log=st.lists(st.floats(0, 100), max_size=12),
    now=st.floats(0, 200),
    cool=st.one_of(st.none(), st.floats(0, 300)),
    ahead=st.integers(0, 60),
)
def test_the_wait_estimate_is_the_queue_worked_out_slot_by_slot(  # noqa: PLR0917 (hypothesis)
    max_calls: int, period: float, log: list[float], now: float, cool: float | None, ahead: int
) -> None:
    """The limiter's O(ahead / max_calls) estimate equals the slot-by-slot definition."""
    rate = Rate(max_calls, period)
    window = SlidingWindowLimiter(rate)
    sent = sorted(log)[-max_calls:]
    window._sent.extend(sent)
    floor = now
    if cool is not None:
        window._cool_until = cool
        floor = max(now, cool)
    assert window.estimate(now, ahead) == pytest.approx(_slots_one_by_one(sent, rate, floor, ahead))
