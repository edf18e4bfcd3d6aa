"""Reading an export's archive: header variants, JSON array and lines, damage, round trips."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pushwoosh_async.errors import ArchiveError, DownloadTooLarge
from pushwoosh_async.segments import ExportedDevice
from pushwoosh_async.segments.archive import MAX_RECORD_CHARS, ArchiveReader


def write(path: Path, name: str, text: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, text)
    return path


def read_all(path: Path, max_bytes: int = 10**9, batch: int = 3) -> list[ExportedDevice]:
    reader = ArchiveReader(path, max_bytes)
    try:
        found: list[ExportedDevice] = []
        while chunk := reader.next_batch(batch):
            found.extend(chunk)
        return found
    finally:
        reader.close()


def test_csv_headers_are_matched_leniently_and_the_rest_kept(tmp_path: Path) -> None:
    text = 'HWID,Push Token,UserId,Tags,Platform\nh1,t1,u1,"{""A"": 1}",ios\nh2,,,,\n'
    assert read_all(write(tmp_path / "a.zip", "Export.CSV", text)) == [
        ExportedDevice("h1", "t1", "u1", {"A": 1}, {"Platform": "ios"}),
        ExportedDevice("h2", None, None, {}, {"Platform": ""}),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '[{"hwid": "h1", "tags": {"A": [1, 2]}}, {"hwid": "h2"}]',
        '  [\n {"hwid":"h1","tags":{"A":[1,2]}} ,\n{"hwid":"h2"}\n]\n',
        '{"hwid": "h1", "tags": {"A": [1, 2]}}\n{"hwid": "h2"}\n',
    ],
    ids=["array", "array-spaced", "lines"],
)
def test_json_array_and_json_lines(tmp_path: Path, text: str) -> None:
    assert read_all(write(tmp_path / "a.zip", "export.json", text)) == [
        ExportedDevice("h1", tags={"A": [1, 2]}),
        ExportedDevice("h2"),
    ]


def test_a_json_record_longer_than_the_buffer_bound_is_refused(tmp_path: Path) -> None:
    text = '[{"hwid": "' + "x" * (MAX_RECORD_CHARS + 10)
    with pytest.raises(ArchiveError, match="longer than"):
        read_all(write(tmp_path / "a.zip", "export.json", text))


def test_a_json_record_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="not an object"):
        read_all(write(tmp_path / "a.zip", "export.json", "[1]"))


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["crc", "zlib"])
def test_damaged_data_is_an_archive_error(tmp_path: Path, method: int) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("export.csv", "hwid\n" + "h1\n" * 1000)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    start = info.header_offset + 30 + len(info.filename)
    data[start + 5] ^= 0xFF  # flip a byte of the compressed data
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError):
        read_all(path)


def test_a_member_lying_about_its_size_is_still_bounded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.zip", "export.csv", "hwid\n" + "h1\n" * 1000)
    with pytest.raises(DownloadTooLarge):
        read_all(path, max_bytes=100)


tag_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
devices = st.lists(
    st.builds(
        ExportedDevice,
        hwid=st.text(min_size=1).filter(lambda s: s.strip() == s and "\x00" not in s),
        user_id=st.none() | st.text(min_size=1).filter(lambda s: "\x00" not in s),
        tags=st.dictionaries(st.text(), tag_values, max_size=4),
    ),
    max_size=20,
)


def _as_csv(rows: list[ExportedDevice]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["hwid", "user_id", "tags"])
    for d in rows:
        writer.writerow([d.hwid, d.user_id or "", json.dumps(dict(d.tags))])
    return out.getvalue()


def _as_json(rows: list[ExportedDevice]) -> str:
    return json.dumps([{"hwid": d.hwid, "user_id": d.user_id, "tags": d.tags} for d in rows])


@settings(max_examples=60, deadline=None)
@given(rows=devices, as_json=st.booleans())
def test_rows_with_arbitrary_tag_values_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[ExportedDevice], as_json: bool
) -> None:
    path = tmp_path_factory.mktemp("rt") / "a.zip"
    name, text = ("export.json", _as_json(rows)) if as_json else ("export.csv", _as_csv(rows))
    got: list[Any] = read_all(write(path, name, text))
    assert got == rows


def test_reading_leaves_the_process_wide_csv_limit_alone(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    huge = "x" * (before + 1)  # one field past the csv module's limit: damage, typed
    path = write(tmp_path / "a.zip", "e.csv", f"hwid,extra\nh1,{huge}\n")
    with pytest.raises(ArchiveError, match="damaged"):
        read_all(path)
    assert csv.field_size_limit() == before
