"""An asyncio event loop on a virtual clock: minutes of timers run in milliseconds.

``VirtualClockLoop`` is a ``SelectorEventLoop`` whose ``time()`` is a number it keeps itself. Its
selector polls without blocking; when nothing is ready and the loop would have slept until its next
timer, the clock jumps forward by that timeout instead. Everything that reads ``loop.time()``
(``asyncio.sleep``, ``call_at``, aiolimiter, the client's limiters) then sees time pass with no
real waiting. I/O still works (the loop's own self-pipe stays registered), but the tests here do
none: ``httpx.MockTransport`` handlers run inline.

Two details keep the clock honest:

* Time never stands still while the loop only waits for a timer. When the loop polls with a zero
  timeout because a timer is due (not because callbacks are ready), the clock still moves by one
  float ulp. Without that, aiolimiter can livelock: a rounding residue of ``1e-15`` in its level
  makes it re-arm its wake-up at the very instant it woke up, forever, because no time passes.
  On a real clock the next ``monotonic()`` reading is later; one ulp is the smallest such step
  and is invisible to any assertion.
* If nothing is ready and nothing is scheduled, a real program would wait forever; the virtual
  loop raises ``VirtualDeadlockError`` instead, so a test fails rather than hangs.

Use ``run_virtual(coro)`` from a plain (sync) test function; read the clock with ``virtual_now()``
inside the coroutine (or ``loop.time()``).
"""

from __future__ import annotations

import asyncio
import math
import selectors
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

__all__ = ["VirtualClockLoop", "VirtualDeadlockError", "run_virtual", "virtual_now"]

T = TypeVar("T")


class VirtualDeadlockError(RuntimeError):
    """Nothing is ready and nothing is scheduled: the program would wait forever."""


class _JumpingSelector(selectors.BaseSelector):
    """A real selector that never blocks: an idle wait becomes a jump of the virtual clock."""

    def __init__(
        self,
        selector: selectors.BaseSelector,
        advance: Callable[[float], None],
        waits_on_timer_only: Callable[[], bool],
    ) -> None:
        self._selector = selector
        self._advance = advance
        self._waits_on_timer_only = waits_on_timer_only

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = self._selector.select(0)
        if events:
            return events
        if timeout is None:
            msg = "virtual clock: nothing is ready and no timer is scheduled (deadlock)"
            raise VirtualDeadlockError(msg)
        if timeout > 0:
            self._advance(timeout)
        elif self._waits_on_timer_only():
            self._advance(0.0)  # one ulp: see the module docstring
        return events

    # Registration is the real selector's.

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._selector.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._selector.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._selector.modify(fileobj, events, data)

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self._selector.get_key(fileobj)

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._selector.get_map()

    def close(self) -> None:
        self._selector.close()


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` only moves when the loop would otherwise sleep."""

    def __init__(self, start: float = 0.0) -> None:
        self._virtual_now = float(start)
        super().__init__(
            _JumpingSelector(selectors.DefaultSelector(), self._advance, self._waits_on_timer_only)
        )

    def _advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``, and always by at least one ulp."""
        now = self._virtual_now
        self._virtual_now = max(now + seconds, math.nextafter(now, math.inf))

    def _waits_on_timer_only(self) -> bool:
        # A zero timeout with no ready callbacks and no stop request: a timer is due now.
        return not self._ready and not self._stopping  # type: ignore[attr-defined]

    def time(self) -> float:
        return self._virtual_now


def virtual_now() -> float:
    """The running loop's clock (virtual when called under ``run_virtual``)."""
    return asyncio.get_running_loop().time()


def run_virtual(coro: Coroutine[Any, Any, T], *, start: float = 0.0) -> T:
    """Run ``coro`` to completion on a fresh ``VirtualClockLoop`` and close the loop."""
    loop = VirtualClockLoop(start)
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            leftover = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in leftover:
                task.cancel()
            if leftover:
                loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
