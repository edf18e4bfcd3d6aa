"""Paginated listings as async iterators: ``async for item in pw.paginate(MessagesList(...))``.

A :class:`PageSpec` says, for one listing command class, where a page's items are and which
command fetches the next page (by page number or by the cursor the previous reply carried).
``PushwooshClient.paginate`` sends one page at a time, yields its items, and stops when there is
no next page. Nothing is fetched ahead: breaking out of the loop sends no further request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from pushwoosh_async.commands._base import Command

__all__ = ["PageSpec", "page_spec", "register"]


@attrs.frozen
class PageSpec:
    """``items`` reads a page's items; ``next`` builds the next page's command, or ``None``."""

    items: Callable[[Any], Sequence[Any]]
    next: Callable[[Any, Any], Command[Any] | None]


_SPECS: dict[type[Command[Any]], PageSpec] = {}


def register(command: type[Command[Any]], spec: PageSpec) -> None:
    """Declare that ``command`` is a paginated listing followed as ``spec`` says."""
    _SPECS[command] = spec


def page_spec(command: type[Command[Any]]) -> PageSpec:
    """The spec of a paginated listing; ``ValueError`` for any other command."""
    try:
        return _SPECS[command]
    except KeyError:
        msg = f"{command.__name__} is not a paginated listing"
        raise ValueError(msg) from None
