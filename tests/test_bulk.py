"""Bulk sending: chunks, stable transaction ids, pacing, failures, cancellation and resuming."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pushwoosh_async import Notification, PushwooshClient, RetryPolicy, sync
from pushwoosh_async.bulk import (
    BulkProgress,
    BulkReport,
    BulkSender,
    CheckpointMismatch,
    ChunkReport,
)
from pushwoosh_async.bulk_pacing import CAP
from pushwoosh_async.commands import CreateMessage
from pushwoosh_async.commands._base import Command, Result
from pushwoosh_async.errors import (
    ClientClosedError,
    ConnectError,
    PushwooshError,
    ReadTimeout,
    UnknownDevicesWarning,
    ValidationError,
)
from pushwoosh_async.limits import Rate
from pushwoosh_async.testing import FakePushwoosh, Fault, When
from tests.support import fake_account, fake_client, transaction_ids
from tests.virtual_clock import run_virtual, virtual_now

FAST = RetryPolicy(initial_delay=0, jitter=0)
R = TypeVar("R", bound=Result)


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
    # 1e-9: float sums of 0.1 s steps; a real violation is off by a whole step.
    assert all(times[i + 600] - times[i] >= 60 - 1e-9 for i in range(len(times) - 600))
    assert times[-1] - times[0] <= 120 / 0.99
    steps = [b - a for a, b in itertools.pairwise(times)]
    assert max(steps) < 0.2, "paced: an even stream, not window-sized bursts"


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


# --- errors come out as themselves ---------------------------------------------------------------


async def test_a_client_closed_during_the_run_raises_its_error_unwrapped() -> None:
    """Closing the client mid-run: ``ClientClosedError`` itself (no ExceptionGroup) comes out of
    ``bulk_send``, so ``except PushwooshError`` catches it; the chunk that hit it is ``failed``."""
    account = fake(known=3000)
    async with client(account) as pw:

        def close_after_the_first(update: BulkProgress) -> None:
            if update.chunks_done == 1:
                asyncio.ensure_future(pw.aclose())  # noqa: RUF006 (awaited by the client's exit)

        sender = BulkSender(
            pw, {"content": "Hi"}, hwids(3000), concurrency=1, on_progress=close_after_the_first
        )
        with pytest.raises(PushwooshError) as caught:
            await sender.run()
    assert type(caught.value) is ClientClosedError
    report = sender.report()
    assert [c.status for c in report.chunks] == ["sent", "failed"]
    assert report.stopped_by is not None
    assert not report.cancelled


async def test_an_error_while_reading_recipients_comes_out_unwrapped() -> None:
    """An exception raised by the recipient iterable comes out as itself, not in a group."""

    def broken() -> Iterator[str]:
        yield from hwids(1500)
        msg = "the recipient file is unreadable"
        raise OSError(msg)

    async with client(fake(known=1500)) as pw:
        with pytest.raises(OSError, match="unreadable"):
            await pw.bulk_send({"content": "Hi"}, broken())


async def test_a_template_that_breaks_a_rule_is_refused_before_any_chunk() -> None:
    """A template without content is a ValidationError before anything is sent (it used to make
    every chunk fail, one call each), and the ValidationError is not wrapped."""
    account = fake(known=10)
    async with client(account) as pw:
        with pytest.raises(ValidationError, match="content"):
            await pw.bulk_send({"title": "no content"}, hwids(10))
        with pytest.raises(ValidationError):
            BulkSender(pw, {"content": "Hi", "send_date": 5}, hwids(10))
    assert account.calls == []


# --- checkpoints refuse another run ------------------------------------------------------------


def cancelled_run(account: FakePushwoosh, checkpoint: Path, **options: Any) -> BulkReport:
    """Send 5,000 recipients (1 s latency, 2 in flight) and cancel at 2.5 s: 4 chunks are sent,
    chunk 4 is in flight (the fake has processed it; its reply is still on the way)."""

    async def main() -> BulkReport:
        async with client(account) as pw:
            sender = BulkSender(
                pw, {"content": "Hi"}, hwids(5000), concurrency=2, checkpoint=checkpoint, **options
            )
            task = asyncio.ensure_future(sender.run())
            await asyncio.sleep(2.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return sender.report()

    return run_virtual(main())


def resumed_run(
    account: FakePushwoosh,
    checkpoint: Path,
    recipients: Iterator[str],
    template: dict[str, Any] | None = None,
) -> BulkReport:
    """Resume the run of ``cancelled_run`` (or a changed one) from ``checkpoint``."""

    async def main() -> BulkReport:
        async with client(account) as pw:
            return await pw.bulk_send(
                template or {"content": "Hi"}, recipients, concurrency=2, checkpoint=checkpoint
            )

    return run_virtual(main())


def test_resume_sends_every_recipient_once_and_keeps_unknown_devices(tmp_path: Path) -> None:
    """Cancel mid-run, resume from the checkpoint: every recipient is sent exactly once, and the
    unknown devices of the chunk that was in flight are reported unknown after the resume (the
    repeated transactionId is answered with the original reply, UnknownDevices included)."""
    account = fake(known=4500, latency=1.0)  # h4500 ... h4999, all in chunk 4, are unknown
    checkpoint = tmp_path / "run.json"
    first = cancelled_run(account, checkpoint)
    assert [c.status for c in first.chunks] == ["sent"] * 4 + ["unconfirmed"]

    final = resumed_run(account, checkpoint, hwids(5000))
    assert [c.status for c in final.chunks] == ["sent"] * 5
    assert (final.sent, final.unknown, final.failed, final.unconfirmed) == (4500, 500, 0, 0)
    assert final.chunks[4].unknown_devices == tuple(f"h{i}" for i in range(4500, 5000))
    assert sorted(sent_devices(account)) == sorted(hwids(5000))  # one message per recipient
    reached = [d for m in account.state.messages.values() for d in m.devices]
    assert sorted(reached) == sorted(hwids(4500))


def test_resume_with_another_message_is_refused_before_sending(tmp_path: Path) -> None:
    """A checkpoint reused for a different message raises CheckpointMismatch naming the fields
    that differ (never their values), and nothing is sent: ``fake.calls`` is unchanged."""
    account = fake(known=5000, latency=1.0)
    checkpoint = tmp_path / "run.json"
    cancelled_run(account, checkpoint)
    calls = len(account.calls)
    saved = checkpoint.read_text()

    template = {"content": "Another sale", "title": "New"}
    with pytest.raises(CheckpointMismatch) as caught:
        resumed_run(account, checkpoint, hwids(5000), template)
    message = str(caught.value)
    assert "for a different message: content, title differ" in message
    assert "Another sale" not in message
    assert "New" not in message
    assert "Hi" not in message
    assert len(account.calls) == calls
    assert checkpoint.read_text() == saved  # the refused run does not overwrite the checkpoint


def test_resume_with_other_recipients_is_refused_at_the_chunk(tmp_path: Path) -> None:
    """Recipients that differ at a chunk the checkpoint recorded raise CheckpointMismatch naming
    that chunk (not the ids), before that chunk or any later one is sent."""
    account = fake(known=5000, latency=1.0)
    checkpoint = tmp_path / "run.json"
    cancelled_run(account, checkpoint)  # chunks 0-3 sent, chunk 4 unconfirmed
    calls = len(account.calls_to("createMessage"))

    changed = (f"other{i}" if i == 3500 else f"h{i}" for i in range(6000))
    with pytest.raises(CheckpointMismatch) as caught:
        resumed_run(account, checkpoint, changed)
    assert "at chunk 3 (recipients 3000-3999)" in str(caught.value)
    assert "other3500" not in str(caught.value)
    assert len(account.calls_to("createMessage")) == calls  # neither chunk 4 nor chunk 5


def test_resume_with_fewer_recipients_is_refused(tmp_path: Path) -> None:
    """Recipients that end before a chunk the checkpoint recorded are a CheckpointMismatch."""
    account = fake(known=5000, latency=1.0)
    checkpoint = tmp_path / "run.json"
    cancelled_run(account, checkpoint)
    with pytest.raises(CheckpointMismatch, match="end before chunk 4"):
        resumed_run(account, checkpoint, hwids(4000))


async def test_resume_with_other_settings_is_refused(tmp_path: Path) -> None:
    """Another chunk_size, recipient kind or application than the checkpoint's is refused, by
    name, before anything is sent."""
    account = fake(known=10)
    checkpoint = tmp_path / "run.json"
    async with client(account) as pw:
        await pw.bulk_send({"content": "Hi"}, hwids(10), chunk_size=5, checkpoint=checkpoint)
        calls = len(account.calls)
        with pytest.raises(CheckpointMismatch, match="with a different chunk_size;"):
            await pw.bulk_send({"content": "Hi"}, hwids(10), checkpoint=checkpoint)
        with pytest.raises(
            CheckpointMismatch, match="with a different by, chunk_size, application"
        ):
            await pw.bulk_send(
                {"content": "Hi"}, hwids(10), by="users", application="X", checkpoint=checkpoint
            )
    assert len(account.calls) == calls


async def test_a_checkpoint_without_fingerprints_is_refused(tmp_path: Path) -> None:
    """A checkpoint of the older format (run id and chunks, no fingerprints) is refused: which
    message and recipients it was for cannot be known, so guessing could send the wrong thing."""
    checkpoint = tmp_path / "old.json"
    old = {"run_id": "abc", "chunk_size": 1000, "by": "devices", "chunks": []}
    checkpoint.write_text(json.dumps(old))
    account = fake(known=10)
    async with client(account) as pw:
        with pytest.raises(CheckpointMismatch, match="older version"):
            await pw.bulk_send({"content": "Hi"}, hwids(10), checkpoint=checkpoint)
    assert account.calls == []


async def test_a_checkpoint_holds_fingerprints_not_content_or_ids(tmp_path: Path) -> None:
    """The checkpoint records a digest per template field and per chunk, never the text or ids;
    it is written before the first chunk is sent."""
    checkpoint = tmp_path / "run.json"
    seen: list[dict[str, Any]] = []
    async with client(fake(known=1500)) as pw:
        await pw.bulk_send(
            {"content": "Secret sale", "title": "T"},
            hwids(1500),
            checkpoint=checkpoint,
            on_progress=lambda _: seen.append(json.loads(checkpoint.read_text())),
        )
    saved = json.loads(checkpoint.read_text())
    assert seen[0]["message"] == saved["message"]  # on disk before the first reply was handled
    assert set(saved["message"]) == {"content", "title", "send_date"}
    assert [len(c["digest"]) for c in saved["chunks"]] == [16, 16]
    text = checkpoint.read_text()
    assert "Secret" not in text
    assert '"h1' not in text


# --- a repeated transactionId gets the original reply ---------------------------------------------


async def test_a_repeated_transaction_id_gets_the_original_reply() -> None:
    """The fake answers a repeated transactionId with the first reply: the same message code
    (CODE_NOT_AVAILABLE included) and the same UnknownDevices entry, as Pushwoosh de-duplicates."""
    account = fake(known=1)
    note = Notification(content="Hi", devices=["h0", "stranger"], transaction_id="t-1")
    async with client(account) as pw:
        with pytest.warns(UnknownDevicesWarning):
            first = await pw(CreateMessage(notifications=[note]))
        with pytest.warns(UnknownDevicesWarning):
            again = await pw(CreateMessage(notifications=[note]))
    assert first.message_codes == again.message_codes == ("CODE_NOT_AVAILABLE",)
    assert first.unknown_devices == again.unknown_devices
    assert list(first.unknown_devices.items()) == [("CODE_NOT_AVAILABLE", ("stranger",))]
    assert len(account.state.messages) == 1


async def test_a_lost_reply_keeps_the_unknown_devices_of_the_chunk() -> None:
    """A chunk whose reply was lost is retried under its transactionId; the retry's reply still
    lists the unknown devices, so the report counts them unknown, not sent."""
    account = fake(known=5)
    account.inject(Fault.reset(When.AFTER), method="createMessage")
    async with client(account) as pw:
        report = await pw.bulk_send({"content": "Hi"}, hwids(10))
    assert len(account.calls_to("createMessage")) == 2
    assert (report.sent, report.unknown) == (5, 5)


# --- sent, failed or unconfirmed -----------------------------------------------------------------


class Failing:
    """A session that raises ``errors[i]`` for the i-th createMessage, else asks ``session``."""

    def __init__(self, session: PushwooshClient, errors: dict[int, Exception]) -> None:
        self._session = session
        self._errors = errors
        self.calls = 0

    @property
    def retry_policy(self) -> RetryPolicy:
        """The wrapped client's policy."""
        return self._session.retry_policy

    async def __call__(self, command: Command[R], /, *, pace: bool = False) -> R:
        """Raise the scripted error for this call, or send it."""
        self.calls += 1
        error = self._errors.get(self.calls)
        if error is not None:
            raise error
        return await self._session(command, pace=pace)


def test_each_chunk_says_sent_failed_or_unconfirmed(tmp_path: Path) -> None:
    """A chunk that provably never left (a TransportError with ``not_sent``) is ``failed``; one
    that may have arrived (a read timeout) is ``unconfirmed``; a resume sends both again."""
    account = fake(known=3000)
    checkpoint = tmp_path / "run.json"
    refused = ConnectError("connection refused", "createMessage")
    lost = ReadTimeout("no reply", "createMessage")
    assert refused.not_sent
    assert not lost.not_sent

    async def main() -> tuple[BulkReport, BulkReport]:
        async with client(account) as pw:
            session = Failing(pw, {1: refused, 2: lost})
            first = await BulkSender(
                session, {"content": "Hi"}, hwids(3000), concurrency=1, checkpoint=checkpoint
            ).run()
            resumed = await pw.bulk_send(
                {"content": "Hi"}, hwids(3000), concurrency=1, checkpoint=checkpoint
            )
            return first, resumed

    first, resumed = run_virtual(main())
    assert [c.status for c in first.chunks] == ["failed", "unconfirmed", "sent"]
    assert (first.sent, first.failed, first.unconfirmed) == (1000, 1000, 1000)
    assert first.chunks[0].error == "createMessage: connection refused"
    assert [c.status for c in resumed.chunks] == ["sent"] * 3
    assert sorted(sent_devices(account)) == sorted(hwids(3000))


async def test_a_transport_error_that_may_have_arrived_is_unconfirmed() -> None:
    """Lost replies on every attempt leave the chunk ``unconfirmed`` (it may have been sent)."""
    account = fake(known=10)
    account.inject(Fault.reset(When.AFTER), method="createMessage", times=10)
    async with client(account, retry=RetryPolicy(attempts=2, initial_delay=0, jitter=0)) as pw:
        report = await pw.bulk_send({"content": "Hi"}, hwids(10))
    assert [(c.status, c.attempts) for c in report.chunks] == [("unconfirmed", 2)]


# --- progress is O(1) per chunk ------------------------------------------------------------------


def chunk_reads_per_update(chunks: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Attribute reads of ChunkReport objects between consecutive progress updates."""
    reads = 0
    plain = object.__getattribute__

    def counting(self: ChunkReport, name: str) -> Any:
        nonlocal reads
        reads += 1
        return plain(self, name)

    seen: list[int] = []

    async def main() -> None:
        async with client(fake(known=chunks)) as pw:
            await pw.bulk_send(
                {"content": "Hi"},
                hwids(chunks),
                chunk_size=1,
                on_progress=lambda _: seen.append(reads),
            )

    with monkeypatch.context() as patch:
        patch.setattr(ChunkReport, "__getattribute__", counting)
        run_virtual(main())
    return [after - before for before, after in itertools.pairwise(seen)]


def test_progress_costs_the_same_per_chunk_however_many_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Progress keeps running totals: the chunk reports read per update stay constant when the
    run has ten times as many chunks (rescanning every chunk per update made it quadratic)."""
    small = chunk_reads_per_update(30, monkeypatch)
    large = chunk_reads_per_update(300, monkeypatch)
    assert max(large) == max(small)
    assert max(large) < 30


def test_a_chunk_the_rate_limiter_refused_is_failed_and_a_resume_sends_it(tmp_path: Path) -> None:
    """With max_wait=1 and Rate(1, 60), chunk 2 is Throttled (never left): failed, then resent."""
    account = fake(known=2000)
    checkpoint = tmp_path / "run.json"

    async def main() -> tuple[BulkReport, BulkReport]:
        limits = {"createMessage": Rate(1, 60)}
        async with client(account, rate_limits=limits, max_wait=1.0) as pw:
            first = await pw.bulk_send(
                {"content": "Hi"}, hwids(2000), concurrency=1, checkpoint=checkpoint
            )
        async with client(account) as pw:
            resumed = await pw.bulk_send(
                {"content": "Hi"}, hwids(2000), concurrency=1, checkpoint=checkpoint
            )
        return first, resumed

    first, resumed = run_virtual(main())
    assert [c.status for c in first.chunks] == ["sent", "failed"]
    assert "nothing was sent" in (first.chunks[1].error or "")
    assert [c.status for c in resumed.chunks] == ["sent", "sent"]
    assert sorted(sent_devices(account)) == sorted(hwids(2000))


@pytest.mark.parametrize("latency", [1.0, 2.0])
def test_without_concurrency_the_limiter_stays_saturated_at_any_latency(latency: float) -> None:
    """With the default limit (10 calls/s) and no ``concurrency=``, 1,200 chunks reach the server
    at >= 95% of the limit at 1 s and 2 s latency (8 fixed in flight: 8/s and 4/s), measured
    from the first arrival to the last, start-up included."""
    rate = arrival_rate(latency, 1200, concurrency=None)
    assert rate >= 0.95 * 10, f"{rate:.2f} calls/s"


def test_an_explicit_concurrency_is_exact() -> None:
    """``concurrency=4`` at 2 s latency: 4 in flight, so 2 calls/s, never more."""
    assert arrival_rate(2.0, 100, concurrency=4) == pytest.approx(2.0, rel=0.03)


def arrival_rate(latency: float, chunks: int, concurrency: int | None) -> float:
    """Calls per second reaching a fake with ``latency``, from a client at the default limit."""
    account = fake(latency=latency, clock=lambda: asyncio.get_running_loop().time())

    async def main() -> BulkReport:
        async with fake_client(account, retry=FAST) as pw:
            return await pw.bulk_send(
                {"content": "Hi"}, hwids(chunks), chunk_size=1, concurrency=concurrency
            )

    report = run_virtual(main())
    arrivals = sorted(call.at for call in account.calls_to("createMessage"))
    assert len(arrivals) == report.unknown == chunks
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def test_in_flight_adapts_within_the_cap() -> None:
    """With only the latency as a bound, calls in flight grow to ``CAP`` and never past it."""
    account = fake(latency=30.0, clock=lambda: asyncio.get_running_loop().time())
    counts = [0, 0]  # in flight, most in flight

    async def main() -> None:
        async with client(account) as pw:  # no rate limit: only the latency bounds the rate

            class Counting:
                retry_policy = pw.retry_policy

                async def __call__(self, command: Command[R], /, *, pace: bool = False) -> R:
                    counts[0] += 1
                    counts[1] = max(counts)
                    try:
                        return await pw(command, pace=pace)
                    finally:
                        counts[0] -= 1

            await BulkSender(Counting(), {"content": "Hi"}, hwids(600), chunk_size=1).run()

    run_virtual(main())
    assert counts[1] == CAP


def test_the_clients_bulk_send_defaults_are_the_senders() -> None:
    """``pw.bulk_send`` (async and sync) passes BulkSender's defaults: the adaptive concurrency."""
    sender = inspect.signature(BulkSender.__init__).parameters
    for method in (PushwooshClient.bulk_send, sync.PushwooshClient.bulk_send):
        for name, parameter in inspect.signature(method).parameters.items():
            if name in sender and parameter.kind is parameter.KEYWORD_ONLY:
                assert parameter.default == sender[name].default, (method.__qualname__, name)


@pytest.mark.parametrize("value", ["eight", 2.5, True, 0])
def test_a_concurrency_that_is_not_a_whole_number_is_a_validation_error(value: object) -> None:
    with pytest.raises(ValidationError, match="concurrency"):
        BulkSender(None, {"content": "Hi"}, [], concurrency=value)  # type: ignore[arg-type]
