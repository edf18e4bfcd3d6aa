"""One private asyncio event loop on a daemon thread, and a blocking way to run coroutines on it.

``pushwoosh_async.sync`` runs the async client here: every call of every thread becomes a task
on this one loop, so they share one connection pool and one rate limiter, and nothing is
implemented twice. :meth:`LoopThread.run` blocks its caller until the task ends and returns or
raises exactly what the coroutine did. Three details make that safe:

* The caller's ``contextvars`` go with the call: the task runs in a copy of the calling thread's
  context (``ISSUE_WARNINGS``, a tracing span, your request id), as ``asyncio.to_thread`` does
  the other way round.
* An interrupt in the caller (Ctrl-C's ``KeyboardInterrupt``, ``SystemExit``) cancels the task
  on the loop and waits up to :data:`CANCEL_GRACE` seconds for it to unwind before it propagates:
  a call abandoned by its caller does not go on sending.
* :meth:`LoopThread.stop` refuses new calls, runs a last coroutine (the client's ``aclose``),
  cancels what is still running (those callers get ``ClientClosedError``) and closes the loop.
  The thread is a daemon, so a program that never stops it still exits.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import itertools
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Final, ParamSpec, TypeVar

from pushwoosh_async.errors import ClientClosedError

__all__ = ["CANCEL_GRACE", "STOP_TIMEOUT", "LoopThread"]

P = ParamSpec("P")
T = TypeVar("T")

CANCEL_GRACE: Final = 5.0
"""Seconds an interrupted caller waits for its cancelled call to unwind (a bulk run saves its
checkpoint then); a second Ctrl-C cuts the wait short."""
STOP_TIMEOUT: Final = 10.0
"""Seconds :meth:`LoopThread.stop` gives the last coroutine, and then the thread, to finish."""

_CLOSED: Final = "this PushwooshClient is closed; create a new one"
_numbers = itertools.count(1)


class LoopThread:
    """An event loop running forever on its own daemon thread until :meth:`stop`."""

    __slots__ = ("_lock", "_loop", "_stopping", "_thread")

    def __init__(self, name: str = "pushwoosh-sync") -> None:
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()
        self._stopping = False
        self._thread = threading.Thread(
            target=self._main, name=f"{name}-{next(_numbers)}", daemon=True
        )
        self._thread.start()

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` has been called: no new call is accepted."""
        return self._stopping

    @property
    def thread(self) -> threading.Thread:
        """The thread the loop runs on."""
        return self._thread

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._finish()

    def _finish(self) -> None:
        """Cancel what is left (its callers get ``ClientClosedError``), then close the loop."""
        loop = self._loop
        try:
            left = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in left:
                task.cancel()
            if left:
                loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            # At interpreter exit no thread may start, and this one would (Python 3.12+).
            with contextlib.suppress(RuntimeError):
                loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    def run(
        self, function: Callable[P, Coroutine[Any, Any, T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``function(*args, **kwargs)`` on the loop; block until it returns or raises.

        Raises ``ClientClosedError`` once :meth:`stop` was called, and for a call the stop
        cancelled. Call it only from outside the loop thread (it would wait for itself).
        """
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        started: list[asyncio.Task[T]] = []
        start = functools.partial(self._start, function, args, kwargs, future, started)
        queued: list[bool] = []
        try:
            self._queue(start, queued)
            return future.result()
        except BaseException:
            if queued and not future.done():  # interrupted: cancel the call, let it unwind
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                    self._loop.call_soon_threadsafe(_cancel, started, future)
                concurrent.futures.wait([future], timeout=CANCEL_GRACE)
            raise

    def _queue(self, start: Callable[[], None], queued: list[bool]) -> None:
        """Queue ``start`` on the loop, in the caller's context; refused once stopping."""
        with self._lock:  # a call is either queued before the stop, or refused
            if self._stopping:
                raise ClientClosedError(_CLOSED)
            queued.append(True)
            self._loop.call_soon_threadsafe(start, context=contextvars.copy_context())

    def _start(
        self,
        function: Callable[..., Coroutine[Any, Any, T]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        future: concurrent.futures.Future[T],
        started: list[asyncio.Task[T]],
    ) -> None:
        """On the loop, in the caller's context: start the task, chain it to ``future``."""
        try:
            task = self._loop.create_task(function(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 (handed to the caller, who raises it)
            future.set_exception(exc)
            return
        started.append(task)
        task.add_done_callback(functools.partial(_settle, future))

    def stop(
        self,
        last: Callable[[], Coroutine[Any, Any, None]] | None = None,
        *,
        timeout: float = STOP_TIMEOUT,
    ) -> None:
        """Refuse new calls, run ``last()`` on the loop, stop it and wait for the thread.

        Idempotent and safe from any thread; from the loop's own thread (a finalizer the garbage
        collector ran there) it only schedules the stop. An exception from ``last`` is raised
        here, after the loop has stopped.
        """
        outcome: concurrent.futures.Future[None] = concurrent.futures.Future()
        with self._lock:
            first = not self._stopping
            self._stopping = True
            if first:
                self._loop.call_soon_threadsafe(self._begin_stop, last, timeout, outcome)
        if threading.current_thread() is self._thread:
            return
        self._thread.join(timeout + 1.0)
        if first and outcome.done():
            outcome.result()

    def _begin_stop(
        self,
        last: Callable[[], Coroutine[Any, Any, None]] | None,
        timeout: float,
        outcome: concurrent.futures.Future[None],
    ) -> None:
        async def final() -> None:
            try:
                if last is not None:
                    await asyncio.wait_for(last(), timeout)
            except BaseException as exc:  # noqa: BLE001 (raised by stop() in the caller)
                outcome.set_exception(exc)
            else:
                outcome.set_result(None)
            finally:
                self._loop.stop()

        self._loop.create_task(final())


def _cancel(started: list[asyncio.Task[Any]], future: concurrent.futures.Future[Any]) -> None:
    """Cancel an interrupted call's task.

    A call that never started (the interrupt came first) has nothing to unwind: its caller
    stops waiting at once.
    """
    for task in started:
        task.cancel()
    if not started and not future.done():
        future.set_exception(ClientClosedError("the call was interrupted before it started"))


def _settle(future: concurrent.futures.Future[T], task: asyncio.Task[T]) -> None:
    """Hand the task's outcome to the waiting caller (a cancelled task: the client closed)."""
    if task.cancelled():
        future.set_exception(ClientClosedError(f"{_CLOSED} (it closed during this call)"))
        return
    exc = task.exception()
    if exc is None:
        future.set_result(task.result())
    else:
        future.set_exception(exc)
