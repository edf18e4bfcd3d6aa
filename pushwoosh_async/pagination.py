"""Paginated listings as async iterators: ``async for item in pw.paginate(MessagesList(...))``.

A listing command class says how it pages with a :class:`PageSpec` in its ``pages`` ClassVar:
where a page's items are and which command fetches the next page (by page number or by the
cursor the previous reply carried). :func:`paginate` sends one page at a time, yields its items,
and stops when there is no next page. Nothing is fetched ahead: breaking out of the loop sends
no further request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar

from pushwoosh_async.commands._base import Command, PageOf
from pushwoosh_async.commands._specs import PageSpec
from pushwoosh_async.session import Session

__all__ = ["PageOf", "PageSpec", "page_spec", "pages", "paginate"]

T = TypeVar("T")


def page_spec(command: type[Command[Any]]) -> PageSpec:
    """The spec of a paginated listing; ``ValueError`` for any other command."""
    if command.pages is None:
        msg = f"{command.__name__} is not a paginated listing"
        raise ValueError(msg)
    return command.pages


async def pages(session: Session, command: Command[PageOf[T]]) -> AsyncIterator[tuple[T, ...]]:
    """Yield each page's items, page after page; the next page is sent for when asked for.

    The sync client iterates this, so that a page, not an item, crosses its thread hop.
    """
    spec = page_spec(type(command))
    next_command: Command[Any] | None = command
    while next_command is not None:
        page = await session(next_command)
        yield tuple(spec.items(page))
        next_command = spec.next(next_command, page)


async def paginate(session: Session, command: Command[PageOf[T]]) -> AsyncIterator[T]:
    """Yield the items of a paginated listing, page after page (a page is a ``PageOf[T]``)."""
    async for items in pages(session, command):
        for item in items:
            yield item
