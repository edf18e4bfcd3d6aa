"""Importing a segment: tag every listed user or device, then create a filter on that tag.

::

    report = await pw.import_segment("vip", identifiers_from_csv("vip.csv"), checkpoint="vip.json")

What the Control Panel's CSV import does, through the API: the identifiers (user ids, or hwids
with ``by="hwid"``; any iterable or async iterable, read lazily) are cut into ``bulkSetTags``
calls of ``batch_size`` entries, each setting the tag ``tag`` (default ``import_<name>``) to
``value`` (default ``"yes"``). Each call's job is awaited (``jobs.wait``, its status read with
``detailed=true``), and its per-entry outcomes are counted: ``done``, ``not_found`` (Pushwoosh
knows no such user or device), ``failed``. When every batch is tagged, ``createFilter`` makes
the segment ``name`` with the expression ``T("<tag>", EQ, <value>)``. Every request goes through
the client, so its rate limits (``rate_limits={"bulkSetTags": ...}`` sets this method's pace)
and retries apply; how many batches are in flight adapts to the latency as in a bulk send.

Memory stays flat: a batch's identifiers are dropped once its job is read; the report keeps
counts and at most ``max_examples`` failed identifiers. Duplicates are dropped within a batch
(and counted as ``duplicates``); a repeat in a later batch is tagged again, which changes nothing
(remembering every identifier would cost memory in proportion to the source). An identifier that
is not a string, or empty or only whitespace, is a ``ValidationError`` before its batch is sent.

Sending twice is harmless here, which decides what a resume does. ``bulkSetTags`` is never
retried by the client (a list tag's ``append`` would apply twice), but this import only *sets*
one plain value (a string, number or boolean), so tagging an identifier again leaves it as it
was. A batch therefore ends ``tagged``; ``failed`` (it never left, Pushwoosh refused it, or its
job failed); or ``unconfirmed`` (it may have been applied: a lost reply, a job still pending at
``job_timeout``, a run cancelled while it was in flight). With a ``checkpoint`` (a path or a
``CheckpointStore``) a stopped run resumes: tagged batches are not sent again, failed and
unconfirmed ones are. The checkpoint is refused (``CheckpointMismatch``) for another import
(``name``, ``tag``, ``value``, ``create_missing_tags``, ``by``, ``batch_size``, ``application``)
or other identifiers at a recorded batch; it holds digests, never an identifier. The filter step
is recorded too. Failure examples of batches tagged by an earlier run are not in the checkpoint;
their counts are.

A filter named ``name`` that already exists is checked before anything is tagged (one
``listFilters``): with the same expression (a re-run) it is kept and not created again; with
another, :class:`~pushwoosh_async.errors.SegmentConflict`. The filter is created only once every
batch is tagged; otherwise the report says what is missing (``complete`` is false) and a resume
finishes the job.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import AsyncIterable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict

import attrs

from pushwoosh_async import errors, jobs
from pushwoosh_async.bulk_pacing import InFlight, chunks
from pushwoosh_async.checkpoints import CheckpointStore, JsonCheckpoint, Ledger
from pushwoosh_async.commands._base import Command
from pushwoosh_async.commands.audience import (
    BulkDeviceOutcome,
    BulkSetTags,
    BulkSetTagsJobStatus,
    BulkSetTagsStatus,
    DeviceTags,
)
from pushwoosh_async.commands.segmentation import CreateFilter, ListFilters
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.segments import import_inputs as inputs
from pushwoosh_async.segments.expressions import filter_expression
from pushwoosh_async.segments.import_report import (
    BatchReport,
    Failure,
    ImportReport,
    Status,
    TagValue,
)
from pushwoosh_async.session import Session

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["DEFAULT_VALUE", "MAX_EXAMPLES", "ImportOptions", "SegmentImport", "import_segment"]
__all__ += ["default_tag"]

By = Literal["user_id", "hwid"]

DEFAULT_VALUE: Final = "yes"
"""The value the import tag is set to unless ``value=`` says otherwise."""
MAX_EXAMPLES: Final = 100
"""Failed identifiers a report keeps as examples by default (every one is counted)."""
SUBJECT: Final = "segment import"
_STOPS: Final = (errors.Unauthorized, errors.Forbidden, errors.ClientClosedError)
_LOST: Final = (errors.TransportError, errors.Throttled, errors.DecodeError, errors.ReplyTooLarge)


def default_tag(name: str) -> str:
    """The tag an import of segment ``name`` sets unless ``tag=`` is given: ``import_<name>``."""
    return f"import_{name}"


class ImportOptions(TypedDict, total=False):
    """The keyword options of :class:`SegmentImport` (what ``pw.import_segment`` takes)."""

    by: By
    tag: str | None
    value: TagValue
    batch_size: int
    concurrency: int | None
    create_missing_tags: bool
    checkpoint: str | os.PathLike[str] | CheckpointStore | None
    application: str | None
    max_examples: int
    job_timeout: float
    poll_interval: float
    on_progress: Callable[[ImportReport], None] | None


class _Detailed:
    """The client, as ``jobs.wait`` sees it: each ``bulkSetTags`` job status asked in detail."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.started: str | None = None

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._session.retry_policy

    async def __call__(self, command: Command[Any], **_: Any) -> Any:
        if isinstance(command, BulkSetTagsStatus):
            return await self._session(attrs.evolve(command, detailed=True))
        job = await self._session(command, pace=True)
        self.started = job.request_id
        return job


class SegmentImport:
    """One import: ``await SegmentImport(pw, name, identifiers, ...).run()`` returns the report.

    The options are described in the module docstring; ``report()`` gives the report so far at
    any time, also after the run was cancelled.
    """

    def __init__(
        self,
        session: Session,
        name: str,
        identifiers: Iterable[str] | AsyncIterable[str],
        *,
        by: By = "user_id",
        tag: str | None = None,
        value: TagValue = DEFAULT_VALUE,
        batch_size: int = BulkSetTags.max_devices,
        concurrency: int | None = None,
        create_missing_tags: bool = True,
        checkpoint: str | os.PathLike[str] | CheckpointStore | None = None,
        application: str | None = None,
        max_examples: int = MAX_EXAMPLES,
        job_timeout: float = 300.0,
        poll_interval: float = 1.0,
        on_progress: Callable[[ImportReport], None] | None = None,
    ) -> None:
        self._name = inputs.text("name", name)
        self._tag = inputs.text("tag", default_tag(name) if tag is None else tag)
        if by not in ("user_id", "hwid"):
            msg = f'by must be "user_id" or "hwid", not {by!r}'
            raise errors.ValidationError(msg)
        inputs.tag_value(value)
        inputs.positive("batch_size", batch_size, most=BulkSetTags.max_devices)
        if concurrency is not None:
            inputs.positive("concurrency", concurrency)
        inputs.positive("job_timeout", job_timeout, whole=False)
        inputs.positive("poll_interval", poll_interval, whole=False)
        inputs.count("max_examples", max_examples)
        self._session = session
        self._identifiers = inputs.identifiers(identifiers)
        self._by, self._value, self._batch_size = by, value, batch_size
        self._concurrency, self._create = concurrency, create_missing_tags
        self._application, self._max_examples = application, max_examples
        self._job_timeout, self._poll_interval = job_timeout, poll_interval
        self._on_progress = on_progress
        self._expression = filter_expression(self._tag, value)
        store = (
            JsonCheckpoint(checkpoint) if isinstance(checkpoint, (str, os.PathLike)) else checkpoint
        )
        fields = {"name": name, "tag": self._tag, "value": value, "create": create_missing_tags}
        self._ledger = Ledger.start(store, fields, by, batch_size, application, subject=SUBJECT)
        self._batches: dict[int, BatchReport] = {}
        self._examples: list[Failure] = []
        self._read = self._batches_read = self._duplicates = self._resumed = 0
        self._totals = (0, 0, 0, 0)  # identifiers done, not found, failed, unsent: kept running
        self._filter = False
        self._started = time.monotonic()
        self._elapsed: float | None = None
        self._cancelled = False
        self._stopped_by: str | None = None

    # --- the run ----------------------------------------------------------------------------

    async def run(self) -> ImportReport:
        """Tag every batch not tagged yet, then create the filter; returns the report."""
        for fields in self._ledger.resume("tagged"):  # refuses another run's checkpoint
            self._record(BatchReport(**fields))
        self._resumed = len(self._batches)
        self._filter = self._ledger.notes.get("filter") == self._expression
        self._started = time.monotonic()
        try:
            if not self._filter:
                self._filter = await self._existing_filter()
            self._ledger.save(force=True)
            await self._tag_all(set(self._batches))
            if not self._filter and self._stopped_by is None and self._totals[3] == 0:
                await self._create_filter()
        except asyncio.CancelledError:
            self._cancelled = True
            raise
        finally:
            self._elapsed = time.monotonic() - self._started
            self._ledger.save(force=True)
        return self.report()

    async def _existing_filter(self) -> bool:
        """Whether the filter exists as this import makes it; ``SegmentConflict`` if otherwise."""
        listed = await self._session(ListFilters(application=self._application))
        for existing in listed.filters:
            if existing.name == self._name:
                if _same(existing.filter_expression, self._expression):
                    return True
                msg = (
                    f"a filter named {self._name!r} already exists with another expression;"
                    " choose another name or delete that filter"
                )
                raise errors.SegmentConflict(msg)
        return False

    async def _create_filter(self) -> None:
        command = CreateFilter(
            name=self._name, filter_expression=self._expression, application=self._application
        )
        try:
            await self._session(command)
        except errors.APIError:
            if not await self._existing_filter():  # made meanwhile, by this same import?
                raise
        self._filter = True
        self._ledger.notes["filter"] = self._expression

    async def _tag_all(self, done: set[int]) -> None:
        """Read batches, start each not tagged yet; those in flight end before an error leaves."""
        slots = InFlight(self._concurrency)
        tasks: set[asyncio.Task[None]] = set()
        crashed: list[BaseException] = []

        def finished(task: asyncio.Task[None], *, began: float) -> None:
            tasks.discard(task)
            slots.release(began)
            error = None if task.cancelled() else task.exception()
            if error is not None:
                crashed.append(error)  # a bug, not a Pushwoosh error: never swallowed

        try:
            async for batch in chunks(self._identifiers, self._batch_size):
                if self._stopped_by is not None or crashed:
                    break
                index, start = self._batches_read, self._read
                self._batches_read, self._read = index + 1, start + len(batch)
                inputs.checked(batch, start)
                digest = self._ledger.check(index, batch)
                unique = list(dict.fromkeys(batch))
                self._duplicates += len(batch) - len(unique)
                if index in done:
                    continue
                began = await slots.acquire()
                task = asyncio.ensure_future(self._batch(index, start, batch, unique, digest))
                tasks.add(task)
                task.add_done_callback(functools.partial(finished, began=began))
            else:
                self._ledger.check_end(self._batches_read)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            raise
        finally:
            await asyncio.gather(*tasks, return_exceptions=True)
        if crashed:
            raise crashed[0]

    async def _batch(
        self, index: int, start: int, batch: list[str], unique: list[str], digest: str
    ) -> None:
        report = BatchReport(index, start, len(batch), len(unique), "unconfirmed")
        session = _Detailed(self._session)
        tags = {self._tag: self._value}
        if self._by == "user_id":
            entries = [DeviceTags(tags=tags, user_id=identifier) for identifier in unique]
        else:
            entries = [DeviceTags(tags=tags, hwid=identifier) for identifier in unique]
        command = BulkSetTags(
            devices=entries, application=self._application, create_missing_tags=self._create
        )
        try:
            status = await jobs.wait(
                session, command, timeout=self._job_timeout, interval=self._poll_interval
            )
        except _STOPS as error:
            report = attrs.evolve(report, status="failed", error=str(error))
            self._stopped_by = str(error)
        except _LOST as error:
            never_left = session.started is None and getattr(error, "not_sent", False)
            fate: Status = "failed" if never_left else "unconfirmed"
            report = attrs.evolve(report, status=fate, error=str(error))
        except jobs.JobTimeout as error:
            report = attrs.evolve(report, error=str(error))
        except (errors.PushwooshError, jobs.JobFailed) as error:
            report = attrs.evolve(report, status="failed", error=str(error))
        else:
            report = self._outcomes(report, status)
        finally:
            report = attrs.evolve(report, request_id=session.started)
            self._record(report)
            self._ledger.record(attrs.asdict(report) | {"digest": digest})
        self._ledger.save()
        if self._on_progress is not None:
            self._on_progress(self.report())

    def _outcomes(self, report: BatchReport, status: BulkSetTagsJobStatus) -> BatchReport:
        """The batch as its job ended: per-entry outcomes (counts when none are listed)."""
        if status.devices is None:  # inferred: a status without the list still has the counts
            not_found, failed = status.devices_not_found or 0, status.devices_failed or 0
            done = report.sent - not_found - failed
            counts = {"done": done, "not_found": not_found, "failed": failed}
        else:
            counts = self._counted(status.devices)
        return attrs.evolve(report, status="tagged", **counts)  # type: ignore[arg-type]

    def _counted(self, outcomes: tuple[BulkDeviceOutcome, ...]) -> dict[str, int]:
        """Per-entry outcomes counted, the first failures kept as examples."""
        counts = {"done": 0, "not_found": 0, "failed": 0}
        for outcome in outcomes:
            kind = outcome.status if outcome.status in ("done", "not_found") else "failed"
            counts[kind] += 1
            if kind != "done" and len(self._examples) < self._max_examples:
                identifier = getattr(outcome, self._by) or ""
                error = "; ".join(outcome.errors) or None
                self._examples.append(Failure(identifier, kind, error))
        return counts

    def _record(self, batch: BatchReport) -> None:
        """Keep a batch's result (each index once a run) and add it to the totals: O(1)."""
        self._batches[batch.index] = batch
        unsent = 0 if batch.status == "tagged" else batch.count
        done, not_found, failed, missing = self._totals
        self._totals = (
            done + batch.done,
            not_found + batch.not_found,
            failed + batch.failed,
            missing + unsent,
        )

    def report(self) -> ImportReport:
        """The report so far (final once ``run`` has returned or was cancelled)."""
        elapsed = self._elapsed if self._elapsed is not None else time.monotonic() - self._started
        done, not_found, failed, unsent = self._totals
        return ImportReport(
            name=self._name,
            tag=self._tag,
            value=self._value,
            filter_expression=self._expression,
            filter_created=self._filter,
            identifiers=self._read,
            duplicates=self._duplicates,
            batches=len(self._batches),
            tagged=done,
            not_found=not_found,
            failed=failed,
            unsent=unsent,
            resumed_batches=self._resumed,
            examples=tuple(self._examples),
            elapsed=elapsed,
            cancelled=self._cancelled,
            stopped_by=self._stopped_by,
        )


def _same(listed: str | None, expression: str) -> bool:
    """Whether a listed filter's expression is this one (whitespace aside)."""
    return listed is not None and listed.split() == expression.split()


async def import_segment(
    session: Session,
    name: str,
    identifiers: Iterable[str] | AsyncIterable[str],
    **options: Unpack[ImportOptions],
) -> ImportReport:
    """Run one :class:`SegmentImport` (``options`` are its keywords) and return its report."""
    return await SegmentImport(session, name, identifiers, **options).run()
