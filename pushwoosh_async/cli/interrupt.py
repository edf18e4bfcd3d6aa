"""Ctrl-C during a long run (``bulk``, ``segment import``): SIGINT cancels it; its report stays."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import Protocol, TypeVar

__all__ = ["Interruptible", "run_interruptible"]

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Interruptible(Protocol[R_co]):
    """A run that reports what it did so far, also once cancelled (``BulkSender``, an import)."""

    async def run(self) -> R_co:
        """Do the job; the final report."""

    def report(self) -> R_co:
        """The report so far."""


async def run_interruptible(
    job: Interruptible[R], *, in_flight: str = "chunks in flight are unconfirmed"
) -> R:
    """Run ``job`` in a task that Ctrl-C (SIGINT) cancels; then its report so far.

    ``in_flight`` is what the interrupt notice says becomes of the work in flight.
    """
    task = asyncio.ensure_future(job.run())
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        print(f"\ninterrupted: stopping, {in_flight}", file=sys.stderr)
        task.cancel()

    installed = False
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # Windows, threads
        loop.add_signal_handler(signal.SIGINT, interrupt)
        installed = True
    try:
        return await task
    except asyncio.CancelledError:
        if not interrupted:
            raise
        return job.report()
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)
