"""Resuming a segment import from its checkpoint: nothing tagged twice, other runs refused."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.checkpoints import CheckpointMismatch
from pushwoosh_async.segments import ImportOptions, ImportReport, SegmentImport
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.faults import Fault, When
from tests.support import fake_account, fake_client

FAST: ImportOptions = {"poll_interval": 0.001, "batch_size": 100, "concurrency": 1}
IDS = [f"u{n}" for n in range(1000)]


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    for n in range(1000):
        account.add_device(f"h{n}", user_id=f"u{n}")
    return account


@pytest.fixture
async def pw(fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    async with fake_client(fake) as client:
        yield client


def sent(fake: FakePushwoosh) -> Counter[str]:
    return Counter(e["user_id"] for c in fake.calls_to("bulkSetTags") for e in c.body["devices"])


async def cancelled_after(pw: PushwooshClient, checkpoint: Path, batches: int) -> ImportReport:
    """Run an import and cancel it once ``batches`` batches are tagged; its report."""
    task: asyncio.Task[ImportReport] | None = None

    def progress(report: ImportReport) -> None:
        if report.batches == batches and task is not None:
            task.cancel()

    run = SegmentImport(pw, "vip", IDS, checkpoint=checkpoint, on_progress=progress, **FAST)
    task = asyncio.ensure_future(run.run())
    with pytest.raises(asyncio.CancelledError):
        await task
    return run.report()


async def test_resume_after_cancellation_sends_no_batch_twice(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "vip.json"
    first = await cancelled_after(pw, checkpoint, 3)
    assert first.cancelled
    assert (first.batches, first.tagged, first.filter_created) == (3, 300, False)
    assert "vip" not in fake.state.filters
    saved = json.loads(checkpoint.read_text())
    assert saved["subject"] == "segment import"
    assert "u1" not in checkpoint.read_text()  # digests only, never an identifier
    report = await pw.import_segment("vip", IDS, checkpoint=checkpoint, **FAST)
    assert sent(fake) == Counter(IDS)  # every identifier sent exactly once over both runs
    assert (report.resumed_batches, report.batches, report.tagged) == (3, 10, 1000)
    assert report.complete
    assert json.loads(checkpoint.read_text())["notes"]["filter"] == report.filter_expression
    lists = len(fake.calls_to("listFilters"))
    again = await pw.import_segment("vip", IDS, checkpoint=checkpoint, **FAST)
    assert sent(fake) == Counter(IDS)  # all recorded: nothing sent
    assert len(fake.calls_to("createFilter")) == 1
    assert len(fake.calls_to("listFilters")) == lists  # the filter step is in the checkpoint
    assert again.complete


async def test_unconfirmed_batch_is_sent_again_on_resume(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    """A batch whose reply was lost is re-sent on resume (setting one value twice is a no-op)."""
    checkpoint = tmp_path / "lost.json"
    fake.inject(Fault.reset(When.AFTER), method="bulkSetTags")
    first = await pw.import_segment("vip", IDS[:200], checkpoint=checkpoint, **FAST)
    assert (first.unsent, first.filter_created) == (100, False)
    batches = json.loads(checkpoint.read_text())["chunks"]
    assert [b["status"] for b in batches] == ["unconfirmed", "tagged"]  # it may have been applied
    report = await pw.import_segment("vip", IDS[:200], checkpoint=checkpoint, **FAST)
    assert sent(fake) == Counter(IDS[:100] * 2 + IDS[100:200])
    assert report.complete
    assert report.resumed_batches == 1


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"value": "no"}, "value"),
        ({"tag": "other"}, "tag"),
        ({"by": "hwid"}, "by"),
        ({"batch_size": 50}, "chunk_size"),
        ({"create_missing_tags": False}, "create"),
    ],
)
async def test_checkpoint_of_another_import_is_refused(
    pw: PushwooshClient,
    fake: FakePushwoosh,
    tmp_path: Path,
    change: ImportOptions,
    named: str,
) -> None:
    checkpoint = tmp_path / "vip.json"
    await cancelled_after(pw, checkpoint, 1)
    calls = len(fake.calls)
    with pytest.raises(CheckpointMismatch, match=named):
        await pw.import_segment("vip", IDS, checkpoint=checkpoint, **(FAST | change))
    assert len(fake.calls) == calls  # refused before anything was sent


async def test_other_identifiers_at_a_recorded_batch_are_refused(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "vip.json"
    await cancelled_after(pw, checkpoint, 2)
    before = len(fake.calls_to("bulkSetTags"))
    changed = ["someone-else", *IDS[1:]]
    with pytest.raises(CheckpointMismatch, match="chunk 0"):
        await pw.import_segment("vip", changed, checkpoint=checkpoint, **FAST)
    assert len(fake.calls_to("bulkSetTags")) == before


async def test_a_bulk_send_checkpoint_is_refused(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "bulk.json"
    await pw.bulk_send({"content": "Hi"}, ["h1"], checkpoint=checkpoint)
    with pytest.raises(CheckpointMismatch, match="not for a segment import"):
        await pw.import_segment("vip", IDS, checkpoint=checkpoint, **FAST)
    assert fake.calls_to("bulkSetTags") == []


async def test_refused_batch_is_recorded_failed_and_sent_again(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "refused.json"
    fake.inject(Fault.http_error(400), method="bulkSetTags")
    await pw.import_segment("vip", IDS[:200], checkpoint=checkpoint, **FAST)
    batches = json.loads(checkpoint.read_text())["chunks"]
    assert [b["status"] for b in batches] == ["failed", "tagged"]
    assert batches[0]["error"]
    report = await pw.import_segment("vip", IDS[:200], checkpoint=checkpoint, **FAST)
    applied = [c for c in fake.calls_to("bulkSetTags") if c.status == 200]
    assert len(applied) == 2  # the refused batch, sent again, and the tagged one, not again
    assert Counter(e["user_id"] for c in applied for e in c.body["devices"]) == Counter(IDS[:200])
    assert report.complete
