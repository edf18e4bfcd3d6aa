"""pw.export_segment end to end against the fake: rows, fields, formats, both senders, cleanup."""

from __future__ import annotations

import asyncio
import tempfile
import zipfile
from pathlib import Path

import anyio
import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.errors import ValidationError
from pushwoosh_async.jobs import JobFailed
from pushwoosh_async.segments import ExportedDevice, SavedExport
from pushwoosh_async.testing import FakePushwoosh
from tests.support import API_TOKEN, APPLICATION, fake_account

MADRID = 'T("City", EQ, "Madrid")'
FAST = {"interval": 0.01}


@pytest.fixture
def fake() -> FakePushwoosh:
    fake = fake_account()
    fake.add_device("h1", user_id="u1", tags={"City": "Madrid", "Age": 31})
    fake.add_device("h2", user_id="u2", tags={"City": "Paris"})
    fake.add_device("h3", tags={"City": "Madrid"})
    fake.state.devices[APPLICATION, "h1"].push_token = "tok-1"
    return fake


def _temp_exports() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("export-*.zip.part"))


@pytest.mark.parametrize("export_format", ["csv", "json"])
async def test_rows_are_the_devices_the_expression_selects(
    pw: PushwooshClient, fake: FakePushwoosh, export_format: str
) -> None:
    rows = [d async for d in pw.export_segment(MADRID, format=export_format, **FAST)]  # type: ignore[arg-type]
    assert sorted(rows, key=lambda d: str(d.hwid)) == [
        ExportedDevice("h1", "tok-1", "u1", {"City": "Madrid", "Age": 31}),
        ExportedDevice("h3", None, None, {"City": "Madrid"}),
    ]
    sent = fake.calls_to("exportSegment")[0].body
    assert sent["filterExpression"] == MADRID
    assert sent["format"] == export_format.upper()


@pytest.mark.parametrize("export_format", ["csv", "json"])
async def test_fields_restrict_the_columns(pw: PushwooshClient, export_format: str) -> None:
    export = pw.export_segment(MADRID, format=export_format, fields=["hwids", "users"], **FAST)  # type: ignore[arg-type]
    async with export:
        rows = sorted([d async for d in export], key=lambda d: str(d.hwid))
    assert rows == [ExportedDevice("h1", None, "u1"), ExportedDevice("h3", None, None)]
    assert export.status is not None
    assert export.status.devices_count == 2


async def test_the_download_carries_no_token(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    assert [d async for d in pw.export_segment(MADRID, **FAST)]
    (download,) = fake.exports.downloads
    assert download.method == "GET"
    assert "authorization" not in download.headers
    assert "cookie" not in download.headers
    assert download.headers["accept-encoding"] == "identity"
    assert API_TOKEN not in download.url
    assert all(API_TOKEN not in value for value in download.headers.values())


async def test_save_to_downloads_only(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    target = tmp_path / "madrid.zip"
    saved = await pw.export_segment(MADRID, save_to=target, **FAST)
    assert saved == SavedExport(target, target.stat().st_size, 2, saved.format)
    assert saved.format.value == "CSV"
    assert zipfile.is_zipfile(target)
    assert [p.name async for p in anyio.Path(tmp_path).iterdir()] == ["madrid.zip"]  # renamed


async def test_awaiting_without_save_to_is_refused(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    with pytest.raises(ValidationError, match="save_to"):
        await pw.export_segment(MADRID)
    assert fake.calls_to("exportSegment") == []


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"format": "xml"}, "format"),
        ({"fields": ["emails"]}, "fields"),
        ({"max_bytes": 0}, "max_bytes"),
    ],
)
async def test_bad_options_are_refused_before_anything_is_sent(
    pw: PushwooshClient, fake: FakePushwoosh, options: dict[str, object], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        pw.export_segment(MADRID, **options)  # type: ignore[arg-type]
    assert fake.calls == []


async def test_a_failed_job_is_job_failed(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    fake.state.failing_exports = 1
    with pytest.raises(JobFailed) as caught:
        [d async for d in pw.export_segment(MADRID, **FAST)]
    assert caught.value.result.status == "failed"
    assert fake.exports.downloads == []


async def test_an_export_runs_once(pw: PushwooshClient) -> None:
    export = pw.export_segment(MADRID, **FAST)
    assert [d async for d in export]
    with pytest.raises(RuntimeError, match="once"):
        [d async for d in export]


# --- the temporary file is always removed ---------------------------------------------------


async def test_removed_after_exhaustion(pw: PushwooshClient) -> None:
    before = _temp_exports()
    assert len([d async for d in pw.export_segment(MADRID, **FAST)]) == 2
    assert _temp_exports() == before


async def test_removed_after_a_break_inside_async_with(pw: PushwooshClient) -> None:
    before = _temp_exports()
    async with pw.export_segment(MADRID, **FAST) as export:
        async for _ in export:
            assert len(_temp_exports() - before) == 1  # it exists while reading
            break
    assert _temp_exports() == before


async def test_removed_after_an_error(pw: PushwooshClient) -> None:
    before = _temp_exports()

    async def fail() -> None:
        async with pw.export_segment(MADRID, **FAST) as export:
            async for _ in export:
                raise LookupError

    with pytest.raises(LookupError):
        await fail()
    assert _temp_exports() == before


async def test_removed_after_cancellation(pw: PushwooshClient) -> None:
    before = _temp_exports()
    reading = asyncio.Event()

    async def consume() -> None:
        async with pw.export_segment(MADRID, **FAST) as export:
            async for _ in export:
                reading.set()
                await asyncio.sleep(3600)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(reading.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _temp_exports() == before
