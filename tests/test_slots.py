"""The aiohttp sender's connection slots: first come first served, bounded waits, no lost slot.

A wait is answered by a released slot or, at its bound, by the watchdog (``False``: the sender
raises ``PoolTimeout``); a cancelled wait never keeps a slot, even one handed to it as it was
cancelled; and hundreds of bounded waits share the watchdog's one timer.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pushwoosh_async.slots import Slots
from pushwoosh_async.watchdog import Watchdog


async def test_slots_are_handed_out_in_order_of_arrival() -> None:
    slots = Slots(1, Watchdog())
    assert slots.take()
    order: list[int] = []

    async def queued(n: int) -> None:
        assert await slots.wait()
        order.append(n)
        slots.release()

    tasks = [asyncio.create_task(queued(n)) for n in range(5)]
    await asyncio.sleep(0)
    assert not slots.take()  # others queue: no jumping the line
    slots.release()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    assert slots.take()  # the last one gave it back


async def test_a_wait_ends_false_at_its_bound_and_leaves_no_waiter() -> None:
    slots = Slots(1, Watchdog())
    assert slots.take()
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await slots.wait(started + 0.05) is False
    assert 0.05 <= loop.time() - started < 0.5
    slots.release()
    assert slots.take()  # the timed-out wait did not swallow the released slot


@pytest.mark.parametrize("handed_over", [False, True])
async def test_a_cancelled_wait_never_keeps_a_slot(handed_over: bool) -> None:
    slots = Slots(1, Watchdog())
    assert slots.take()
    waiting = asyncio.create_task(slots.wait())
    await asyncio.sleep(0)
    if handed_over:
        slots.release()  # handed to the waiter, which is cancelled before it resumes
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    if not handed_over:
        slots.release()
    assert slots.take()
    assert not slots.take()


async def test_queued_waits_share_one_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    armed = 0
    call_at = loop.call_at

    def counting(*args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        nonlocal armed
        armed += 1
        return call_at(*args, **kwargs)

    monkeypatch.setattr(loop, "call_at", counting)
    slots = Slots(4, Watchdog())
    bound = loop.time() + 30

    async def one() -> None:
        if not slots.take():
            assert await slots.wait(bound)
        await asyncio.sleep(0)
        slots.release()

    await asyncio.gather(*(one() for _ in range(500)))
    assert armed <= 2, armed
