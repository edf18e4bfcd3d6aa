"""Reading an export's ZIP: pick its one data member, parse it row by row, never whole.

The archive Pushwoosh links to holds one CSV or JSON file. Neither its column names nor its JSON
shape are documented, so both are inferred and read leniently: a header or key is matched
case-insensitively, ignoring spaces, ``_`` and ``-`` (``HWID``, ``Push Token``, ``user_id``,
``UserId``...), and the columns that map to none of the fields stay in ``extra``, as read. JSON
may be one top-level array of objects or one object per line; it is read with
``json.JSONDecoder.raw_decode`` over a bounded buffer, never with one ``json.load``.

Everything here is blocking file work: :class:`ArchiveReader` is run in a worker thread, a batch
of rows per hop (``segments.export``).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final

import attrs

from pushwoosh_async.errors import ArchiveError, DownloadTooLarge

__all__ = ["MAX_RECORD_CHARS", "ArchiveReader", "ExportedDevice", "data_member"]

MAX_RECORD_CHARS: Final = 1024 * 1024
"""The longest one JSON record may be: a device's row is far smaller. A CSV field is bounded by
the csv module's own limit (131,072 characters; the process-wide setting is left alone)."""

_CHUNK: Final = 64 * 1024
_DATA_SUFFIXES: Final = {".csv": "CSV", ".json": "JSON", ".jsonl": "JSON", ".ndjson": "JSON"}
_FIELDS: Final = {
    "hwid": "hwid",
    "hwids": "hwid",
    "hardwareid": "hwid",
    "pushtoken": "push_token",
    "pushtokens": "push_token",
    "token": "push_token",
    "userid": "user_id",
    "users": "user_id",
    "user": "user_id",
    "tags": "tags",
}
_SEPARATORS: Final = re.compile(r"[\s_\-]+")


@attrs.frozen(slots=True)
class ExportedDevice:
    """One device of an export; a field the export did not include is ``None`` (``tags``: empty).

    ``tags`` is the tag name -> value mapping (a CSV ``tags`` column holds it as JSON text);
    ``extra`` keeps every column (or key) that maps to no field, with its raw value.
    """

    hwid: str | None = None
    push_token: str | None = None
    user_id: str | None = None
    tags: Mapping[str, Any] = attrs.field(factory=dict)
    extra: Mapping[str, Any] = attrs.field(factory=dict)


@functools.lru_cache(maxsize=256)  # a file repeats its few keys on every row
def _field(name: str) -> str | None:
    return _FIELDS.get(_SEPARATORS.sub("", name).lower())


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return "\x00" in name or path.is_absolute() or ".." in path.parts or ":" in name


def data_member(archive: zipfile.ZipFile, max_bytes: int) -> zipfile.ZipInfo:
    """The archive's one CSV/JSON member.

    ``ArchiveError`` for none, several, or any member with an unsafe name (absolute, ``..``, a
    drive or NUL); ``DownloadTooLarge`` when its header says it unpacks past ``max_bytes``.
    """
    members = archive.infolist()
    unsafe = [m.filename for m in members if _unsafe(m.filename)]
    if unsafe:
        msg = f"the archive has a member with an unsafe name: {unsafe[0][:100]!r}"
        raise ArchiveError(msg)
    data = [
        m
        for m in members
        if not m.is_dir() and PurePosixPath(m.filename).suffix.lower() in _DATA_SUFFIXES
    ]
    if len(data) != 1:
        names = ", ".join(repr(m.filename[:60]) for m in data[:5]) or "none"
        msg = f"the archive must hold exactly one CSV or JSON file, it holds {len(data)}: {names}"
        raise ArchiveError(msg)
    member = data[0]
    if member.file_size > max_bytes:
        msg = f"{member.filename[:60]!r} unpacks to {member.file_size:,} bytes, over {max_bytes:,}"
        raise DownloadTooLarge(msg)
    return member


class _Bounded(io.RawIOBase):
    """A member's stream that refuses to yield more than ``limit`` bytes (a lying header)."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            msg = "the archive's data file unpacks to more than max_bytes"
            raise DownloadTooLarge(msg)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class ArchiveReader:
    """Rows of a downloaded export, read lazily: ``next_batch(n)`` until it returns ``[]``.

    ``format`` is the data member's (by its suffix: ``CSV`` or ``JSON``). Damage (not a ZIP, a
    truncated file, a bad CRC, undecodable text, a malformed row) is an ``ArchiveError``.
    """

    def __init__(self, path: str | Path, max_bytes: int) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            msg = f"the download is not a readable ZIP archive ({exc})"
            raise ArchiveError(msg) from exc
        try:
            member = data_member(self._zip, max_bytes)
            self.format = _DATA_SUFFIXES[PurePosixPath(member.filename).suffix.lower()]
            raw = _Bounded(self._zip.open(member), max_bytes)
            self._text = io.TextIOWrapper(
                io.BufferedReader(raw, _CHUNK), encoding="utf-8-sig", newline=""
            )
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            self._zip.close()
            msg = f"the archive cannot be read ({exc})"
            raise ArchiveError(msg) from exc
        except BaseException:
            self._zip.close()
            raise
        self._rows = _csv_rows(self._text) if self.format == "CSV" else _json_rows(self._text)

    def next_batch(self, size: int) -> list[ExportedDevice]:
        """Up to ``size`` more rows; ``[]`` once the file is read to its end."""
        batch: list[ExportedDevice] = []
        try:
            for row in self._rows:
                batch.append(row)
                if len(batch) >= size:
                    break
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeError, csv.Error) as exc:
            msg = f"the archive's data file is damaged ({type(exc).__name__}: {exc})"
            raise ArchiveError(msg) from exc
        return batch

    def close(self) -> None:
        """Close the member and the archive."""
        try:
            self._text.close()
        finally:
            self._zip.close()


def _device(record: Mapping[str, Any]) -> ExportedDevice:
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in record.items():
        field = _field(key)
        if field is None:
            extra[key] = value
        elif field == "tags":
            values["tags"] = _tags(value)
        else:
            values[field] = None if value in (None, "") else str(value)
    return ExportedDevice(**values, extra=extra)


def _tags(value: Any) -> Mapping[str, Any]:
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            msg = "a row's tags are not a JSON object"
            raise ArchiveError(msg) from exc
    if not isinstance(value, Mapping):
        msg = f"a row's tags are a {type(value).__name__}, not an object"
        raise ArchiveError(msg)
    return dict(value)


def _csv_rows(text: IO[str]) -> Iterator[ExportedDevice]:
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    width = len(header)
    for cells in reader:
        if not cells:
            continue
        if len(cells) != width:
            msg = f"CSV line {reader.line_num} has {len(cells)} cells, the header {width}"
            raise ArchiveError(msg)
        yield _device(dict(zip(header, cells, strict=True)))


def _json_rows(text: IO[str]) -> Iterator[ExportedDevice]:
    for record in _json_values(text):
        if not isinstance(record, Mapping):
            msg = f"a JSON record is a {type(record).__name__}, not an object"
            raise ArchiveError(msg)
        yield _device(record)


def _json_values(text: IO[str]) -> Iterator[Any]:
    """The objects of a top-level array, or of a sequence (JSON lines), one at a time."""
    stream = _JsonStream(text)
    stream.skip("")
    in_array = stream.peek() == "["
    if in_array:
        stream.at += 1
    skipped = "," if in_array else ""
    while True:
        stream.skip(skipped)
        first = stream.peek()
        if first is None:
            if in_array:
                msg = "the JSON array ends before its closing bracket"
                raise ArchiveError(msg)
            return
        if in_array and first == "]":
            return
        yield stream.value()


class _JsonStream:
    """A text stream read in chunks, with ``raw_decode`` over what is buffered (bounded)."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._decoder = json.JSONDecoder()
        self.buffer = ""
        self.at = 0

    def _fill(self) -> bool:
        chunk = self._text.read(_CHUNK)
        self.buffer, self.at = self.buffer[self.at :] + chunk, 0
        return bool(chunk)

    def skip(self, also: str) -> None:
        """Move past whitespace (and the characters of ``also``)."""
        ignored = " \t\r\n" + also
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in ignored:
                self.at += 1
            if self.at < len(self.buffer) or not self._fill():
                return

    def peek(self) -> str | None:
        """The next character, ``None`` at the end."""
        return self.buffer[self.at] if self.at < len(self.buffer) else None

    def value(self) -> Any:
        """The next JSON value; ``ArchiveError`` if malformed, truncated or too long."""
        while True:
            try:
                value, self.at = self._decoder.raw_decode(self.buffer, self.at)
            except ValueError as exc:  # noqa: PERF203 (only at a chunk boundary)
                if len(self.buffer) - self.at > MAX_RECORD_CHARS:
                    msg = f"a JSON record is longer than {MAX_RECORD_CHARS:,} characters"
                    raise ArchiveError(msg) from exc
                if not self._fill():
                    msg = f"the JSON data is malformed or truncated ({exc})"
                    raise ArchiveError(msg) from exc
            else:
                return value
