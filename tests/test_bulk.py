"""Bulk sending: chunks, stable transaction ids, pacing, failures, cancellation and resuming."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async import Notification, PushwooshClient, RetryPolicy
from pushwoosh_async.bulk import BulkProgress, BulkSender
from pushwoosh_async.errors import ValidationError
from pushwoosh_async.testing import FakePushwoosh, Fault, When
from tests.support import fake_account, fake_client, transaction_ids
from tests.virtual_clock import run_virtual, virtual_now

FAST = RetryPolicy(initial_delay=0, jitter=0)


def fake(known: int = 0, **options: Any) -> FakePushwoosh:
    """A fake account (its rate limit off) knowing devices ``h0`` ... ``h{known-1}``."""
    options.setdefault("rate_limits", {})
    account = fake_account(**options)
    for i in range(known):
        account.add_device(f"h{i}")
    return account


def client(account: FakePushwoosh, **options: Any) -> PushwooshClient:
    """A client for ``account`` with no client-side rate limit and retries without backoff."""
    options.setdefault("rate_limits", {})
    options.setdefault("retry", FAST)
    return fake_client(account, **options)


def hwids(count: int) -> Iterator[str]:
    """The hwids ``h0`` ... ``h{count-1}``, lazily."""
    return (f"h{i}" for i in range(count))


def sent_devices(account: FakePushwoosh) -> list[str]:
    """Every device of every message the account holds (repeats included)."""
    return [d for m in account.state.messages.values() for d in m.notification["devices"]]


async def test_recipients_go_out_in_chunks_of_at_most_1000() -> None:
    """2,500 recipients make 3 createMessage calls (1000, 1000, 500), each with its own id."""
    account = fake(known=2500)
    async with client(account) as pw:
        report = await pw.bulk_send({"content": "Hi", "title": "T"}, hwids(2500))
    calls = account.calls_to("createMessage")
    notes = [c.body["request"]["notifications"][0] for c in calls]
    assert sorted(len(n["devices"]) for n in notes) == [500, 1000, 1000]
    assert all(n["content"] == "Hi" and n["title"] == "T" for n in notes)
    assert len({n["transactionId"] for n in notes}) == 3
    assert (report.sent, report.unknown, report.failed, report.unconfirmed) == (2500, 0, 0, 0)
    assert [(c.index, c.start, c.count, c.status) for c in report.chunks] == [
        (0, 0, 1000, "sent"),
        (1, 1000, 1000, "sent"),
        (2, 2000, 500, "sent"),
    ]
    assert sorted(sent_devices(account)) == sorted(hwids(2500))


async def test_unknown_devices_are_counted_per_chunk() -> None:
    """Recipients Pushwoosh does not know are reported per chunk and in the totals."""
    account = fake(known=1500)
    async with client(account) as pw:
        report = await pw.bulk_send(Notification(content="Hi", broadcast=True), hwids(2000))
    assert (report.sent, report.unknown) == (1500, 500)
    assert report.chunks[1].unknown_devices == tuple(f"h{i}" for i in range(1500, 2000))


async def test_a_lost_reply_is_retried_under_the_same_id_and_sent_once() -> None:
    """A chunk whose reply is lost is retried with its transactionId: one message, not two."""
    account = fake(known=10)
    account.inject(Fault.reset(When.AFTER), method="createMessage")
    async with client(account) as pw:
        report = await pw.bulk_send({"content": "Hi"}, hwids(10))
    first, retry = (transaction_ids(c.body) for c in account.calls_to("createMessage"))
    assert first == retry
    assert len(account.state.messages) == 1
    assert report.sent == 10


async def test_a_failed_chunk_does_not_stop_the_others() -> None:
    """A refused chunk is reported failed; the rest are sent. fail_fast stops at the first."""
    account = fake(known=3000)
    account.inject(Fault.http_error(400, b'{"message":"bad"}'), method="createMessage")
    async with client(account) as pw:
        report = await pw.bulk_send({"content": "Hi"}, hwids(3000), concurrency=1)
    assert [c.status for c in report.chunks] == ["failed", "sent", "sent"]
    assert (report.sent, report.failed) == (2000, 1000)

    account = fake(known=3000)
    account.inject(Fault.http_error(400, b'{"message":"bad"}'), method="createMessage")
    async with client(account) as pw:
        report = await pw.bulk_send({"content": "Hi"}, hwids(3000), concurrency=1, fail_fast=True)
    assert [c.status for c in report.chunks] == ["failed"]
    assert report.stopped_by is not None


async def test_an_authentication_error_stops_the_whole_run() -> None:
    """A wrong token fails the first chunk and stops: no other chunk is attempted."""
    account = fake(known=5000)
    async with fake_client(account, "WRONG", rate_limits={}) as pw:
        report = await pw.bulk_send({"content": "Hi"}, hwids(5000), concurrency=1)
    assert len(account.calls_to("createMessage")) == 1
    assert report.stopped_by is not None
    assert "401" in report.stopped_by


def test_pacing_holds_the_window_and_the_rate() -> None:
    """With the default limit, 1,200 one-recipient chunks: <= 600 per 60 s window, full rate."""
    account = fake(known=1200)
    times: list[float] = []

    async def main() -> None:
        async with fake_client(account, retry=FAST) as pw:

            def on_progress(_: BulkProgress) -> None:
                times.append(virtual_now())

            await pw.bulk_send(
                {"content": "Hi"},
                hwids(1200),
                chunk_size=1,
                concurrency=16,
                on_progress=on_progress,
            )

    run_virtual(main())
    times.sort()
    assert len(times) == 1200
    assert all(times[i + 600] - times[i] >= 60 for i in range(len(times) - 600))
    assert times[-1] - times[0] <= 120 / 0.99


async def test_progress_reports_counts_rate_and_eta() -> None:
    """on_progress gets running counts after each chunk, and an ETA when the total is known."""
    seen: list[BulkProgress] = []
    async with client(fake(known=3000)) as pw:
        await pw.bulk_send({"content": "Hi"}, hwids(3000), total=3000, on_progress=seen.append)
    assert [p.chunks_done for p in seen] == [1, 2, 3]
    assert seen[-1].sent == 3000
    assert seen[-1].eta == 0
    assert all(p.rate > 0 for p in seen)


async def test_async_recipients_are_read_lazily() -> None:
    """An async iterable works, and it is consumed only a few chunks ahead of the sends."""
    read = 0
    ahead: list[int] = []
    account = fake(known=10_000)

    async def recipients() -> AsyncIterator[str]:
        nonlocal read
        for hwid in hwids(10_000):
            read += 1
            yield hwid

    def progress(p: BulkProgress) -> None:
        ahead.append(read - p.sent)

    async with client(account) as pw:
        report = await pw.bulk_send(
            {"content": "Hi"}, recipients(), concurrency=2, on_progress=progress
        )
    assert report.sent == 10_000
    assert max(ahead) <= 3 * 1000


def test_cancelling_records_in_flight_chunks_and_resume_sends_each_once(tmp_path: Path) -> None:
    """Cancel mid-run: sent chunks are kept, in-flight ones unconfirmed; resuming finishes the job
    without sending any chunk twice (same transaction ids, de-duplicated by Pushwoosh)."""
    account = fake(known=5000, latency=1.0)
    checkpoint = tmp_path / "run.json"

    async def first() -> BulkSender:
        async with client(account) as pw:
            sender = BulkSender(
                pw, {"content": "Hi"}, hwids(5000), concurrency=2, checkpoint=checkpoint
            )
            task = asyncio.ensure_future(sender.run())
            await asyncio.sleep(2.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return sender

    sender = run_virtual(first())
    report = sender.report()
    assert report.cancelled
    statuses = [c.status for c in report.chunks]
    assert statuses.count("sent") == 4
    assert statuses.count("unconfirmed") == 1
    saved = json.loads(checkpoint.read_text())
    assert sorted(c["index"] for c in saved["chunks"]) == [0, 1, 2, 3, 4]

    async def resume() -> Any:
        async with client(account) as pw:
            return await pw.bulk_send({"content": "Hi"}, hwids(5000), checkpoint=checkpoint)

    final = run_virtual(resume())
    assert [c.status for c in final.chunks] == ["sent"] * 5
    assert sorted(sent_devices(account)) == sorted(hwids(5000))  # every recipient exactly once


async def test_bad_options_are_refused_before_sending() -> None:
    """chunk_size over 1000 or a concurrency below 1 is a ValidationError."""
    async with client(fake()) as pw:
        with pytest.raises(ValidationError):
            await pw.bulk_send({"content": "Hi"}, hwids(1), chunk_size=1001)
        with pytest.raises(ValidationError):
            await pw.bulk_send({"content": "Hi"}, hwids(1), concurrency=0)


async def test_progress_as_an_async_iterator() -> None:
    """`async for update in sender.progress()` yields after each chunk; then the report is ready."""
    async with client(fake(known=2500)) as pw:
        sender = BulkSender(pw, {"content": "Hi"}, hwids(2500), total=2500)
        updates = [update.chunks_done async for update in sender.progress()]
        report = sender.report()
    assert updates == [1, 2, 3]
    assert report.sent == 2500


async def test_breaking_out_of_progress_cancels_the_run() -> None:
    """Leaving the progress loop early cancels the run; what was sent stays in the report."""
    account = fake(known=10_000)
    async with client(account) as pw:
        sender = BulkSender(pw, {"content": "Hi"}, hwids(10_000), concurrency=1)
        async with contextlib.aclosing(sender.progress()) as updates:
            async for update in updates:
                if update.chunks_done == 2:
                    break
        report = sender.report()
    assert report.cancelled
    assert [c.status for c in report.chunks][:2] == ["sent", "sent"]
    assert len(account.state.messages) < 10
