"""Client-side rate limits: at most ``max_calls`` requests of a method in any sliding window.

Pushwoosh documents one limit: 600 ``createMessage`` requests per minute. An
``aiolimiter.AsyncLimiter(600, 60)`` alone is a leaky bucket that starts empty: it lets 600 calls
through at once and then refills at 10/s, so the first minute can carry about 1,200 calls. Here the
bucket only paces (a burst of a few calls, then ``max_calls / period``), and a log of the last
``max_calls`` send times is the guarantee: a call goes out only when the call ``max_calls`` places
before it is at least ``period`` seconds old. So any ``max_calls + 1`` consecutive calls span at
least ``period`` seconds, which is exactly "no window of ``period`` seconds holds more than
``max_calls``", while a sustained stream still runs at the full rate.

Time comes from the running event loop (``loop.time()``), as in aiolimiter, never from the wall
clock: tests drive minutes of traffic on a virtual clock in milliseconds.

The limit is per client. Several processes that share one account must split the rate between
them (e.g. ``Rate(300, 60)`` each for two workers).
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Mapping
from typing import Final, NamedTuple, cast

from aiolimiter import AsyncLimiter

from pushwoosh_async.errors import ConfigurationError

__all__ = ["DEFAULT_RATE_LIMITS", "Rate", "SlidingWindowLimiter", "build_limiters"]


class Rate(NamedTuple):
    """At most ``max_calls`` requests in any window of ``period_seconds``."""

    max_calls: int
    period_seconds: float


DEFAULT_RATE_LIMITS: Final[Mapping[str, Rate]] = {"createMessage": Rate(600, 60.0)}
"""The documented limits: ``createMessage``, 600 requests per minute per account."""

_BURST_SHARE: Final = 60
"""The pacing bucket lets ``max_calls / 60`` calls through at once (10 for 600/min)."""


class SlidingWindowLimiter:
    """Waits until one more call fits the rate; see the module docstring for the guarantee."""

    __slots__ = ("_bucket", "_sent", "rate")

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        burst = max(1, rate.max_calls // _BURST_SHARE)
        self._bucket = AsyncLimiter(burst, rate.period_seconds * burst / rate.max_calls)
        self._sent: deque[float] = deque(maxlen=rate.max_calls)

    async def acquire(self) -> None:
        """Return when a call may go out, and count it as sent."""
        await self._bucket.acquire()
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if len(self._sent) < self.rate.max_calls:
                break
            # The deque holds the last max_calls send times; the oldest must have left the window.
            wait = self._sent[0] + self.rate.period_seconds - now
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        self._sent.append(now)

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.rate.max_calls} per {self.rate.period_seconds:g}s)"


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


def build_limiters(
    rate_limits: Mapping[str, Rate | tuple[float, float]] | None,
) -> dict[str, SlidingWindowLimiter]:
    """One limiter per limited method.

    ``None`` means the documented defaults; a mapping replaces them.
    """
    chosen = DEFAULT_RATE_LIMITS if rate_limits is None else rate_limits
    return {method: SlidingWindowLimiter(_as_rate(method, v)) for method, v in chosen.items()}
