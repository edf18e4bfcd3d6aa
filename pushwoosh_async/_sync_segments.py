"""A segment export's rows for synchronous code: a lazy iterator fed in batches from the loop.

``pushwoosh_async.sync.PushwooshClient.export_segment`` returns an :class:`ExportRows`. Each hop
to the client's loop thread brings back up to :data:`~pushwoosh_async.segments.export.BATCH_ROWS`
rows, so a million-row export costs hundreds of hops, not a million, and memory holds one batch.
The export's temporary file is removed when the iterator is exhausted, fails, or is closed
(``close()``, the end of a ``with`` block, or the garbage collector).
"""

from __future__ import annotations

import collections
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Final

from pushwoosh_async._loop_thread import LoopThread
from pushwoosh_async.segments.archive import ExportedDevice
from pushwoosh_async.segments.export import BATCH_ROWS, SavedExport, SegmentExport

__all__ = ["ExportRows", "saved"]

_ROWS: Final = BATCH_ROWS
"""Rows brought back per hop to the loop thread."""


async def _batch(rows: AsyncIterator[ExportedDevice], size: int) -> list[ExportedDevice]:
    """Up to ``size`` rows of ``rows``; fewer only at its end."""
    batch: list[ExportedDevice] = []
    async for row in rows:  # a break leaves the generator open: the next batch goes on
        batch.append(row)
        if len(batch) >= size:
            break
    return batch


async def saved(export: SegmentExport) -> SavedExport:
    """``await export`` (one made with ``save_to``), as a coroutine function for the loop."""
    result: SavedExport = await export  # SegmentExport.__await__ is typed Any
    return result


def _closer(loop: LoopThread, export: SegmentExport, usable: Callable[[], bool]) -> None:
    """Close ``export`` on the loop (removing its file), if the loop still runs and may be used."""
    if not loop.stopping and usable():
        loop.run(export.aclose)


class ExportRows(Iterator[ExportedDevice]):
    """The rows of one segment export, fetched lazily: iterate it, ``with`` it, ``close()`` it.

    Nothing is sent before the first row is asked for. ``export`` is the async
    :class:`~pushwoosh_async.segments.SegmentExport` behind it (``status``, ``bytes``).
    """

    def __init__(
        self, loop: LoopThread, export: SegmentExport, *, usable: Callable[[], bool]
    ) -> None:
        self.export = export
        self._loop = loop
        self._rows: AsyncIterator[ExportedDevice] | None = None
        self._buffer: collections.deque[ExportedDevice] = collections.deque()
        self._done = False
        self._finalizer = weakref.finalize(self, _closer, loop, export, usable)
        self._finalizer.atexit = False  # at exit the client's own finalizer stops the loop

    def __repr__(self) -> str:
        return f"<sync {repr(self.export)[1:]}"

    def __iter__(self) -> ExportRows:
        return self

    def __next__(self) -> ExportedDevice:
        if not self._buffer:
            if self._done:
                raise StopIteration
            try:
                self._buffer.extend(self._loop.run(self._fetch))
            except BaseException:
                self.close()
                raise
            if not self._buffer:
                self.close()
                raise StopIteration
        return self._buffer.popleft()

    async def _fetch(self) -> list[ExportedDevice]:
        if self._rows is None:
            self._rows = self.export.__aiter__()
        return await _batch(self._rows, _ROWS)

    def close(self) -> None:
        """Stop: rows not read yet are dropped and the temporary file is removed. Idempotent."""
        self._done = True
        self._buffer.clear()
        self._finalizer()

    def __enter__(self) -> ExportRows:  # noqa: PYI034 (typing.Self is 3.11+)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
