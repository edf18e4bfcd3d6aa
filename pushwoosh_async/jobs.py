"""Waiting for Pushwoosh's server-side jobs: start, poll with backoff, return the final result.

Several methods only start work and answer an id: the scheduled statistics (``getMsgStats``,
``getAppStats``, ... read with ``getResults``), ``bulkSetTags`` (read with
``bulkSetTags status``) and ``exportSegment`` (read with ``exportSegment/result``). A
:class:`JobSpec` says, for one starting command class, which command reads the job and how to
tell pending from done; ``PushwooshClient.wait`` does the polling::

    stats = await pw.wait(GetAppStats(...), timeout=120)

Polling waits ``interval`` seconds, growing by half each time up to ``max_interval``, and gives
up with :class:`JobTimeout` after ``timeout`` seconds. Cancelling the awaiting task stops it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import attrs

from pushwoosh_async.commands import audience, email, segmentation, statistics, tags, users
from pushwoosh_async.commands._base import Command, Result
from pushwoosh_async.errors import ArgumentError, PushwooshError

__all__ = ["JobFailed", "JobSpec", "JobState", "JobTimeout", "job_spec", "register", "status_state"]


class JobState(enum.Enum):
    """Where a server-side job is."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@attrs.frozen
class JobSpec:
    """How to follow one kind of job.

    ``poll`` builds the reading command from the starting command's result; ``state`` reads a
    polled result. ``pending_while`` lists exception types a poll may raise while the job is not
    ready (Pushwoosh's "not ready" answer for ``getResults`` was never captured: an inference).
    """

    poll: Callable[[Any], Command[Any]]
    state: Callable[[Any], JobState]
    pending_while: tuple[type[Exception], ...] = ()


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


_SPECS: dict[type[Command[Any]], JobSpec] = {}


def register(command: type[Command[Any]], spec: JobSpec) -> None:
    """Declare that ``command`` starts a job followed as ``spec`` says."""
    _SPECS[command] = spec


def job_spec(command: type[Command[Any]]) -> JobSpec:
    """The spec of the job ``command`` starts; ``ValueError`` if it starts none."""
    try:
        return _SPECS[command]
    except KeyError:
        msg = f"{command.__name__} does not start a server-side job"
        raise ValueError(msg) from None


def status_state(result: Result) -> JobState:
    """A job state from a result's ``status`` word (Pending, Completed, in-progress, failed...)."""
    word = str(getattr(result, "status", "")).lower()
    if word in ("completed", "complete", "done", "finished", "success"):
        return JobState.DONE
    if word in ("failed", "error", "cancelled", "canceled"):
        return JobState.FAILED
    return JobState.PENDING


def _done_once_read(_: Result) -> JobState:
    # getResults answers the data only once the job is done; until then it refuses (inferred).
    return JobState.DONE


def _scheduled(started: Any) -> Command[Any]:
    return statistics.GetResults(request_id=started.request_id)


_SCHEDULED = JobSpec(_scheduled, _done_once_read, pending_while=(ArgumentError,))

for _starter in (
    statistics.GetMsgStats,
    statistics.GetMsgPlatformsStats,
    statistics.GetAppStats,
    statistics.GetCampaignStats,
    statistics.GetEventStatistics,
    statistics.GetTagStats,
    email.GetBouncedEmails,
    users.GetUsersDetails,
    segmentation.ExportSegmentLegacy,
    tags.BulkSetTagsLegacy,
):
    register(_starter, _SCHEDULED)
register(
    audience.BulkSetTags,
    JobSpec(
        lambda started: audience.BulkSetTagsStatus(request_id=started.request_id), status_state
    ),
)
register(
    segmentation.ExportSegment,
    JobSpec(
        lambda started: segmentation.ExportSegmentResult(task_id=started.task_id), status_state
    ),
)
