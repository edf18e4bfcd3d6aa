"""How many chunks a bulk run keeps in flight, and how it reads recipients into chunks.

The ceiling of a bulk run is the account's rate (600 ``createMessage`` a minute: 10 calls a
second), and the rate limiter enforces it. To reach it, ``rate x latency`` calls must be in
flight: 8 are enough at 0.05 s, 20 are needed at 2 s. :class:`InFlight` finds that number by
measuring rather than by being told the rate or the latency (neither is known to the sender: the
limiter may be a shared Redis budget, the latency is the server's):

* It starts with :data:`START` calls in flight and measures the completion rate over one
  *epoch*: the completions of calls started after the epoch began, over at least as long as
  such a call took (one round trip, so that a burst the limiter spaced out is not taken for
  the rate) and at least four of them.
* While doubling the calls in flight still raises the rate by half or more, the latency is the
  bound: it doubles again. When a doubling gains less than that, the limiter is the bound and the
  current number holds (it is at least 1.33 x ``rate x latency``: calls queue briefly in the
  limiter, which keeps it saturated). When it gains nothing, the previous number was already
  enough, and it settles at 1.5 x that one.
* Holding, it keeps measuring: if the rate falls by more than 15% (the latency grew), it grows
  again from there. It never goes above :data:`CAP` (64 chunks: 64,000 hwids held, enough for
  6 s of latency at the default rate).

An explicit ``concurrency=n`` turns all of this off: exactly ``n`` in flight, as before.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Final

__all__ = ["CAP", "START", "InFlight", "chunks"]

START: Final = 8
"""Calls in flight when a run starts (adaptive mode)."""
CAP: Final = 64
"""The most calls in flight adaptive mode ever allows."""
_LINEAR: Final = 1.5  # a doubling that gains this much: latency-bound, double again
_GAIN: Final = 1.02  # a doubling that gains less than this: the previous number was enough
_DROP: Final = 0.85  # holding, a rate this far below the best: the latency grew, grow again


class InFlight:
    """Admits calls up to ``limit`` in flight; in adaptive mode, moves ``limit`` (see above)."""

    __slots__ = (
        "_best",
        "_clock",
        "_count",
        "_epoch",
        "_first",
        "_growing",
        "_spent",
        "_waiter",
        "adaptive",
        "in_flight",
        "limit",
    )

    def __init__(self, fixed: int | None = None) -> None:
        self.adaptive = fixed is None
        self.limit = START if fixed is None else fixed
        self.in_flight = 0
        self._waiter: asyncio.Future[None] | None = None
        self._clock = asyncio.get_running_loop().time
        self._growing = True
        self._best = 0.0
        self._begin(self._clock())

    async def acquire(self) -> float:
        """Wait until a call may start; returns its start time (pass it to :meth:`release`)."""
        while self.in_flight >= self.limit:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        self.in_flight += 1
        return self._clock()

    def release(self, started: float) -> None:
        """A call that started at ``started`` ended (whatever its outcome)."""
        self.in_flight -= 1
        if self.adaptive and started >= self._epoch:
            now = self._clock()
            self._completed(now, now - started)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _begin(self, now: float) -> None:
        self._epoch = now
        self._count = 0
        self._first = now
        self._spent = 0.0

    def _completed(self, now: float, duration: float) -> None:
        self._count += 1
        self._spent += duration
        if self._count == 1:
            self._first = now
        # A round at least as long as a call: a burst paced by the limiter is not the rate.
        span = now - self._first
        if self._count < 4 or span <= 0 or span < self._spent / self._count:
            return
        rate = (self._count - 1) / span
        if self._growing:
            self._grew(rate)
        elif rate < self._best * _DROP:
            self._best, self._growing = rate, True
            self.limit = min(CAP, self.limit * 2)
        else:
            self._best = max(self._best, rate)
        self._begin(now)

    def _grew(self, rate: float) -> None:
        gain = rate / self._best if self._best > 0 else float("inf")
        if gain >= _LINEAR and self.limit < CAP:
            self._best = rate
            self.limit = min(CAP, self.limit * 2)
            return
        self._growing = False
        if gain >= _GAIN:
            self._best = rate  # the knee lies between half of limit and limit: hold
        else:
            self.limit = min(CAP, max(self.limit // 2 * 3 // 2, 1))  # 1.5 x the previous


async def chunks(
    recipients: Iterable[str] | AsyncIterable[str], size: int
) -> AsyncIterator[list[str]]:
    """The recipients in lists of ``size`` (the last one shorter), read lazily.

    One step per chunk, not per recipient: a plain iterable is cut with ``islice``; an async one
    is read in one loop, with no generator of ours between it and the list.
    """
    if not isinstance(recipients, AsyncIterable):
        iterator: Iterator[str] = iter(recipients)
        while chunk := list(itertools.islice(iterator, size)):
            yield chunk
        return
    source = aiter(recipients)
    chunk = []
    async for recipient in source:
        chunk.append(recipient)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
