"""The aiohttp sender's connection slots: a semaphore whose waits the watchdog bounds.

At most ``size`` requests hold a slot (one connection each); the others queue, first come first
served. A queued request waits until a slot is handed to it or its bound passes (the pool
timeout, capped by the call's deadline), when the sender raises ``PoolTimeout``: nothing was
sent. The bound is kept by the sender's :class:`~pushwoosh_async.watchdog.Watchdog`, the timer
every request already shares, instead of a cancel scope and a timer per queued request, which
at 256 in flight (156 of them queued) cost more than the rest of the library.

A request queues inside aiohttp's ``connect`` (``_watched_connector``), where aiohttp itself
would, after its request objects exist, not before ``session.request``: queued up front, the
allocations of the requests let through came in bursts after other requests' frees, and at 256
in flight Python's collector ran four times as often (``benchmarks/README.md``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math

from pushwoosh_async.sender_common import remaining
from pushwoosh_async.watchdog import Watch, Watchdog

__all__ = ["SlotTimeout", "Slots"]


class SlotTimeout(Exception):
    """No slot came within ``limit`` seconds (``None``: no limit was set)."""

    def __init__(self, limit: float | None) -> None:
        super().__init__(limit)
        self.limit = limit


class Slots:
    """``size`` slots, handed out in order of arrival; waits bounded by ``watchdog``."""

    __slots__ = ("_free", "_waiters", "_watchdog")

    def __init__(self, size: int, watchdog: Watchdog) -> None:
        self._free = size
        self._waiters: collections.deque[asyncio.Future[bool]] = collections.deque()
        self._watchdog = watchdog

    def take(self) -> bool:
        """Take a free slot at once, if there is one and nobody queues for it."""
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    def claim(self, watch: Watch) -> bool:
        """Take a free slot for the request under ``watch`` at once, if there is one."""
        if self.take():
            watch.holds_slot = True
            return True
        return False

    async def hold(self, watch: Watch, pool: float | None) -> None:
        """Take a slot for the request under ``watch``; ``SlotTimeout`` if none came in time.

        At once if one is free, else queued for up to ``pool`` seconds (capped by the request's
        deadline); a queued request's read clock restarts once it holds its slot. Sets
        ``watch.holds_slot``.
        """
        if self.claim(watch):
            return
        limit = remaining(pool, watch.deadline)
        loop = asyncio.get_running_loop()
        if not await self.wait(math.inf if limit is None else loop.time() + limit, watch):
            raise SlotTimeout(limit)
        watch.restart(self._watchdog, loop.time())
        watch.holds_slot = True

    async def wait(self, bound: float = math.inf, watch: Watch | None = None) -> bool:
        """Queue for a slot until the loop's clock reads ``bound``; whether one was handed over.

        With ``watch`` (a request's, registered with the watchdog) the bound is kept on it;
        otherwise the wait is registered with the watchdog on its own.
        """
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        if watch is not None:
            watch.queue(self._watchdog, waiter, bound)
        elif bound != math.inf:
            self._watchdog.watch_wait(waiter, bound)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self.release()  # handed over as the wait was cancelled: pass it on
            raise
        finally:
            if watch is not None:
                watch.waiter = None
            elif bound != math.inf:
                self._watchdog.release()
            if waiter.cancelled() or not waiter.done() or not waiter.result():
                self._discard(waiter)  # no longer queued (O(n), on a timeout or cancel only)

    def _discard(self, waiter: asyncio.Future[bool]) -> None:
        with contextlib.suppress(ValueError):  # already handed over and popped
            self._waiters.remove(waiter)

    def release(self) -> None:
        """Give a slot back: to the first request still waiting, else to the free ones."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self._free += 1
