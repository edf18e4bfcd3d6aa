"""Reading the identifiers of a segment import from a file, one at a time.

The Control Panel's own CSV import takes files under 100 MB; through the API (what
``pw.import_segment`` does) there is no such limit: the file is read lazily, one line at a time,
so its size does not matter to memory.
"""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from pushwoosh_async.errors import ValidationError

__all__ = ["HEADERS", "identifiers_from_csv"]

HEADERS: Final = frozenset(
    {"id", "ids", "identifier", "hwid", "hwids", "user_id", "userid", "user id", "users"}
)
"""A first row whose identifier cell is one of these (any case) is taken for a header."""


def identifiers_from_csv(
    path: str | os.PathLike[str],
    column: str | int = 0,
    *,
    header: bool | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
) -> Iterator[str]:
    """Yield the identifiers of one column of a CSV file, lazily, trimmed, blanks skipped.

    ``column`` is a position (0 for the first) or a header name (then the first row must be a
    header holding it, else ``ValidationError``). ``header=None`` guesses: the first row is a
    header if its cell is one of :data:`HEADERS` (``user_id``, ``hwid``, ...); ``True`` or
    ``False`` says so. A row too short for the column is a ``ValidationError`` naming its line.
    The file is opened when iteration starts and closed when it ends (or the generator does).
    """
    source = Path(path)
    with source.open(newline="", encoding=encoding) as file:
        reader = csv.reader(file, delimiter=delimiter)
        first = next(reader, None)
        if first is None:
            return
        position = _position(first, column, header)
        rows: Iterator[list[str]] = reader
        if position is None:  # the first row is data
            position = int(column)
            rows = itertools.chain([first], reader)
        for row in rows:
            if not row or not any(cell.strip() for cell in row):
                continue  # a blank line
            if position >= len(row):
                msg = f"{source.name}, line {reader.line_num}: no column {position}"
                raise ValidationError(msg)
            identifier = row[position].strip()
            if identifier:
                yield identifier


def _position(first: list[str], column: str | int, header: bool | None) -> int | None:
    """The identifier column's index if ``first`` is a header row, else ``None``."""
    names = [cell.strip().lower() for cell in first]
    if isinstance(column, str):
        if header is False or column.strip().lower() not in names:
            msg = f"column {column!r} is not in the first row ({', '.join(first)})"
            raise ValidationError(msg)
        return names.index(column.strip().lower())
    if isinstance(column, bool) or column < 0:
        msg = f"column must be a name or a position from 0, not {column!r}"
        raise ValidationError(msg)
    guessed = column < len(names) and names[column] in HEADERS
    return column if (guessed if header is None else header) else None
