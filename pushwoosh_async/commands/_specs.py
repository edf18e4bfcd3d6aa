"""How a command class declares that it starts a server-side job or reads a paginated listing.

A command that starts a job sets ``job = JobSpec(...)`` in its class body; a listing sets
``pages = PageSpec(...)``. ``pw.wait`` (``jobs.py``) and ``pw.paginate`` (``pagination.py``) read
those ClassVars, so the facts about a method stay on its class.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

import attrs

__all__ = ["JobSpec", "JobState", "PageSpec", "numbered_pages", "status_state"]


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

    poll: Callable[[Any], Any]
    """Starting result -> the command that reads the job."""
    state: Callable[[Any], JobState]
    pending_while: tuple[type[Exception], ...] = ()


@attrs.frozen
class PageSpec:
    """``items`` reads a page's items; ``next`` builds the next page's command, or ``None``."""

    items: Callable[[Any], Sequence[Any]]
    next: Callable[[Any, Any], Any]
    """(this page's command, this page) -> the next page's command, or ``None`` at the end."""


def status_state(result: Any) -> JobState:
    """A job state from a result's ``status`` word (Pending, Completed, in-progress, failed...)."""
    word = str(getattr(result, "status", "")).lower()
    if word in ("completed", "complete", "done", "finished", "success"):
        return JobState.DONE
    if word in ("failed", "error", "cancelled", "canceled"):
        return JobState.FAILED
    return JobState.PENDING


def _next_numbered_page(command: Any, page: Any) -> Any:
    if not page.items:
        return None
    number = command.page or 1
    size = command.per_page or len(page.items)
    if page.total is not None and number * size >= page.total:
        return None
    return attrs.evolve(command, page=number + 1)


def numbered_pages() -> PageSpec:
    """Paging by ``page`` / ``per_page`` with a ``total`` in the reply and ``items`` on it."""
    return PageSpec(lambda page: page.items, _next_numbered_page)
