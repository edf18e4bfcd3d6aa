"""The client for synchronous code: Django or Flask views, scripts, notebooks, thread pools.

::

    from pushwoosh_async.sync import PushwooshClient

    pw = PushwooshClient(api_token="...", application="XXXXX-XXXXX")  # once, at import time
    result = pw(CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])]))

It takes the same arguments, commands and per-call options as
:class:`pushwoosh_async.PushwooshClient`, and returns the same results and raises the same errors,
because it *is* that client: one async client runs on one private event loop in a daemon thread
(``_loop_thread.py``), and every method here hands its call to that loop and blocks until it ends.
So all the threads that share one sync client share one connection pool and one rate limiter,
and nothing (retries, limits, pagination, bulk sending) is implemented twice.

* Share one client between threads; create it once (at module level, or in your app's start-up)
  and :meth:`~PushwooshClient.close` it at shutdown, or use it as a ``with`` block. A client
  you never close is closed when it is garbage collected or when the interpreter exits, and
  never keeps the process alive.
* After ``close()`` every call raises ``ClientClosedError``; calls still in flight end with it.
* Ctrl-C (or any exception raised in the calling thread while it waits) cancels the call on the
  loop: an abandoned call does not go on sending.
* Called from inside a running event loop it raises :class:`RunningLoopError` rather than block
  that loop: async code uses :class:`pushwoosh_async.PushwooshClient` with ``await``.
* The calling thread's ``contextvars`` go with each call (your steps see them).
  ``bulk_send``'s ``on_progress`` and your own steps run on the loop's thread.

Why a loop thread and ``loop.call_soon_threadsafe`` rather than an anyio blocking portal: the
client is asyncio-only (aiohttp), and a portal's worker thread is joined at exit, so a client
nobody closed would hang the interpreter; a daemon thread we own does not.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Literal, ParamSpec, TypeVar, overload

from pushwoosh_async import client as _async
from pushwoosh_async import pagination
from pushwoosh_async._loop_thread import LoopThread
from pushwoosh_async.bulk import BulkProgress, BulkReport
from pushwoosh_async.checkpoints import CheckpointStore
from pushwoosh_async.commands._base import Command, PageOf, Result, StartedJob
from pushwoosh_async.commands.messages import MAX_RECIPIENTS, Notification
from pushwoosh_async.errors import ClientClosedError, ForeignLoopError
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.settings import DEFAULT, Default

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from pushwoosh_async._sync_segments import ExportRows
    from pushwoosh_async.segments import ImportOptions, ImportReport, SavedExport
    from pushwoosh_async.segments.export import ExportRowOptions

__all__ = ["PushwooshClient", "RunningLoopError"]

P = ParamSpec("P")
S = TypeVar("S")
R = TypeVar("R", bound=Result)
F = TypeVar("F")
T = TypeVar("T")


class RunningLoopError(ForeignLoopError):
    """The synchronous client was called from inside a running event loop.

    It would block that loop (every other task of it) until the call ends, so it refuses: in
    async code use :class:`pushwoosh_async.PushwooshClient` and ``await pw(command)``.
    """


def _takes_arguments_of(
    model: Callable[P, object],
) -> Callable[[Callable[Concatenate[S, ...], None]], Callable[Concatenate[S, P], None]]:
    """Give the decorated ``__init__`` the parameters of ``model`` (a class: its ``__init__``'s).

    For type checkers and ``help()``: both clients take the same typed arguments, declared once.
    """

    def same_parameters(
        init: Callable[Concatenate[S, ...], None],
    ) -> Callable[Concatenate[S, P], None]:
        init.__wrapped__ = getattr(model, "__init__", model)  # type: ignore[attr-defined]
        return init

    return same_parameters


class _End:
    """What ``_next_item`` returns when a listing has no more items."""


_END = _End()


async def _next_item(items: AsyncIterator[T]) -> T | _End:
    try:
        return await items.__anext__()
    except StopAsyncIteration:
        return _END


def _refuse_inside_a_loop(what: str) -> None:
    if _outside_a_loop():
        return
    msg = (
        f"pushwoosh_async.sync.PushwooshClient.{what} was called inside a running event loop, "
        "which it would block: in async code use pushwoosh_async.PushwooshClient and "
        "`await pw(command)`"
    )
    raise RunningLoopError(msg)


class PushwooshClient:
    """A synchronous Pushwoosh client, safe to share between threads.

    Takes exactly the arguments of :class:`pushwoosh_async.PushwooshClient` (tokens,
    ``application``, ``transport``, ``timeout``, ``deadline``, ``retry``, ``rate_limits``,
    ``steps``, ...) and offers the same calls, blocking: ``pw(command)``, ``pw.wait(...)``,
    ``pw.paginate(...)`` (an iterator), ``pw.bulk_send(...)``, ``pw.import_segment(...)``,
    ``pw.export_segment(...)`` (an iterator of rows). See the module docstring.
    """

    __slots__ = ("__weakref__", "_client", "_closer", "_loop")

    @_takes_arguments_of(_async.PushwooshClient)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._run_around(_async.PushwooshClient(*args, **kwargs))

    def _run_around(self, client: _async.PushwooshClient) -> None:
        self._client = client
        self._loop = LoopThread()
        # Closes it when garbage collected, or at interpreter exit if nobody did.
        self._closer = weakref.finalize(self, self._loop.stop, client.aclose)

    @classmethod
    def from_env(cls, **overrides: Any) -> PushwooshClient:
        """A client configured from the environment; keyword arguments win.

        Reads the variables :meth:`pushwoosh_async.PushwooshClient.from_env` reads.
        """
        client = cls.__new__(cls)
        client._run_around(_async.PushwooshClient.from_env(**overrides))  # noqa: SLF001 (its own)
        return client

    def __repr__(self) -> str:
        return f"<sync {repr(self._client)[1:]}"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run (or is running)."""
        return self._loop.stopping

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy every call follows."""
        return self._client.retry_policy

    def _check(self, what: str) -> None:
        _refuse_inside_a_loop(what)
        if self._loop.stopping:
            msg = "this PushwooshClient is closed; create a new one"
            raise ClientClosedError(msg)

    def __call__(
        self,
        command: Command[R],
        *,
        deadline: float | Default | None = DEFAULT,
        max_wait: float | Default | None = DEFAULT,
        pace: bool = False,
    ) -> R:
        """Send ``command`` and return its typed result, as ``await`` on the async client does.

        ``deadline``, ``max_wait`` and ``pace`` are the async client's per-call options.
        """
        self._check("__call__")
        return self._loop.run(
            self._client, command, deadline=deadline, max_wait=max_wait, pace=pace
        )

    def wait(
        self,
        command: Command[StartedJob[F]],
        *,
        timeout: float = 300.0,
        interval: float = 1.0,
        max_interval: float = 15.0,
    ) -> F:
        """Start a server-side job and poll it until done (``pushwoosh_async.jobs.wait``)."""
        self._check("wait")
        return self._loop.run(
            self._client.wait,
            command,
            timeout=timeout,
            interval=interval,
            max_interval=max_interval,
        )

    def paginate(self, command: Command[PageOf[T]]) -> Iterator[T]:
        """Iterate over a listing's items; each page is fetched when the previous one is used up.

        Nothing is fetched before the first item is asked for, nor after you stop iterating; a
        page, not an item, crosses to the loop thread.
        """
        self._check("paginate")
        return self._items(pagination.pages(self._client, command))

    def _items(self, pages: AsyncIterator[tuple[T, ...]]) -> Iterator[T]:
        try:
            while True:
                page = self._loop.run(_next_item, pages)
                if isinstance(page, _End):
                    return
                yield from page
        finally:
            aclose = getattr(pages, "aclose", None)
            if aclose is not None and not self._loop.stopping and _outside_a_loop():
                self._loop.run(aclose)

    def bulk_send(
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
        """Send one message to every recipient, as the async client's ``bulk_send`` does.

        The parameters are the async client's; ``recipients`` are read and ``on_progress`` is
        called on the client's loop thread. Ctrl-C cancels the run: its chunks in flight are
        recorded as unconfirmed and, with a ``checkpoint``, a later run resumes it.
        """
        self._check("bulk_send")
        return self._loop.run(
            self._client.bulk_send,
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
        )

    def import_segment(
        self,
        name: str,
        identifiers: Iterable[str] | AsyncIterable[str],
        **options: Unpack[ImportOptions],
    ) -> ImportReport:
        """Tag the identifiers, then create segment ``name``, as the async client's call does.

        The options are the async client's (``pushwoosh_async.segments.importing``);
        ``identifiers`` are read and ``on_progress`` is called on the client's loop thread.
        Ctrl-C cancels the run; with a ``checkpoint`` a later run resumes it.
        """
        self._check("import_segment")
        return self._loop.run(self._client.import_segment, name, identifiers, **options)

    @overload
    def export_segment(
        self,
        filter_expression: str,
        *,
        save_to: None = None,
        **options: Unpack[ExportRowOptions],
    ) -> ExportRows: ...

    @overload
    def export_segment(
        self,
        filter_expression: str,
        *,
        save_to: str | os.PathLike[str],
        **options: Unpack[ExportRowOptions],
    ) -> SavedExport: ...

    def export_segment(
        self,
        filter_expression: str,
        *,
        save_to: str | os.PathLike[str] | None = None,
        **options: Unpack[ExportRowOptions],
    ) -> ExportRows | SavedExport:
        """Export a segment: its rows as a lazy iterator, or with ``save_to`` the file only.

        The options are the async client's (``segments.SegmentExport``), checked at once. The
        rows come in batches from the loop thread
        (:class:`~pushwoosh_async._sync_segments.ExportRows`; use it as a ``with`` block, or
        exhaust or ``close()`` it, to remove the temporary file at once); with ``save_to`` the
        call blocks until the archive is saved and returns a ``SavedExport``.
        """
        from pushwoosh_async._sync_segments import ExportRows, saved  # noqa: PLC0415 (on use)

        self._check("export_segment")
        export = self._client.export_segment(filter_expression, save_to=save_to, **options)
        if save_to is None:
            return ExportRows(self._loop, export, usable=_outside_a_loop)
        return self._loop.run(saved, export)

    def close(self) -> None:
        """Close the connection pool and stop the loop thread. Idempotent, from any thread.

        Calls still in flight end with ``ClientClosedError``; later calls raise it.
        """
        self._closer.detach()
        self._loop.stop(self._client.aclose)

    def __enter__(self) -> PushwooshClient:  # noqa: PYI034 (typing.Self is 3.11+)
        if self._loop.stopping:
            msg = "this PushwooshClient is closed; create a new one"
            raise ClientClosedError(msg)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _outside_a_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False
