"""Recipients for ``bulk``: a file or stdin read line by line by a thread, never whole."""

from __future__ import annotations

import asyncio
import queue
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Final

from pushwoosh_async.cli.exit_codes import UsageError

__all__ = ["count_recipients", "lines", "open_source"]

_READ_HINT: Final = 1 << 16
"""Bytes of recipient lines read per batch: the input is streamed, never read whole."""


def open_source(name: str) -> IO[str]:
    """The file called ``name``, or stdin for ``-``; a file that cannot be read is bad usage."""
    if name == "-":
        return sys.stdin
    try:
        return Path(name).open(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read {name}: {exc.strerror or exc}"
        raise UsageError(msg) from exc


def count_recipients(name: str) -> int | None:
    """The number of non-blank lines of a regular file (one cheap pass); ``None`` for stdin."""
    if name == "-" or not Path(name).is_file():
        return None
    count = 0
    with Path(name).open("rb") as file:
        for line in file:
            if line.strip():
                count += 1
    return count


async def lines(stream: IO[str]) -> AsyncIterator[str]:
    """The non-blank lines of ``stream``, stripped, read in batches by a daemon thread.

    The thread keeps a slow pipe from blocking the event loop, and being a daemon it never
    holds up the exit after Ctrl-C. The bounded queue keeps memory flat.
    """
    batches: queue.Queue[list[str] | BaseException | None] = queue.Queue(maxsize=4)

    def read() -> None:
        try:
            while batch := stream.readlines(_READ_HINT):
                batches.put(batch)
            batches.put(None)
        except BaseException as exc:  # noqa: BLE001 (handed to the event loop's side)
            batches.put(exc)

    threading.Thread(target=read, name="pushwoosh-recipients", daemon=True).start()
    while True:
        try:
            item = batches.get_nowait()
        except queue.Empty:
            item = await asyncio.to_thread(batches.get)
        if item is None:
            return
        if isinstance(item, BaseException):
            raise item
        for line in item:
            if recipient := line.strip():
                yield recipient
