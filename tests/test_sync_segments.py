"""The sync client's segment calls: a blocking import, and an export as a lazy row iterator."""

from __future__ import annotations

import asyncio
import gc
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async import _sync_segments, errors
from pushwoosh_async.segments import ExportedDevice, ImportReport, SavedExport
from pushwoosh_async.sync import PushwooshClient, RunningLoopError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import API_TOKEN, APPLICATION, fake_account

EVERYONE = f'A("{APPLICATION}")'
DEVICES = 5000
FAST = {"interval": 0.01}


@pytest.fixture
def fake() -> FakePushwoosh:
    fake = fake_account(rate_limits={})
    fake.add_devices(DEVICES)
    return fake


@pytest.fixture
def pw(fake: FakePushwoosh) -> Iterator[PushwooshClient]:
    with PushwooshClient(
        API_TOKEN, application=APPLICATION, transport=fake.transport, rate_limits={}
    ) as client:
        yield client
    fake.exports.close()


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """The export's temporary files (``export-*.zip.part``) in a directory of the test's own."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return lambda: sorted(p.name for p in folder.glob("export-*.zip.part"))


def _in_a_thread(function: Callable[[], Any]) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result()


def test_import_segment_blocks_and_returns_the_report(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    users = [f"user-device-{n}" for n in range(2500)] + ["nobody"]
    seen: list[ImportReport] = []

    def run() -> ImportReport:
        return pw.import_segment("vip", users, batch_size=1000, on_progress=seen.append)

    report = _in_a_thread(run)
    assert isinstance(report, ImportReport)
    assert (report.tagged, report.not_found, report.batches, report.complete) == (2500, 1, 3, True)
    assert len(seen) == 3
    assert fake.state.filters["vip"]["filter_expression"] == report.filter_expression
    assert len(fake.calls_to("bulkSetTags")) == 3


def test_export_rows_are_lazy_and_come_in_batches(
    pw: PushwooshClient,
    fake: FakePushwoosh,
    monkeypatch: pytest.MonkeyPatch,
    temporary: Callable[[], list[str]],
    request: pytest.FixtureRequest,
) -> None:
    """Nothing is sent before the first row; 5000 rows cross the thread hop 1000 at a time;
    the temporary file lives while rows are read and is gone once they are exhausted."""
    monkeypatch.setattr(_sync_segments, "_ROWS", 1000)
    hops = request.getfixturevalue("loop_hops")  # counting from here on
    rows = pw.export_segment(EVERYONE, **FAST)
    assert fake.calls_to("exportSegment") == []
    first = next(rows)
    assert isinstance(first, ExportedDevice)
    assert len(fake.calls_to("exportSegment")) == 1
    assert len(temporary()) == 1
    rest = _in_a_thread(lambda: list(rows))
    assert {d.hwid for d in [first, *rest]} == {f"device-{n}" for n in range(DEVICES)}
    assert hops.count == 6 + 1  # five full batches, the empty one that ends them, the close
    assert temporary() == []
    assert list(rows) == []  # exhausted stays exhausted


@pytest.mark.parametrize("how", ["close", "with", "garbage"])
def test_stopping_early_removes_the_temporary_file(
    pw: PushwooshClient, temporary: Callable[[], list[str]], how: str
) -> None:
    if how == "with":
        with pw.export_segment(EVERYONE, **FAST) as rows:
            for _ in rows:
                assert len(temporary()) == 1
                break
    else:
        rows = pw.export_segment(EVERYONE, **FAST)
        next(rows)
        assert len(temporary()) == 1
        if how == "close":
            rows.close()
            rows.close()  # idempotent
            assert list(rows) == []
        else:
            del rows
            gc.collect()
    assert temporary() == []


def test_save_to_blocks_and_returns_the_saved_file(
    pw: PushwooshClient, tmp_path: Path, temporary: Callable[[], list[str]]
) -> None:
    target = tmp_path / "everyone.zip"
    saved = _in_a_thread(lambda: pw.export_segment(EVERYONE, save_to=target, **FAST))
    assert isinstance(saved, SavedExport)
    assert (saved.path, saved.bytes, saved.devices_count) == (target, target.stat().st_size, 5000)
    with zipfile.ZipFile(target) as archive:
        (member,) = archive.namelist()
        assert len(archive.read(member).splitlines()) == DEVICES + 1
    assert temporary() == []


def test_several_threads_export_at_once(pw: PushwooshClient) -> None:
    def count() -> int:
        return sum(1 for _ in pw.export_segment(EVERYONE, format="json", **FAST))

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(lambda _: count(), range(3))) == [DEVICES] * 3


def test_bad_options_are_refused_at_the_call(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    with pytest.raises(errors.ValidationError, match="format"):
        pw.export_segment(EVERYONE, format="xml")  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="batch_size"):
        pw.import_segment("x", ["user-1"], batch_size=0)
    assert fake.calls == []


def test_an_error_ends_the_rows_and_removes_the_file(
    pw: PushwooshClient, fake: FakePushwoosh, temporary: Callable[[], list[str]]
) -> None:
    fake.state.failing_exports = 1
    rows = pw.export_segment(EVERYONE, **FAST)
    with pytest.raises(Exception, match="exportSegment"):
        next(rows)
    assert list(rows) == []
    assert temporary() == []


def test_inside_a_running_loop_both_are_refused(pw: PushwooshClient) -> None:
    async def inside() -> None:
        with pytest.raises(RunningLoopError):
            pw.export_segment(EVERYONE)
        with pytest.raises(RunningLoopError):
            pw.import_segment("x", ["user-1"])

    asyncio.run(inside())
