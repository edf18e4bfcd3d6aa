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

from pushwoosh_async.commands import messages, statistics
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


def _next_page(command: Any, page: Any) -> Command[Any] | None:
    if not page.items:
        return None
    number = command.page or 1
    size = command.per_page or len(page.items)
    if page.total is not None and number * size >= page.total:
        return None
    next_command: Command[Any] = attrs.evolve(command, page=number + 1)
    return next_command


def _log_rows(page: Any) -> Sequence[Any]:
    # The key holding getMessageLog's rows was never captured: the first list in the reply.
    return next((v for v in page.extra.values() if isinstance(v, list)), [])


def _next_log(command: Any, page: Any) -> Command[Any] | None:
    token = page.pagination_token
    if not token:
        return None
    next_command: Command[Any] = attrs.evolve(command, pagination_token=token)
    return next_command


def _next_history(command: Any, page: Any) -> Command[Any] | None:
    # lastNotificationID as a cursor is from older docs (unconfirmed).
    if not page.rows:
        return None
    next_command: Command[Any] = attrs.evolve(command, last_notification_id=page.rows[-1].id)
    return next_command


register(statistics.MessagesList, PageSpec(lambda page: page.items, _next_page))
register(statistics.GetMessageLog, PageSpec(_log_rows, _next_log))
register(messages.GetPushHistory, PageSpec(lambda page: page.rows, _next_history))
