"""Inbox: read a user's inbox and report what happened to a message (device token, in the header).

Both methods are documented, and so is one inbox message's shape (its reply example);
:class:`InboxMessage` keeps keys it does not model in ``extra``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import Ack, Command, OpenObject, Result, TokenKind
from pushwoosh_async.commands._fields import non_empty, strings
from pushwoosh_async.errors import ValidationError

__all__ = [
    "GetInboxMessages",
    "InboxMessage",
    "InboxMessageStatus",
    "InboxMessages",
    "InboxStatus",
]


class InboxMessageStatus(enum.IntEnum):
    """What happened to an inbox message on the user's side."""

    DELIVERED = 1
    READ = 2
    OPENED = 3
    DELETED = 4
    """Deleted by the user."""


def _status(value: InboxMessageStatus | int) -> InboxMessageStatus:
    try:
        return InboxMessageStatus(value)
    except ValueError:
        msg = f"status must be 1-4 (delivered, read, opened, deleted), got {value!r}"
        raise ValidationError(msg) from None


def _optional_device_type(value: int | None) -> int | None:
    return None if value is None else int(value)


@attrs.frozen(kw_only=True)
class InboxMessage(OpenObject):
    """One inbox message.

    ``order`` is the ``inbox_code`` :class:`InboxStatus` takes; ``image`` is named as the SDKs read
    it; unknown keys land in ``extra``. The docs write the timestamps as strings.
    """

    order: str | None = None
    inbox_id: str | None = None
    text: str | None = None
    title: str | None = None
    image: str | None = None
    send_date: int | str | None = None
    """When the message was put in the inbox (a Unix timestamp)."""
    rt: int | str | None = None
    """When it is removed from the inbox (a Unix timestamp)."""
    status: int | None = None
    """1 delivered, 2 read, 3 opened, 4 deleted by the user, 5 deleted in the Control Panel."""
    hash: str | None = None
    action_type: int | str | None = None
    """What opening it does, e.g. ``"RichMedia"``."""
    action_params: Any = None


def _messages(value: Iterable[InboxMessage | Mapping[str, Any]] | None) -> tuple[InboxMessage, ...]:
    return () if value is None else structure_many(value, InboxMessage)


def _codes(value: Iterable[str] | None) -> tuple[str, ...]:
    codes = strings(value or ())
    return () if codes is None else codes


@attrs.frozen(kw_only=True)
class InboxMessages(Result):
    """One page of a user's inbox. ``next`` is the cursor for the following page (``""``: none).

    Every key is in each documented reply, so a reply lacking one is a ``DecodeError``.
    """

    messages: tuple[InboxMessage, ...] = attrs.field(converter=_messages)
    next: str
    deleted: tuple[str, ...] = attrs.field(converter=_codes)
    """Codes of messages deleted in the Control Panel: drop them from a local copy."""
    new_inbox: int
    """How many inbox messages of the user are delivered and not yet read (usable as a badge)."""


@attrs.frozen(kw_only=True)
class GetInboxMessages(Command[InboxMessages]):
    """Read one page of a user's inbox; pass the previous page's ``next`` as ``last_code``.

    ``user_id`` is the device's hwid when the user has no custom User ID. ``count=0`` returns
    every message.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/message-inbox
    """

    path = "/json/1.3/getInboxMessages"
    token = TokenKind.DEVICE

    user_id: str = attrs.field(validator=non_empty, metadata=wire("userId"))
    hwid: str | None = None
    last_code: str | None = None
    count: int | None = None
    last_request_time: int | None = None
    """Unix time of the previous request, for the new-message counter (Web SDK)."""
    device_type: int | None = attrs.field(default=None, converter=_optional_device_type)
    application: str | None = None


@attrs.frozen(kw_only=True)
class InboxStatus(Command[Ack]):
    """Report that an inbox message was delivered, read, opened or deleted by the user.

    ``inbox_code`` is the message's ``order`` from :class:`GetInboxMessages`; ``status`` takes an
    :class:`InboxMessageStatus` or its number.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/message-inbox
    """

    path = "/json/1.3/inboxStatus"
    token = TokenKind.DEVICE

    inbox_code: str = attrs.field(validator=non_empty)
    user_id: str = attrs.field(validator=non_empty, metadata=wire("userId"))
    status: InboxMessageStatus = attrs.field(converter=_status)
    hash: str | None = None
    hwid: str | None = None
    time: int | str | None = None
    """The message's send date (a timestamp)."""
    device_type: int | None = attrs.field(default=None, converter=_optional_device_type)
    application: str | None = None
