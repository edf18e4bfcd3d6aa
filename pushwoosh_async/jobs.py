"""Waiting for Pushwoosh's server-side jobs: start, poll with backoff, return the final result.

Several methods only start work and answer an id: the scheduled statistics (``getMsgStats``,
``getAppStats``, ... read with ``getResults``), ``bulkSetTags`` (read with
``bulkSetTags status``) and ``exportSegment`` (read with ``exportSegment/result``). Each such
command class says so itself, with a :class:`JobSpec` in its ``job`` ClassVar: which command
reads the job and how to tell pending from done. :func:`wait` does the polling::

    stats = await pw.wait(GetAppStats(...), timeout=120)

Polling waits ``interval`` seconds, growing by half each time up to ``max_interval``, and gives
up with :class:`JobTimeout` after ``timeout`` seconds. Cancelling the awaiting task stops it.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar, cast

import attrs

from pushwoosh_async.commands._base import Command, StartedJob
from pushwoosh_async.commands._specs import JobSpec, JobState, status_state
from pushwoosh_async.errors import PushwooshError
from pushwoosh_async.session import Session

__all__ = [
    "JobFailed",
    "JobSpec",
    "JobState",
    "JobTimeout",
    "StartedJob",
    "job_spec",
    "status_state",
    "wait",
]

F = TypeVar("F")


@attrs.define(auto_exc=True, str=False)
class JobFailed(PushwooshError):
    """The job ended in failure; ``result`` is the last polled result."""

    method: str
    result: Any = None

    def __str__(self) -> str:
        return f"{self.method}: the job failed"


@attrs.define(auto_exc=True, str=False)
class JobTimeout(PushwooshError, TimeoutError):
    """The job was still pending when ``timeout`` ran out; ``result`` is the last polled result."""

    method: str
    timeout: float
    result: Any = None

    def __str__(self) -> str:
        return f"{self.method}: still pending after {self.timeout:g}s"


def job_spec(command: type[Command[Any]]) -> JobSpec:
    """The spec of the job ``command`` starts; ``ValueError`` if it starts none."""
    if command.job is None:
        msg = f"{command.__name__} does not start a server-side job"
        raise ValueError(msg)
    return command.job


async def wait(
    session: Session,
    command: Command[StartedJob[F]],
    *,
    timeout: float = 300.0,
    interval: float = 1.0,
    max_interval: float = 15.0,
) -> F:
    """Start a server-side job with ``command`` and poll it until done.

    Returns the final polled result (for example the statistics ``getResults`` read), typed as
    the ``F`` of the starting command's result, a ``StartedJob[F]``; raises
    :class:`JobFailed` if the job fails and :class:`JobTimeout` if it is still pending after
    ``timeout`` seconds. Cancelling the task stops the polling.
    """
    spec = job_spec(type(command))
    poll: Command[Any] = spec.poll(await session(command))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = interval
    last: Any = None
    while True:
        try:
            last = await session(poll)
        except spec.pending_while:
            state = JobState.PENDING
        else:
            state = spec.state(last)
        if state is JobState.DONE:
            return cast("F", last)  # the spec's poll reads an F: tests/test_job_and_page_types.py
        if state is JobState.FAILED:
            raise JobFailed(poll.method, last)
        if loop.time() + delay > deadline:
            raise JobTimeout(poll.method, timeout, last)
        await asyncio.sleep(delay)
        delay = min(max_interval, delay * 1.5)
