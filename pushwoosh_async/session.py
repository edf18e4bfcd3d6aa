"""The one thing feature modules need from a client: send a command, get its typed result.

``jobs.wait``, ``pagination.paginate`` and ``bulk.BulkSender`` are written against
:class:`Session`, not against :class:`~pushwoosh_async.client.PushwooshClient`, so the client
can offer them as thin delegations (``pw.wait(...)``) without the modules importing each other.
Anything with these two members works: the client, a wrapper adding tracing, a test double.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from pushwoosh_async.commands._base import Command, Result
from pushwoosh_async.retries import RetryPolicy

__all__ = ["Session"]

R = TypeVar("R", bound=Result)


class Session(Protocol):
    """Sends commands: ``await session(command)`` returns the command's typed result."""

    async def __call__(self, command: Command[R], /, *, pace: bool = False) -> R:
        """Send ``command``; raise a ``PushwooshError`` on failure.

        ``pace=True`` asks the rate limiter to space this caller's requests evenly (a long
        stream, such as a bulk send) instead of letting them burst.
        """
        ...

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy every call follows (the bulk report counts attempts with it)."""
        ...
