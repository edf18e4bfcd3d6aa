"""The exit statuses of ``pushwoosh``, each declared once with its meaning, and their help text.

``--help`` renders :func:`describe` from :class:`ExitCode`, so the documented list cannot drift
from the codes the commands return.
"""

from __future__ import annotations

import enum
import textwrap

__all__ = ["ExitCode", "UsageError", "describe"]

_WIDTH = 92
"""Columns the exit status list wraps at."""


class ExitCode(enum.IntEnum):
    """An exit status of ``pushwoosh``; ``meaning`` is what ``--help`` says about it."""

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitCode:  # noqa: PYI034 (typing.Self is 3.11+)
        """A member from its ``(value, meaning)`` pair."""
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    OK = 0, "success (a send may still report unknown devices)"
    PARTIAL = (
        1,
        (
            "partial failure: some bulk chunks failed or are unconfirmed (e.g. after Ctrl-C); a "
            "segment import tagged some identifiers but found not all, failed some, or stopped "
            "before the end (resume it); or the report could not be written after the run"
        ),
    )
    USAGE = (
        2,
        (
            "bad usage: wrong options, invalid JSON or command fields (ValidationError, "
            "ConfigurationError), unknown method"
        ),
    )
    FAILURE = (
        3,
        (
            "total failure: no chunk was accepted, a segment import tagged nobody, a segment "
            "export failed (its job, link, download or archive), an authentication/permission "
            "error, or the send/call failed"
        ),
    )
    NOT_DELIVERED = (
        4,
        (
            "nothing delivered: Pushwoosh accepted the send, but every recipient was unknown "
            "to it (or there was none)"
        ),
    )


class UsageError(Exception):
    """Bad usage found after parsing: the command exits with :attr:`ExitCode.USAGE`."""


def describe() -> str:
    """The ``exit status:`` block of ``--help``: every :class:`ExitCode` and its meaning."""
    lines = ["exit status:"]
    for code in ExitCode:
        lead = f"  {code.value}  "
        lines.append(
            textwrap.fill(
                code.meaning,
                width=_WIDTH,
                initial_indent=lead,
                subsequent_indent=" " * len(lead),
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)
