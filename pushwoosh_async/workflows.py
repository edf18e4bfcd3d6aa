"""The client's calls that span many requests: ``wait``, ``paginate``, ``bulk_send``, and segments.

:class:`Workflows` is a base of :class:`~pushwoosh_async.client.PushwooshClient`, so that
``client.py`` holds the session itself (lifecycle, pool, limiters, pipeline, ``await pw(cmd)``)
and this module the jobs built on it. Each method is a thin delegation to the module that does
the job (``jobs``, ``pagination``, ``bulk``, ``segments``), written against
:class:`~pushwoosh_async.session.Session`; the heavy modules are imported on first use.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from pushwoosh_async import jobs, pagination
from pushwoosh_async.commands._base import Command, PageOf, StartedJob
from pushwoosh_async.commands._fields import MAX_RECIPIENTS

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from pushwoosh_async.bulk import BulkProgress, BulkReport
    from pushwoosh_async.checkpoints import CheckpointStore
    from pushwoosh_async.commands.messages import Notification
    from pushwoosh_async.segments import ImportOptions, ImportReport
    from pushwoosh_async.segments.export import ExportOptions, SegmentExport
    from pushwoosh_async.senders import Sender
    from pushwoosh_async.session import Session

__all__ = ["Workflows"]

F = TypeVar("F")
T = TypeVar("T")


class Workflows:
    """``wait``, ``paginate``, ``bulk_send``, ``import_segment`` and ``export_segment``."""

    __slots__ = ()
    _sender: Sender

    def _session(self) -> Session:
        return cast("Session", self)  # the client this is a base of

    async def bulk_send(
        self,
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
    ) -> BulkReport:
        """Send one message to every recipient, 1000 per ``createMessage``, at the rate limit.

        ``template`` holds the message's fields: a dict with the wire names or a
        :class:`Notification` (its own targets are replaced). ``recipients`` are hwids (user ids
        with ``by="users"``), read lazily. The options, the report and the chunk states are
        :class:`~pushwoosh_async.bulk.BulkSender`'s (``pushwoosh_async.bulk`` documents them); by
        default the calls in flight adapt to the latency, so the account's limit is used fully.
        """
        from pushwoosh_async.bulk import BulkSender  # noqa: PLC0415 (imported on first use)

        return await BulkSender(
            self._session(),
            template,
            recipients,
            by=by,
            chunk_size=chunk_size,
            concurrency=concurrency,
            fail_fast=fail_fast,
            on_progress=on_progress,
            checkpoint=checkpoint,
            application=application,
            total=total,
        ).run()

    async def import_segment(
        self,
        name: str,
        identifiers: Iterable[str] | AsyncIterable[str],
        **options: Unpack[ImportOptions],
    ) -> ImportReport:
        """Tag the identifiers, then create segment ``name``: ``segments.importing`` says how."""
        from pushwoosh_async.segments.importing import import_segment  # noqa: PLC0415

        return await import_segment(self._session(), name, identifiers, **options)

    async def wait(
        self,
        command: Command[StartedJob[F]],
        *,
        timeout: float = 300.0,
        interval: float = 1.0,
        max_interval: float = 15.0,
    ) -> F:
        """Start a server-side job with ``command``, poll it until done (``jobs.wait``).

        Typed as the job's result: ``await pw.wait(GetAppStats(...))`` is ``ScheduledResults``.
        """
        return await jobs.wait(
            self._session(), command, timeout=timeout, interval=interval, max_interval=max_interval
        )

    def export_segment(
        self, filter_expression: str, **options: Unpack[ExportOptions]
    ) -> SegmentExport:
        """Export a segment (rows, or a file with ``save_to``): see ``segments.SegmentExport``."""
        from pushwoosh_async.segments.export import SegmentExport  # noqa: PLC0415 (on first use)

        return SegmentExport(self._session(), self._sender, filter_expression, **options)

    def paginate(self, command: Command[PageOf[T]]) -> AsyncIterator[T]:
        """Yield the items of a paginated listing, page after page: see ``pagination.paginate``.

        Typed as the listing's items: ``pw.paginate(MessagesList(...))`` yields ``MessageSummary``.
        """
        return pagination.paginate(self._session(), command)
