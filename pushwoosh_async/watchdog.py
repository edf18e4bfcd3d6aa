"""One timer per sender for every request's read timeout and deadline, instead of one each.

aiohttp's own ``sock_read`` timeout arms a timer per request and re-arms it on every chunk that
arrives: about 8 % of a small request's CPU at 64 in flight (``benchmarks/README.md``). The
aiohttp sender turns it off and registers each request here instead, which costs a dictionary
entry. The watchdog keeps a single ``loop.call_at`` handle set for the earliest bound of the
requests in flight; when it fires, every request past its bound has its connection aborted, and
the sender reports the abort as :class:`~pushwoosh_async.errors.ReadTimeout` or
:class:`~pushwoosh_async.errors.DeadlineExceeded` (:attr:`Watch.expired` says which).

What a request's bound is:

* the read timeout runs from the moment the request holds a connection slot (so it covers
  writing the request and waiting for the whole reply, which for Pushwoosh's small bodies is one
  exchange); while a *new* connection is being made it is paused (the connect timeout governs
  that phase, as before) and restarts once connected;
* the call's deadline, when it has one, caps everything: a new connection is also abandoned
  when the deadline comes first (:meth:`Watch.connecting`).

Aborting the connection, rather than cancelling the task, leaves nothing pending on the task: a
reply that completes in the same loop step as the timer cannot turn into a stray cancellation.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Any, Final, Literal

from pushwoosh_async.errors import DeadlineExceeded, ReadTimeout, Timeout

if TYPE_CHECKING:
    from collections.abc import Awaitable

__all__ = ["Watch", "Watchdog"]

READ: Final = "read"
DEADLINE: Final = "deadline"


class Watch:
    """One request under watch: its bound, its connection once it has one, and why it ended."""

    __slots__ = ("bound", "connection", "deadline", "expired", "holds_slot", "read", "waiter")

    def __init__(self, read: float | None, deadline: float | None, now: float) -> None:
        self.read = read
        self.deadline = deadline
        self.connection: Any = None
        """aiohttp's ``Connection`` for this request, set by the connector."""
        self.waiter: asyncio.Future[bool] | None = None
        """A wait for a connection slot (``slots.Slots``): it is answered ``False`` on expiry."""
        self.expired: Literal["read", "deadline"] | None = None
        self.holds_slot = False
        """Whether the request holds one of the sender's connection slots (``slots.Slots``)."""
        self.bound = self._from(now)

    def _from(self, now: float) -> float:
        bound = math.inf if self.read is None else now + self.read
        return bound if self.deadline is None or self.deadline > bound else self.deadline

    def queue(self, watchdog: Watchdog, waiter: asyncio.Future[bool], bound: float) -> None:
        """Bound the request's wait for a slot: ``waiter`` is answered ``False`` at ``bound``."""
        self.waiter, self.bound = waiter, bound
        watchdog.arm(bound)

    def restart(self, watchdog: Watchdog, now: float) -> None:
        """Start the read clock again from ``now`` (the request got its slot after queueing)."""
        self.bound = self._from(now)
        watchdog.arm(self.bound)

    def abort(self, reason: Literal["read", "deadline"]) -> None:
        """Mark the request as expired and drop its connection (if it has one yet)."""
        self.expired = reason
        if self.waiter is not None:
            if not self.waiter.done():
                self.waiter.set_result(False)
            return
        connection = self.connection
        transport = None if connection is None else connection.transport
        if transport is not None:
            transport.abort()

    def error(self, method: str) -> Timeout:
        """What an expired request raises: ``not_sent`` when it never had a connection."""
        if self.expired == READ:
            return ReadTimeout("the reply did not come in time", method)
        sent = self.connection is not None
        return DeadlineExceeded("the call's deadline passed", method, not_sent=not sent)

    async def connecting(self, watchdog: Watchdog, connect: Awaitable[Any]) -> Any:
        """Await a new connection with the read clock paused, within the deadline if any."""
        self.bound = math.inf if self.deadline is None else self.deadline
        loop = asyncio.get_running_loop()
        try:
            if self.deadline is None:
                return await connect
            try:
                return await asyncio.wait_for(connect, max(0.0, self.deadline - loop.time()))
            except asyncio.TimeoutError:
                self.expired = DEADLINE
                raise
        finally:
            self.bound = self._from(loop.time())
            watchdog.arm(self.bound)


class Watchdog:
    """The requests in flight on one sender, by task, and the one timer that bounds them."""

    __slots__ = ("_handle", "_watches", "_when")

    def __init__(self) -> None:
        self._watches: dict[asyncio.Task[Any] | None, Watch] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._when = math.inf

    def watch(self, read: float | None, deadline: float | None) -> Watch:
        """Start watching the current task's request; pair with :meth:`release`."""
        loop = asyncio.get_running_loop()
        watch = Watch(read, deadline, loop.time())
        self._watches[asyncio.current_task()] = watch
        if watch.bound < self._when:
            self.arm(watch.bound)
        return watch

    def watch_wait(self, waiter: asyncio.Future[bool], bound: float) -> None:
        """Answer the current task's ``waiter`` with ``False`` at ``bound``; pair with release."""
        watch = Watch(None, None, 0.0)
        watch.bound, watch.waiter = bound, waiter
        self._watches[asyncio.current_task()] = watch
        if bound < self._when:
            self.arm(bound)

    def current(self) -> Watch | None:
        """The current task's watch (the connector reads it to attach the connection)."""
        return self._watches.get(asyncio.current_task())

    def release(self) -> None:
        """Stop watching the current task's request."""
        self._watches.pop(asyncio.current_task(), None)

    def arm(self, when: float) -> None:
        """Make sure the timer fires no later than ``when``."""
        if when >= self._when or when == math.inf:
            return
        if self._handle is not None:
            self._handle.cancel()
        self._when = when
        self._handle = asyncio.get_running_loop().call_at(when, self._check)

    def _check(self) -> None:
        """Abort what is past its bound; set the timer for the earliest bound left."""
        self._handle, self._when = None, math.inf
        now = asyncio.get_running_loop().time()
        earliest = math.inf
        for watch in self._watches.values():
            if watch.expired is not None:
                continue
            if watch.bound <= now:
                past_deadline = watch.deadline is not None and watch.deadline <= now
                watch.abort(DEADLINE if past_deadline else READ)
            elif watch.bound < earliest:
                earliest = watch.bound
        self.arm(earliest)

    def close(self) -> None:
        """Stop the timer (the sender is closing)."""
        if self._handle is not None:
            self._handle.cancel()
        self._handle, self._when = None, math.inf
