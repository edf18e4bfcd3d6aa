"""``pw.export_segment``: start an export, wait for it, download its ZIP, yield typed rows.

One object, three uses::

    async for device in pw.export_segment('T("City", EQ, "Madrid")'):
        ...                                    # rows; the temporary ZIP is removed at the end

    async with pw.export_segment(expr, fields=["hwids"]) as export:
        async for device in export:            # leaving the block (a break, an error, a
            ...                                # cancellation) removes the file at once

    saved = await pw.export_segment(expr, save_to="madrid.zip")   # the file only: SavedExport

Iterating starts the job (``exportSegment``, polled by ``exportSegment/result`` through
``jobs.wait``: a ``failed`` job is ``JobFailed``), checks the link (``segments.download``),
streams it to a file through the client's own pool (never the whole body in memory, at most
``max_bytes``), then reads the archive's one CSV/JSON member a batch of rows per worker-thread
hop (``segments.archive``), so memory stays flat however large the segment. With ``save_to``
the archive is kept there (written beside it, renamed when complete); without, a temporary
file is used and always removed. A ``SegmentExport`` runs once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncGenerator, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, TypedDict

import anyio
import anyio.to_thread
import attrs

from pushwoosh_async.commands.segmentation import ExportFormat, ExportSegment, ExportStatus
from pushwoosh_async.errors import ArchiveError, ConfigurationError, ValidationError
from pushwoosh_async.jobs import wait
from pushwoosh_async.segments.archive import ArchiveReader, ExportedDevice
from pushwoosh_async.segments.download import Downloader, check_url
from pushwoosh_async.session import Session

__all__ = [
    "BATCH_ROWS",
    "EXPORT_FIELDS",
    "FIELD_ATTRIBUTES",
    "MAX_EXPORT_BYTES",
    "ExportOptions",
    "ExportRowOptions",
    "SavedExport",
    "SegmentExport",
]

MAX_EXPORT_BYTES: Final = 2 * 1024**3
"""The default bound on the download and on its data file unpacked: 2 GiB."""
FIELD_ATTRIBUTES: Final = {
    "hwids": "hwid",
    "push_tokens": "push_token",
    "users": "user_id",
    "tags": "tags",
}
"""The ``exportData`` values the docs list -> the ``ExportedDevice`` attribute each one fills."""
EXPORT_FIELDS: Final = frozenset(FIELD_ATTRIBUTES)
"""The ``exportData`` values the docs list."""
BATCH_ROWS: Final = 2000
"""Rows parsed per worker-thread hop (see benchmarks/bench_export.py)."""


class ExportRowOptions(TypedDict, total=False):
    """The keyword options of ``pw.export_segment`` but ``save_to`` (see :class:`SegmentExport`)."""

    format: ExportFormat | Literal["csv", "json"]
    fields: Iterable[str] | None
    max_bytes: int
    timeout: float
    interval: float
    max_interval: float
    download_timeout: float | None


class ExportOptions(ExportRowOptions, total=False):
    """The keyword options of ``pw.export_segment`` (documented on :class:`SegmentExport`)."""

    save_to: str | os.PathLike[str] | None


@attrs.frozen
class SavedExport:
    """What ``await pw.export_segment(..., save_to=path)`` gives: the ZIP as downloaded."""

    path: Path
    bytes: int
    devices_count: int | None
    """As the job reported it (``None`` if it did not)."""
    format: ExportFormat


def _format(value: ExportFormat | str) -> ExportFormat:
    try:
        return ExportFormat(value.upper())
    except ValueError:
        msg = f"format must be 'csv' or 'json', not {value!r}"
        raise ValidationError(msg) from None


def _fields(value: Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    fields = tuple(value)
    unknown = sorted(set(fields) - EXPORT_FIELDS)
    if unknown or not fields:
        msg = f"fields must be some of {sorted(EXPORT_FIELDS)}, not {unknown or 'none'}"
        raise ValidationError(msg)
    return fields


class SegmentExport:
    """One segment export: iterate it for :class:`ExportedDevice` rows, or await it (``save_to``).

    Awaited it gives a :class:`SavedExport`. Built by ``pw.export_segment``; runs once.

    ``format`` (``"csv"``/``"json"`` or ``ExportFormat``) and ``fields`` (``exportData``: some of
    ``hwids``, ``push_tokens``, ``users``, ``tags``; all by default) shape the file;
    ``timeout``, ``interval`` and ``max_interval`` wait for the job as ``pw.wait`` does;
    ``max_bytes`` (2 GiB) bounds the download and its data file unpacked; ``download_timeout``
    (an hour) the whole download; ``save_to`` keeps the archive at that path.

    ``status`` is the job's final ``ExportStatus`` once it completed; ``bytes`` what was
    downloaded.
    """

    def __init__(
        self,
        session: Session,
        downloader: object,
        filter_expression: str,
        *,
        format: ExportFormat | Literal["csv", "json"] = "csv",  # noqa: A002 (the wire's name)
        fields: Iterable[str] | None = None,
        max_bytes: int = MAX_EXPORT_BYTES,
        timeout: float = 300.0,
        interval: float = 1.0,
        max_interval: float = 15.0,
        download_timeout: float | None = 3600.0,
        save_to: str | os.PathLike[str] | None = None,
    ) -> None:
        if not isinstance(downloader, Downloader):
            msg = "this client's sender cannot download (it has no download method)"
            raise ConfigurationError(msg)
        if type(max_bytes) is not int or max_bytes <= 0:
            msg = f"max_bytes must be a positive whole number, not {max_bytes!r}"
            raise ValidationError(msg)
        self.format = _format(format)
        self.command = ExportSegment(
            filter_expression=filter_expression, format=self.format, export_data=_fields(fields)
        )
        self._session = session
        self._downloader = downloader
        self._max_bytes = max_bytes
        self._wait = {"timeout": timeout, "interval": interval, "max_interval": max_interval}
        self._download_timeout = download_timeout
        self._save_to = None if save_to is None else Path(save_to)
        self._used = False
        self._rows: AsyncGenerator[ExportedDevice, None] | None = None
        self._temporary: Path | None = None
        self.status: ExportStatus | None = None
        self.bytes = 0

    def __repr__(self) -> str:
        return f"<SegmentExport {self.command.filter_expression!r} {self.format.value}>"

    def _start(self) -> None:
        if self._used:
            msg = "a SegmentExport runs once: call pw.export_segment again"
            raise RuntimeError(msg)
        self._used = True

    async def _fetch(self) -> Path:
        """Run the job and download its archive; the path of the file holding it."""
        self.status = status = await wait(self._session, self.command, **self._wait)
        if not status.url:
            msg = "the export completed without a file link"
            raise ArchiveError(msg)
        url = check_url(status.url)
        final = self._save_to
        directory = None if final is None else final.parent
        handle, name = tempfile.mkstemp(suffix=".zip.part", prefix="export-", dir=directory)
        self._temporary = Path(name)
        with os.fdopen(handle, "wb") as sink:
            self.bytes = await self._downloader.download(
                url, sink, max_bytes=self._max_bytes, timeout=self._download_timeout
            )
        if final is None:
            return self._temporary
        await anyio.to_thread.run_sync(os.replace, name, final)
        self._temporary = None
        return final

    def _remove(self) -> None:
        temporary, self._temporary = self._temporary, None
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()

    def __await__(self) -> Any:
        return self._saved().__await__()

    async def _saved(self) -> SavedExport:
        if self._save_to is None:
            msg = "await an export only with save_to= (iterate it for its rows)"
            raise ValidationError(msg)
        self._start()
        try:
            path = await self._fetch()
        finally:
            self._remove()
        count = None if self.status is None else self.status.devices_count
        return SavedExport(path, self.bytes, count, self.format)

    def __aiter__(self) -> AsyncGenerator[ExportedDevice, None]:
        self._start()
        self._rows = self._read()
        return self._rows

    async def _read(self) -> AsyncGenerator[ExportedDevice, None]:
        try:
            path = await self._fetch()
            reader = await anyio.to_thread.run_sync(ArchiveReader, path, self._max_bytes)
            try:
                while batch := await anyio.to_thread.run_sync(reader.next_batch, BATCH_ROWS):
                    for device in batch:
                        yield device
            finally:
                reader.close()
        finally:
            self._remove()

    async def aclose(self) -> None:
        """Stop reading and remove the temporary file (what leaving ``async with`` does)."""
        rows, self._rows = self._rows, None
        if rows is not None:
            await rows.aclose()
        self._remove()

    async def __aenter__(self) -> SegmentExport:  # noqa: PYI034 (typing.Self is 3.11+)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
