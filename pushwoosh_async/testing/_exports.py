"""The ZIPs the fake builds for its segment exports, where they are hosted, who downloaded them.

An export job writes a real archive to a temporary directory as it starts: one member,
``export.csv`` or ``export.json`` (a top-level array), with the columns its ``exportData``
selects (``hwids`` -> ``hwid``, ``push_tokens`` -> ``push_token``, ``users`` -> ``user_id``,
``tags`` -> ``tags``, a JSON object; all four when none is given). Rows are streamed into the
archive, so a million devices never sit in memory as one document.

Where the link points: :attr:`ExportFiles.base_url`, by default an https host the fake's
transport answers (``https://exports.fake-pushwoosh.invalid/exports``);
``testing.server.running`` points it at its own loopback server while it runs
(``http://127.0.0.1:<port>/exports``). A test may set it to any other host (a capturing server).
Every download request is kept in :attr:`ExportFiles.downloads`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

__all__ = ["COLUMNS", "EXPORT_HOST", "Download", "ExportFiles", "Row"]

EXPORT_HOST: Final = "https://exports.fake-pushwoosh.invalid"
"""The host the fake's transport serves export files from (not an API host)."""
COLUMNS: Final = {"hwids": "hwid", "push_tokens": "push_token", "users": "user_id", "tags": "tags"}
"""``exportData`` value -> the column (or key) the fake writes for it."""

Row = tuple[str, "str | None", "str | None", Mapping[str, Any]]
"""(hwid, push token, user id, tags) of one exported device."""


@attrs.frozen
class Download:
    """One request for an export file, as it arrived (header names lower case)."""

    method: str
    url: str
    headers: Mapping[str, str]
    status: int


class ExportFiles:
    """The export archives of one fake account, and the requests made for them."""

    def __init__(self) -> None:
        self.base_url = f"{EXPORT_HOST}/exports"
        self.downloads: list[Download] = []
        self._files: dict[str, Path] = {}
        self._directory: Path | None = None

    def build(
        self, name: str, rows: Iterable[Row], export_format: str, fields: Sequence[str]
    ) -> int:
        """Write ``name``.zip from ``rows``; the number of rows written."""
        if self._directory is None:
            self._directory = Path(tempfile.mkdtemp(prefix="fake-pushwoosh-exports-"))
        path = self._directory / f"{name}.zip"
        columns = [COLUMNS[f] for f in COLUMNS if f in fields]
        member = "export.json" if export_format == "JSON" else "export.csv"
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
            archive.open(member, "w", force_zip64=True) as raw,
        ):
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            count = (_json if export_format == "JSON" else _csv)(text, rows, columns)
            text.flush()
            text.detach()
        self._files[f"{name}.zip"] = path
        return count

    def link(self, name: str) -> str:
        """The URL the export's result names."""
        return f"{self.base_url}/{name}.zip"

    def path(self, file_name: str) -> Path | None:
        """The archive served as ``file_name`` (``<id>.zip``), if any."""
        return self._files.get(file_name)

    def record(self, method: str, url: str, headers: Mapping[str, str], status: int) -> None:
        """Keep one download request."""
        lowered = {k.lower(): v for k, v in headers.items()}
        self.downloads.append(Download(method, url, lowered, status))

    def close(self) -> None:
        """Delete every archive built."""
        directory, self._directory = self._directory, None
        self._files.clear()
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


def _record(row: Row, columns: list[str]) -> dict[str, Any]:
    hwid, push_token, user_id, tags = row
    values = {"hwid": hwid, "push_token": push_token, "user_id": user_id, "tags": dict(tags)}
    return {column: values[column] for column in columns}


def _csv(text: io.TextIOWrapper, rows: Iterable[Row], columns: list[str]) -> int:
    writer = csv.writer(text)
    writer.writerow(columns)
    count = 0
    for row in rows:
        record = _record(row, columns)
        if "tags" in record:
            record["tags"] = json.dumps(record["tags"], separators=(",", ":"))
        writer.writerow(["" if v is None else v for v in record.values()])
        count += 1
    return count


def _json(text: io.TextIOWrapper, rows: Iterable[Row], columns: list[str]) -> int:
    text.write("[")
    count = 0
    for row in rows:
        text.write(",\n" if count else "\n")
        text.write(json.dumps(_record(row, columns), separators=(",", ":")))
        count += 1
    text.write("\n]\n")
    return count
