"""Bulk sending: one message to millions of recipients, at the account's rate, with a report.

::

    report = await pw.bulk_send({"content": "Hi"}, read_hwids("devices.txt"), checkpoint="run.json")

Recipients (any iterable or async iterable of hwids, or user ids with ``by="users"``) are read
lazily and cut into ``createMessage`` calls of at most 1000, ``concurrency`` of them in flight;
the client's rate limiter paces them (600 per minute by default). Memory stays flat: a chunk's
recipients are dropped once it is answered, and the report keeps offsets, not ids.

Every chunk carries a ``transactionId`` derived from the run's id and the chunk's index, so a
retried or resumed chunk is the same message to Pushwoosh and is never sent twice. With a
``checkpoint`` (a JSON file or a :class:`CheckpointStore`) a stopped run continues where it
stopped: chunks already sent are skipped, the others are sent (again) under their old ids.

A chunk ends ``sent``, ``failed`` (Pushwoosh refused it) or ``unconfirmed`` (the reply was lost
or the run was cancelled while it was in flight: it may have been sent; resuming re-sends it
under the same id, which Pushwoosh de-duplicates). A failed chunk does not stop the others unless
``fail_fast``; an authentication or permission error stops the run at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import anyio
import anyio.abc
import attrs

from pushwoosh_async._converter import CONVERTER, structure_one
from pushwoosh_async.checkpoints import CheckpointStore, JsonCheckpoint
from pushwoosh_async.commands.messages import MAX_RECIPIENTS, CreateMessage, Notification
from pushwoosh_async.errors import (
    ISSUE_WARNINGS,
    APIError,
    DecodeError,
    Forbidden,
    TransportError,
    Unauthorized,
    ValidationError,
)
from pushwoosh_async.session import Session

__all__ = [
    "BulkProgress",
    "BulkReport",
    "BulkSender",
    "CheckpointStore",
    "ChunkReport",
    "JsonCheckpoint",
]

Status = Literal["sent", "failed", "unconfirmed"]
_RUN_NAMESPACE = uuid.UUID("6f1c1d0e-5b2a-4f6e-9d4c-2b7e8a9c0d11")


@attrs.frozen
class ChunkReport:
    """One ``createMessage`` call: recipients number ``start`` to ``start + count - 1``."""

    index: int
    start: int
    count: int
    status: Status
    message_code: str | None = None
    unknown_devices: tuple[str, ...] = ()
    error: str | None = None
    attempts: int = 1


@attrs.frozen
class BulkProgress:
    """Counts so far (recipients), the rate and, when ``total`` is known, the time left."""

    chunks_done: int
    sent: int
    unknown: int
    failed: int
    unconfirmed: int
    elapsed: float
    rate: float
    eta: float | None
    total: int | None


@attrs.frozen
class BulkReport:
    """The whole run. ``sent`` excludes recipients Pushwoosh reported unknown (``unknown``)."""

    sent: int
    unknown: int
    failed: int
    unconfirmed: int
    elapsed: float
    rate: float
    chunks: tuple[ChunkReport, ...]
    cancelled: bool = False
    stopped_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (integer totals, then one object per chunk)."""
        return {
            "sent": self.sent,
            "unknown": self.unknown,
            "failed": self.failed,
            "unconfirmed": self.unconfirmed,
            "elapsed": round(self.elapsed, 3),
            "rate": round(self.rate, 1),
            "cancelled": self.cancelled,
            "stopped_by": self.stopped_by,
            "chunks": [attrs.asdict(c) for c in self.chunks],
        }


class BulkSender:
    """One bulk run: ``await sender.run()`` returns the report.

    ``sender.report()`` is available at any time, also after the run was cancelled (Ctrl-C),
    with what happened until then.
    """

    def __init__(
        self,
        client: Session,
        template: Notification | Mapping[str, Any],
        recipients: Iterable[str] | AsyncIterable[str],
        *,
        by: Literal["devices", "users"] = "devices",
        chunk_size: int = MAX_RECIPIENTS,
        concurrency: int = 8,
        fail_fast: bool = False,
        on_progress: Callable[[BulkProgress], None] | None = None,
        checkpoint: str | os.PathLike[str] | CheckpointStore | None = None,
        application: str | None = None,
        total: int | None = None,
    ) -> None:
        if not 1 <= chunk_size <= MAX_RECIPIENTS:
            msg = f"chunk_size must be 1..{MAX_RECIPIENTS}, not {chunk_size}"
            raise ValidationError(msg)
        if concurrency < 1:
            msg = f"concurrency must be at least 1, not {concurrency}"
            raise ValidationError(msg)
        if by not in ("devices", "users"):
            msg = f'by must be "devices" or "users", not {by!r}'
            raise ValidationError(msg)
        self._client = client
        self._base = _template_fields(template)
        self._recipients = recipients
        self._by = by
        self._chunk_size = chunk_size
        self._concurrency = concurrency
        self._fail_fast = fail_fast
        self._store: CheckpointStore | None = (
            JsonCheckpoint(Path(checkpoint))
            if isinstance(checkpoint, (str, os.PathLike))
            else checkpoint
        )
        self._application = application
        self._total = total
        self._chunks: dict[int, ChunkReport] = {}
        self._started = time.monotonic()
        self._elapsed: float | None = None
        self._cancelled = False
        self._stopped_by: str | None = None
        self._run_id = uuid.uuid4().hex
        self._last_save = 0.0
        self._listeners: list[Callable[[BulkProgress], None]] = []
        if on_progress is not None:
            self._listeners.append(on_progress)

    # --- the run ----------------------------------------------------------------------------

    async def run(self) -> BulkReport:
        """Send every chunk not sent yet; returns the report (see the module docstring)."""
        done = self._resume()
        self._started = time.monotonic()
        quiet = ISSUE_WARNINGS.set(False)  # unknown devices go to the report, not to warnings
        # Acquired by the reader, released by the chunk's task: a semaphore, not a borrower limit.
        slots = anyio.Semaphore(self._concurrency)
        try:
            async with anyio.create_task_group() as group:
                async for index, start, chunk in self._chunked():
                    if self._stopped_by is not None:
                        break
                    if index in done:
                        continue
                    await slots.acquire()
                    group.start_soon(self._send, group, slots, index, start, chunk)
        except BaseException:
            self._cancelled = self._stopped_by is None
            raise
        finally:
            ISSUE_WARNINGS.reset(quiet)
            self._elapsed = time.monotonic() - self._started
            self._save(force=True)
        return self.report()

    async def _send(
        self,
        group: anyio.abc.TaskGroup,
        slots: anyio.Semaphore,
        index: int,
        start: int,
        chunk: list[str],
    ) -> None:
        report = ChunkReport(index, start, len(chunk), "unconfirmed")
        try:
            fields = {**self._base, self._by: chunk, "transactionId": self._transaction_id(index)}
            note = structure_one(fields, Notification)
            command = CreateMessage(notifications=[note], application=self._application)
            result = await self._client(command)
        except (Unauthorized, Forbidden) as error:
            report = attrs.evolve(report, status="failed", error=str(error))
            self._stopped_by = str(error)
            group.cancel_scope.cancel()
        except (TransportError, DecodeError) as error:
            attempts = self._client.retry_policy.attempts
            report = attrs.evolve(report, error=str(error), attempts=attempts)
        except (APIError, ValidationError) as error:
            report = attrs.evolve(report, status="failed", error=str(error))
            if self._fail_fast:
                self._stopped_by = str(error)
                group.cancel_scope.cancel()
        else:
            unknown = tuple(d for devices in result.unknown_devices.values() for d in devices)
            code = result.message_codes[0] if result.message_codes else None
            report = attrs.evolve(report, status="sent", message_code=code, unknown_devices=unknown)
        finally:
            self._chunks[index] = report  # also when cancelled in flight: "unconfirmed"
            slots.release()
        self._progress()
        self._save()

    async def _chunked(self) -> AsyncIterator[tuple[int, int, list[str]]]:
        chunk: list[str] = []
        index = start = position = 0
        async for recipient in _aiter(self._recipients):
            if not chunk:
                start = position
            chunk.append(recipient)
            position += 1
            if len(chunk) == self._chunk_size:
                yield index, start, chunk
                index += 1
                chunk = []
        if chunk:
            yield index, start, chunk

    def _transaction_id(self, index: int) -> str:
        return str(uuid.uuid5(_RUN_NAMESPACE, f"{self._run_id}/{index}"))

    # --- checkpoint ---------------------------------------------------------------------------

    def _resume(self) -> set[int]:
        state = self._store.load() if self._store is not None else None
        if not state:
            return set()
        if state.get("chunk_size") != self._chunk_size or state.get("by") != self._by:
            msg = "the checkpoint was written with another chunk_size or recipient kind"
            raise ValidationError(msg)
        self._run_id = state["run_id"]
        for raw in state.get("chunks", []):
            chunk = ChunkReport(**{**raw, "unknown_devices": tuple(raw["unknown_devices"])})
            if chunk.status == "sent":
                self._chunks[chunk.index] = chunk
        return set(self._chunks)

    def _save(self, *, force: bool = False) -> None:
        if self._store is None:
            return
        now = time.monotonic()
        if not force and now - self._last_save < 1.0:
            return
        self._last_save = now
        self._store.save(
            {
                "run_id": self._run_id,
                "chunk_size": self._chunk_size,
                "by": self._by,
                "chunks": [attrs.asdict(c) for c in sorted(self._chunks.values(), key=_index)],
            }
        )

    # --- reporting ----------------------------------------------------------------------------

    def _totals(self) -> tuple[int, int, int, int]:
        sent = unknown = failed = unconfirmed = 0
        for chunk in self._chunks.values():
            if chunk.status == "sent":
                unknown += len(chunk.unknown_devices)
                sent += chunk.count - len(chunk.unknown_devices)
            elif chunk.status == "failed":
                failed += chunk.count
            else:
                unconfirmed += chunk.count
        return sent, unknown, failed, unconfirmed

    async def progress(self) -> AsyncIterator[BulkProgress]:
        """Run, yielding the progress after each chunk (the async iterator form).

        ``sender.report()`` holds the report once the loop ends. To stop the run by leaving the
        loop early, iterate inside ``contextlib.aclosing(sender.progress())``: closing the
        iterator cancels the run (chunks in flight are recorded as unconfirmed).
        """
        updates: asyncio.Queue[BulkProgress | None] = asyncio.Queue()
        self._listeners.append(updates.put_nowait)
        task = asyncio.ensure_future(self.run())
        task.add_done_callback(lambda _: updates.put_nowait(None))
        try:
            while (update := await updates.get()) is not None:
                yield update
            await task  # a failed run raises here
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _progress(self) -> None:
        if not self._listeners:
            return
        sent, unknown, failed, unconfirmed = self._totals()
        elapsed = time.monotonic() - self._started
        done = sent + unknown + failed + unconfirmed
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self._total - done) / rate if self._total is not None and rate > 0 else None
        update = BulkProgress(
            len(self._chunks),
            sent,
            unknown,
            failed,
            unconfirmed,
            elapsed,
            rate,
            None if eta is None else max(0.0, eta),
            self._total,
        )
        for listener in self._listeners:
            listener(update)

    def report(self) -> BulkReport:
        """The report so far (final once ``run`` has returned or was cancelled)."""
        sent, unknown, failed, unconfirmed = self._totals()
        elapsed = self._elapsed if self._elapsed is not None else time.monotonic() - self._started
        done = sent + unknown + failed + unconfirmed
        return BulkReport(
            sent,
            unknown,
            failed,
            unconfirmed,
            elapsed,
            done / elapsed if elapsed > 0 else 0.0,
            tuple(sorted(self._chunks.values(), key=_index)),
            cancelled=self._cancelled,
            stopped_by=self._stopped_by,
        )


def _index(chunk: ChunkReport) -> int:
    return chunk.index


def _template_fields(template: Notification | Mapping[str, Any]) -> dict[str, Any]:
    """The template's wire fields without its own targets and transaction id."""
    fields = dict(template) if isinstance(template, Mapping) else CONVERTER.unstructure(template)
    for name in ("devices", "users", "transactionId"):
        fields.pop(name, None)
    return fields


async def _aiter(recipients: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(recipients, AsyncIterable):
        async for recipient in recipients:
            yield recipient
    else:
        for recipient in recipients:
            yield recipient
