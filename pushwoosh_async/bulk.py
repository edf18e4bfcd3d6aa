"""Bulk sending: one message to millions of recipients, at the account's rate, with a report.

::

    report = await pw.bulk_send({"content": "Hi"}, read_hwids("devices.txt"), checkpoint="run.json")

Recipients (any iterable or async iterable of hwids, or user ids with ``by="users"``) are read
lazily and cut into ``createMessage`` calls of at most 1000; the client's rate limiter paces
them (600 per minute by default). How many are in flight adapts to the measured latency so that
the limiter stays saturated (``rate x latency``, with headroom, at most 64; see
``pushwoosh_async.bulk_pacing``); ``concurrency=n`` fixes it at ``n`` instead. Memory stays flat:
a chunk's recipients are dropped once it is answered, and the report keeps offsets, not ids.

Every chunk carries a ``transactionId`` derived from the run's id and the chunk's index, so a
retried or resumed chunk is the same message to Pushwoosh and is never sent twice. With a
``checkpoint`` (a JSON file or a :class:`CheckpointStore`) a stopped run continues where it
stopped, sending only the chunks not sent yet, under their old ids; a checkpoint written for
another message, other settings or other recipients is refused (:class:`CheckpointMismatch`)
before anything the difference affects is sent (see ``pushwoosh_async.checkpoints``).

A chunk ends ``sent``; ``failed``: it never left (a ``TransportError`` whose ``not_sent`` is
true, such as a refused connection or a pool timeout; a client closed during the run) or
Pushwoosh refused it (an ``APIError``), so sending it again is safe and a resume does; or
``unconfirmed``: it may have been sent (the reply was lost or unreadable, or the run was cancelled
while it was in flight), and a resume re-sends it under the same id, which Pushwoosh
de-duplicates. A failed chunk does not stop the others unless ``fail_fast``; a 401 or 403 stops
the run at once. An error that ends a run comes out of ``run`` as itself, never in an
``ExceptionGroup``; a template that breaks a rule is a ``ValidationError`` from the constructor.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import importlib
import os
import time
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from typing import Any, Literal, cast

import anyio
import anyio.abc
import attrs

from pushwoosh_async import errors
from pushwoosh_async._converter import CONVERTER, as_input, structure_one
from pushwoosh_async.bulk_pacing import InFlight, chunks
from pushwoosh_async.checkpoints import CheckpointMismatch, CheckpointStore, JsonCheckpoint, Ledger
from pushwoosh_async.commands.messages import MAX_RECIPIENTS, CreateMessage, Notification
from pushwoosh_async.session import Session

__all__ = [
    "BulkProgress",
    "BulkReport",
    "BulkSender",
    "CheckpointMismatch",
    "CheckpointStore",
    "ChunkReport",
    "JsonCheckpoint",
]

Status = Literal["sent", "failed", "unconfirmed"]
_RUN_NAMESPACE = uuid.UUID("6f1c1d0e-5b2a-4f6e-9d4c-2b7e8a9c0d11")
_STOPS_THE_RUN = (errors.ClientClosedError, errors.ConfigurationError, errors.ForeignLoopError)
_LOST = (errors.TransportError, errors.Throttled, errors.DecodeError, errors.ReplyTooLarge)
_FLAGGED = (errors.TransportError, errors.Throttled)  # their not_sent says the chunk never left
"""Errors no other chunk can escape either: the chunk never left; the error ends the run."""

_GROUP = cast(  # builtin from 3.11; before, anyio depends on the backport
    "type[BaseException]",
    vars(builtins).get("BaseExceptionGroup")
    or importlib.import_module("exceptiongroup").BaseExceptionGroup,
)


@attrs.frozen
class ChunkReport:
    """One ``createMessage`` call: recipients number ``start`` to ``start + count - 1``.

    ``status`` is ``"sent"`` (Pushwoosh accepted it), ``"failed"`` (it never left, or Pushwoosh
    refused it: safe to send again, and a resume does) or ``"unconfirmed"`` (it may have been
    sent: a resume re-sends it under the same ``transactionId``, which Pushwoosh de-duplicates).
    ``error`` says why a chunk is not ``sent``.
    """

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
        totals = attrs.asdict(self, filter=lambda field, _: field.name != "chunks")
        rounded = {"elapsed": round(self.elapsed, 3), "rate": round(self.rate, 1)}
        return totals | rounded | {"chunks": [attrs.asdict(c) for c in self.chunks]}


def _whole(name: str, value: object, most: int | None = None) -> None:
    """``value`` must be a whole number from 1 (to ``most``): a typed error, never a TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{name} must be a whole number, not {type(value).__name__} {value!r}"
        raise errors.ValidationError(msg)
    if value < 1 or (most is not None and value > most):
        bound = f"1..{most}" if most is not None else "at least 1"
        msg = f"{name} must be {bound}, not {value}"
        raise errors.ValidationError(msg)


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
        concurrency: int | None = None,
        fail_fast: bool = False,
        on_progress: Callable[[BulkProgress], None] | None = None,
        checkpoint: str | os.PathLike[str] | CheckpointStore | None = None,
        application: str | None = None,
        total: int | None = None,
    ) -> None:
        _whole("chunk_size", chunk_size, MAX_RECIPIENTS)
        if concurrency is not None:
            _whole("concurrency", concurrency)
        if by not in ("devices", "users"):
            msg = f'by must be "devices" or "users", not {by!r}'
            raise errors.ValidationError(msg)
        self._client = client
        self._base = _template_fields(as_input(template))
        self._recipients = recipients
        self._by = by
        self._chunk_size = chunk_size
        self._concurrency = concurrency
        self._fail_fast = fail_fast
        store = (
            JsonCheckpoint(checkpoint) if isinstance(checkpoint, (str, os.PathLike)) else checkpoint
        )
        # The template as each chunk puts it on the wire; building it checks it once, up front.
        wire = _template_fields(structure_one({**self._base, by: ["-"]}, Notification))
        self._ledger = Ledger.start(store, wire, by, chunk_size, application)
        self._application = application
        self._total = total
        self._chunks: dict[int, ChunkReport] = {}
        self._totals = (0, 0, 0, 0)  # recipients sent, unknown, failed, unconfirmed: kept running
        self._chunks_read = 0
        self._started = time.monotonic()
        self._elapsed: float | None = None
        self._cancelled = False
        self._stopped_by: str | None = None
        self._listeners: list[Callable[[BulkProgress], None]] = []
        if on_progress is not None:
            self._listeners.append(on_progress)

    # --- the run ----------------------------------------------------------------------------

    async def run(self) -> BulkReport:
        """Send every chunk not sent yet; returns the report (see the module docstring)."""
        for fields in self._ledger.resume():  # refuses another run's; totals start from it
            self._record(ChunkReport(**fields))
        done = set(self._chunks)
        self._started = time.monotonic()
        self._ledger.save(force=True)  # the run's id and fingerprint are kept before any send
        # Unknown devices go to the report, not to warnings.
        quiet = errors.ISSUE_WARNINGS.set(False)
        try:
            await self._send_all(done)
        except Exception as error:
            self._stopped_by = self._stopped_by or str(error)
            raise
        except BaseException:
            self._cancelled = self._stopped_by is None
            raise
        finally:
            errors.ISSUE_WARNINGS.reset(quiet)
            self._elapsed = time.monotonic() - self._started
            self._ledger.save(force=True)
        return self.report()

    async def _send_all(self, done: set[int]) -> None:
        """Read and send; an error comes out as itself, not wrapped in an exception group."""
        # Acquired by the reader, released by the chunk's task; adapts unless concurrency= is set.
        slots = InFlight(self._concurrency)
        failure: BaseException | None = None
        try:
            async with anyio.create_task_group() as group:
                async for chunk in chunks(self._recipients, self._chunk_size):
                    if self._stopped_by is not None:
                        break
                    index = self._chunks_read  # every chunk but the last is full
                    self._chunks_read = index + 1
                    digest = self._ledger.check(index, chunk)
                    if index in done:
                        continue
                    began = await slots.acquire()
                    group.start_soon(self._send, group, (slots, began), index, chunk, digest)
        except _GROUP as caught:
            failure, alone = _unwrapped(caught)
            if failure is None:
                raise
            if not alone:
                raise failure from caught
        if failure is not None:
            raise failure  # outside the handler: a lone error carries no group as its context
        if self._stopped_by is None:
            self._ledger.check_end(self._chunks_read)

    async def _send(
        self,
        group: anyio.abc.TaskGroup,
        slot: tuple[InFlight, float],
        index: int,
        chunk: list[str],
        digest: str,
    ) -> None:
        report = ChunkReport(index, self._chunk_size * index, len(chunk), "unconfirmed")
        try:
            fields = {**self._base, self._by: chunk, "transactionId": self._transaction_id(index)}
            note = structure_one(fields, Notification)
            command = CreateMessage(notifications=[note], application=self._application)
            result = await self._client(command, pace=True)
        except (errors.Unauthorized, errors.Forbidden) as error:
            report = attrs.evolve(report, status="failed", error=str(error))
            self._stop(group, error)
        except _LOST as error:
            left = not (isinstance(error, _FLAGGED) and error.not_sent)
            attempts = self._client.retry_policy.attempts
            status: Status = "unconfirmed" if left else "failed"
            report = attrs.evolve(report, status=status, error=str(error), attempts=attempts)
            if not left and self._fail_fast:
                self._stop(group, error)
        except (errors.APIError, errors.ValidationError) as error:
            report = attrs.evolve(report, status="failed", error=str(error))
            if self._fail_fast:
                self._stop(group, error)
        except _STOPS_THE_RUN as error:
            report = attrs.evolve(report, status="failed", error=str(error))
            self._stop(group, error)
            raise
        else:
            unknown = tuple(d for devices in result.unknown_devices.values() for d in devices)
            code = result.message_codes[0] if result.message_codes else None
            report = attrs.evolve(report, status="sent", message_code=code, unknown_devices=unknown)
        finally:
            self._record(report)  # also when cancelled in flight: "unconfirmed"
            self._ledger.record(attrs.asdict(report) | {"digest": digest})
            slot[0].release(slot[1])
        self._progress()
        self._ledger.save()

    def _stop(self, group: anyio.abc.TaskGroup, error: errors.PushwooshError) -> None:
        self._stopped_by = str(error)
        group.cancel_scope.cancel()

    def _record(self, chunk: ChunkReport) -> None:
        """Keep a chunk's result (each index once a run) and add it to the totals: O(1)."""
        self._chunks[chunk.index] = chunk
        sent, unknown, failed, unconfirmed = map(
            sum, zip(self._totals, _counts(chunk), strict=True)
        )
        self._totals = (sent, unknown, failed, unconfirmed)

    def _transaction_id(self, index: int) -> str:
        return str(uuid.uuid5(_RUN_NAMESPACE, f"{self._ledger.run_id}/{index}"))

    # --- reporting ----------------------------------------------------------------------------

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
        elapsed = time.monotonic() - self._started
        done = sum(self._totals)
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self._total - done) / rate if self._total is not None and rate > 0 else None
        eta = None if eta is None else max(0.0, eta)
        update = BulkProgress(len(self._chunks), *self._totals, elapsed, rate, eta, self._total)
        for listener in self._listeners:
            listener(update)

    def report(self) -> BulkReport:
        """The report so far (final once ``run`` has returned or was cancelled)."""
        elapsed = self._elapsed if self._elapsed is not None else time.monotonic() - self._started
        rate = sum(self._totals) / elapsed if elapsed > 0 else 0.0
        chunks = tuple(sorted(self._chunks.values(), key=lambda chunk: chunk.index))
        return BulkReport(*self._totals, elapsed, rate, chunks, self._cancelled, self._stopped_by)


def _counts(chunk: ChunkReport) -> tuple[int, int, int, int]:
    """A chunk's recipients as (sent, unknown, failed, unconfirmed)."""
    if chunk.status == "sent":
        unknown = len(chunk.unknown_devices)
        return chunk.count - unknown, unknown, 0, 0
    return (0, 0, chunk.count, 0) if chunk.status == "failed" else (0, 0, 0, chunk.count)


def _unwrapped(group: BaseException) -> tuple[BaseException | None, bool]:
    """The group's first ``PushwooshError`` (else its only error), and whether it was alone.

    ``None`` (the group propagates as it is) if it holds a cancellation or an interrupt.
    """
    leaves = _leaves(group)
    if not all(isinstance(leaf, Exception) for leaf in leaves):
        return None, False
    typed = [leaf for leaf in leaves if isinstance(leaf, errors.PushwooshError)]
    if typed:
        return typed[0], len(leaves) == 1
    return (leaves[0], True) if len(leaves) == 1 else (None, False)


def _leaves(error: BaseException) -> list[BaseException]:
    if not isinstance(error, _GROUP):
        return [error]
    return [leaf for member in cast("Any", error).exceptions for leaf in _leaves(member)]


def _template_fields(template: Notification | Mapping[str, Any]) -> dict[str, Any]:
    """The template's wire fields without its own targets and transaction id."""
    fields = dict(template) if isinstance(template, Mapping) else CONVERTER.unstructure(template)
    for name in ("devices", "users", "transactionId"):
        fields.pop(name, None)
    return fields
