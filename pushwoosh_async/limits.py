"""Client-side rate limits: at most ``max_calls`` requests of a method in any sliding window.

Pushwoosh documents one limit: 600 ``createMessage`` requests per minute per account. The
guarantee here is exactly that: no window of ``period`` seconds holds more than ``max_calls``
requests of a limited method, retries included (every attempt acquires a slot). Within it,
nothing waits while the window has room: 200 sends go out at once, not paced to 10/s.

* **The protocol**, :class:`RateLimiter`: ``acquire`` a slot for a method (it reports how long it
  waited, refuses at once with :class:`~pushwoosh_async.errors.Throttled` when the wait would pass
  the caller's ``max_wait``, and counts nothing if the caller is cancelled while waiting),
  ``cool_down`` a method for a server's ``Retry-After``, and ``idle`` (a cheap test that lets
  unlimited methods skip the limiter entirely).
* :class:`LocalLimiter`, the default: one process's view, on the event loop's clock
  (``loop.time()``, so tests run ten minutes of traffic on a virtual clock). A log of the last
  ``max_calls`` send times per method is the guarantee; waiters queue first come, first served
  and are woken by one timer at the moment a slot frees, never by polling.
* ``pushwoosh_async.fleet.RedisLimiter`` (the ``redis`` extra): the same protocol, one budget for
  every process of an account, timed by the Redis server's clock.

A ``Retry-After`` on a 429 or 503 cools the method down for every caller of the client (and of
the fleet): calls already waiting wait it out instead of each collecting a 429.

``pace=True`` on an acquire (the bulk sender's choice) also spaces that caller's requests
``period / max_calls`` apart, so a long stream flows evenly instead of in window-sized bursts;
a request the loop woke late (up to half a step) does not push the next ones back.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import deque
from collections.abc import Mapping
from typing import Final, NamedTuple, Protocol, cast

from pushwoosh_async.errors import ConfigurationError, Throttled

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "LocalLimiter",
    "Rate",
    "RateLimiter",
    "SlidingWindowLimiter",
    "build_limiters",
    "parse_rates",
]


class Rate(NamedTuple):
    """At most ``max_calls`` requests in any window of ``period_seconds``."""

    max_calls: int
    period_seconds: float


DEFAULT_RATE_LIMITS: Final[Mapping[str, Rate]] = {"createMessage": Rate(600, 60.0)}
"""The documented limits: ``createMessage``, 600 requests per minute per account."""


class RateLimiter(Protocol):
    """One budget per method; what the client's ``RateLimit`` step talks to."""

    def idle(self, method: str) -> bool:
        """True when ``method`` is neither limited nor cooling down: no need to ``acquire``."""
        ...

    async def acquire(
        self, method: str, *, max_wait: float | None = None, pace: bool = False
    ) -> float:
        """Wait for a slot (counted as used) and return the seconds waited.

        Raises ``Throttled`` at once, counting nothing, when the wait would exceed ``max_wait``;
        a caller cancelled while waiting counts nothing either.
        """
        ...

    async def cool_down(self, method: str, seconds: float) -> None:
        """Let no request of ``method`` leave for ``seconds`` (a server's ``Retry-After``)."""
        ...

    async def aclose(self) -> None:
        """Release what the limiter holds (connections); idempotent."""
        ...


class SlidingWindowLimiter:
    """The budget of one method in one process (see the module docstring).

    ``acquire`` is first come, first served: a call that finds the window full, or others
    already waiting, joins the queue; one timer wakes the head of the queue when the oldest send
    leaves the window (or the cool-down ends).
    """

    __slots__ = ("_cool_until", "_paced_at", "_sent", "_timer", "_waiters", "method", "rate")

    def __init__(self, rate: Rate, method: str = "") -> None:
        self.rate = rate
        self.method = method
        self._sent: deque[float] = deque(maxlen=rate.max_calls)
        self._waiters: deque[tuple[asyncio.Future[float], bool]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._cool_until = -math.inf
        self._paced_at = -math.inf

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.rate.max_calls} per {self.rate.period_seconds:g}s)"

    @property
    def cooling_until(self) -> float:
        """The loop time before which no request goes out (``-inf``: not cooling down)."""
        return self._cool_until

    def _free_at(self, now: float, *, pace: bool) -> float:
        """When the next request may go out, given the log, the cool-down and pacing."""
        at = max(now, self._cool_until)
        if len(self._sent) == self.rate.max_calls:
            at = max(at, self._sent[0] + self.rate.period_seconds)
        if pace:
            at = max(at, self._paced_at + self.rate.period_seconds / self.rate.max_calls)
        return at

    def _grant(self, now: float, *, pace: bool) -> None:
        self._sent.append(now)
        if pace:
            # A grant woken late (a busy loop) is made up by the next instead of lost: the stream
            # keeps the full rate, never closer than half a step. After a pause it starts afresh.
            step = self.rate.period_seconds / self.rate.max_calls
            due = self._paced_at + step
            self._paced_at = due if now - due <= step / 2 else now

    def estimate(self, now: float, ahead: int) -> float:
        """When a request behind ``ahead`` waiters would go out (exact while none is cancelled).

        Slot ``j`` must be ``period`` after the send ``max_calls`` places before it: for
        ``j < max_calls`` that is a logged send (or none), beyond it slot ``j - max_calls``.
        So the answer takes ``ahead // max_calls`` steps, not ``ahead``.
        """
        n, period = self.rate.max_calls, self.rate.period_seconds
        floor = max(now, self._cool_until)
        rounds, first = divmod(ahead, n)
        index = len(self._sent) - n + first
        at = max(floor, self._sent[index] + period) if index >= 0 else floor
        for _ in range(rounds):
            at = max(floor, at + period)
        return at

    async def acquire(self, *, max_wait: float | None = None, pace: bool = False) -> float:
        """Wait for a slot, count it, and return the seconds waited (see the class docstring)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if not self._waiters and self._free_at(now, pace=pace) <= now:
            self._grant(now, pace=pace)  # the common case: room in the window, nobody waiting
            return 0.0
        wait = self.estimate(now, len(self._waiters)) - now
        if max_wait is not None and wait > max_wait:
            raise Throttled(self.method, wait, max_wait)
        future: asyncio.Future[float] = loop.create_future()
        entry = (future, pace)
        self._waiters.append(entry)
        self._arm(loop)
        try:
            if max_wait is None:
                granted = await future
            else:
                granted = await asyncio.wait_for(asyncio.shield(future), max_wait)
        except (asyncio.CancelledError, TimeoutError, asyncio.TimeoutError) as exc:
            self._withdraw(entry, loop)
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Throttled(self.method, loop.time() - now, max_wait or 0.0) from None
        return granted - now

    def _withdraw(
        self, entry: tuple[asyncio.Future[float], bool], loop: asyncio.AbstractEventLoop
    ) -> None:
        """Undo a wait that ended without a send: leave the queue, or give the slot back."""
        future, _ = entry
        if future.done() and not future.cancelled():
            with contextlib.suppress(ValueError):  # granted, but the request never went out
                self._sent.remove(future.result())
            self._rearm(loop)
            return
        future.cancel()
        with contextlib.suppress(ValueError):
            self._waiters.remove(entry)
        self._rearm(loop)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is None and self._waiters:
            _, pace = self._waiters[0]
            at = self._free_at(loop.time(), pace=pace)
            self._timer = loop.call_at(at, self._wake, loop)

    def _rearm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._arm(loop)

    def _wake(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        while self._waiters:
            future, pace = self._waiters[0]
            if future.done():  # cancelled meanwhile
                self._waiters.popleft()
                continue
            if self._free_at(now, pace=pace) > now:
                break
            self._waiters.popleft()
            self._grant(now, pace=pace)
            future.set_result(now)
        self._arm(loop)

    def cool_down(self, until: float, loop: asyncio.AbstractEventLoop) -> None:
        """Hold every request until the loop time ``until``."""
        if until > self._cool_until:
            self._cool_until = until
            self._rearm(loop)


class LocalLimiter:
    """The default :class:`RateLimiter`: the budgets of one process, on the event loop's clock."""

    __slots__ = ("_cooldowns", "_windows")

    def __init__(self, rates: Mapping[str, Rate]) -> None:
        self._windows: dict[str, SlidingWindowLimiter] = {}
        for method, rate in rates.items():
            self._windows[method] = SlidingWindowLimiter(rate, method)
        self._cooldowns: dict[str, float] = {}
        """Cool-downs of methods without a window: method -> loop time it ends."""

    def __repr__(self) -> str:
        rates = ", ".join(
            f"{m}={w.rate.max_calls}/{w.rate.period_seconds:g}s" for m, w in self._windows.items()
        )
        return f"LocalLimiter({rates})"

    def window(self, method: str) -> SlidingWindowLimiter | None:
        """The window of a limited method, or ``None``."""
        return self._windows.get(method)

    def idle(self, method: str) -> bool:
        """True when ``method`` is neither limited nor cooling down."""
        return method not in self._windows and method not in self._cooldowns

    async def acquire(
        self, method: str, *, max_wait: float | None = None, pace: bool = False
    ) -> float:
        """Wait for a slot of ``method``; see :class:`RateLimiter`."""
        window = self._windows.get(method)
        if window is not None:
            return await window.acquire(max_wait=max_wait, pace=pace)
        loop = asyncio.get_running_loop()
        wait = self._cooldowns.get(method, -math.inf) - loop.time()
        if wait <= 0:
            self._cooldowns.pop(method, None)  # over: the method is idle again
            return 0.0
        if max_wait is not None and wait > max_wait:
            raise Throttled(method, wait, max_wait)
        await asyncio.sleep(wait)
        return wait

    async def cool_down(self, method: str, seconds: float) -> None:
        """Hold every request of ``method`` for ``seconds``."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        window = self._windows.get(method)
        if window is not None:
            window.cool_down(until, loop)
        elif until > self._cooldowns.get(method, -math.inf):
            self._cooldowns[method] = until

    async def aclose(self) -> None:
        """Nothing to release."""


def _as_rate(method: str, value: Rate | tuple[float, float]) -> Rate:
    try:
        max_calls, period = value
    except (TypeError, ValueError):
        msg = f"rate_limits[{method!r}] must be Rate(max_calls, period_seconds), got {value!r}"
        raise ConfigurationError(msg) from None
    numbers = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        for v in cast("tuple[object, object]", (max_calls, period))
    )
    if not numbers or int(max_calls) != max_calls or max_calls < 1 or not period > 0:
        msg = f"rate_limits[{method!r}] needs whole max_calls >= 1 and period > 0: {value!r}"
        raise ConfigurationError(msg)
    return Rate(int(max_calls), float(period))


def parse_rates(rate_limits: Mapping[str, Rate | tuple[float, float]] | None) -> dict[str, Rate]:
    """The limits a client enforces: ``None``, the documented defaults; a mapping replaces them."""
    chosen = DEFAULT_RATE_LIMITS if rate_limits is None else rate_limits
    return {method: _as_rate(method, value) for method, value in chosen.items()}


def build_limiters(
    rate_limits: Mapping[str, Rate | tuple[float, float]] | None,
) -> LocalLimiter:
    """The default limiter for these limits (see :func:`parse_rates`)."""
    return LocalLimiter(parse_rates(rate_limits))
