"""Ctrl-C during ``bulk``: SIGINT cancels the run, which still yields its report so far."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from pushwoosh_async.bulk import BulkReport, BulkSender

__all__ = ["run_interruptible"]


async def run_interruptible(sender: BulkSender) -> BulkReport:
    """Run ``sender`` in a task that Ctrl-C (SIGINT) cancels; then its report so far."""
    task = asyncio.ensure_future(sender.run())
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        print("\ninterrupted: stopping, chunks in flight are unconfirmed", file=sys.stderr)
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
        return sender.report()
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)
