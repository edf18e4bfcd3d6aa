"""Messaging API v2: send and cancel messages (``/messaging/v2``, unwrapped, server token header).

The API is gRPC-Gateway JSON: snake_case names, enums as their string names, and each "one of"
group is an object with exactly one of its keys set.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_one
from pushwoosh_async.commands._base import Ack, Command, OpenObject, OpenResult, TokenKind
from pushwoosh_async.commands._fields import mapping, non_empty, strings
from pushwoosh_async.errors import ValidationError

__all__ = ["Cancel", "MessageType", "Notify", "NotifyResult", "Payload", "Schedule", "Segment"]


class MessageType(str, enum.Enum):
    """A segment message's type (raw strings are accepted too)."""

    MARKETING = "MESSAGE_TYPE_MARKETING"
    """Pushwoosh's default."""
    TRANSACTIONAL = "MESSAGE_TYPE_TRANSACTIONAL"


def _message_type(value: MessageType | str | None) -> MessageType | str | None:
    try:
        return None if value is None else MessageType(value)
    except ValueError:
        return value


def _rfc3339(value: dt.datetime | str | None) -> str | None:
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.frozen(kw_only=True)
class Schedule(OpenObject):
    """When to send. Only ``at`` (an RFC 3339 time; naive datetimes are read as UTC) is known.

    The other schedule keys were not captured: pass them in ``extra``.
    """

    at: str | None = attrs.field(default=None, converter=_rfc3339)


@attrs.frozen(kw_only=True)
class Payload(OpenObject):
    """A push, SMS or messenger payload.

    ``content`` is ``{"localized_content": {<locale or "default">: {"ios": {"title": ...,
    "body": ...}, "android": {...}, ...}}}``; ``custom_data`` arrives on the device as ``u``;
    ``silent`` sends a data-only push (no content). The payload reference was captured in part
    only: other keys go in ``extra``.
    """

    preset: str | None = None
    content: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    silent: bool | None = None
    custom_data: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    open_action: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    open_actions: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    """Keyed by the numeric platform code."""
    voip_push: bool | None = None

    def __attrs_post_init__(self) -> None:
        if self.silent and self.content is not None:
            msg = "a silent payload carries no content"
            raise ValidationError(msg)


def _schedule(value: Schedule | Mapping[str, Any]) -> Schedule:
    return structure_one(value, Schedule)


def _payload(value: Payload | Mapping[str, Any] | None) -> Payload | None:
    return None if value is None else structure_one(value, Payload)


def _at_most_one(owner: str, **given: object) -> None:
    names = [name for name, value in given.items() if value is not None]
    if len(names) > 1:
        msg = f"{owner} takes at most one of {', '.join(given)}, got {', '.join(names)}"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class Segment:
    """Send to a segment: a segment ``code``, a seglang ``expression`` or a ``filter_expression``.

    ``application`` is not filled from the client's default (it is nested): set it here.
    ``platforms`` are enum names (``"IOS"``, ``"ANDROID"``, ...).
    """

    schedule: Schedule = attrs.field(converter=_schedule)
    application: str | None = None
    platforms: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    code: str | None = None
    expression: str | None = None
    filter_expression: str | Mapping[str, Any] | None = None
    payload: Payload | None = attrs.field(default=None, converter=_payload)
    email_payload: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    campaign: str | None = None
    frequency_capping: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    send_rate: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    message_type: MessageType | str | None = attrs.field(default=None, converter=_message_type)
    dynamic_content_placeholders: Mapping[str, str] | None = attrs.field(
        default=None, converter=mapping
    )
    meta_data: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)

    def __attrs_post_init__(self) -> None:
        _at_most_one(
            "a segment",
            code=self.code,
            expression=self.expression,
            filter_expression=self.filter_expression,
        )
        _at_most_one("a segment", payload=self.payload, email_payload=self.email_payload)


def _segment(value: Segment | Mapping[str, Any] | None) -> Segment | None:
    return None if value is None else structure_one(value, Segment)


@attrs.frozen(kw_only=True)
class NotifyResult(OpenResult):
    """The code of the new message (``result.message_code``), which :class:`Cancel` takes.

    The full success body was not captured: other keys of ``result`` land in ``extra``.
    """

    message_code: str | None = None

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The reply's ``result`` object."""
        if isinstance(data, Mapping) and isinstance(data.get("result"), Mapping):
            return data["result"]
        return data


@attrs.frozen(kw_only=True)
class Notify(Command[NotifyResult]):
    """Send a message to a ``segment`` or to an explicit ``transactional`` list (exactly one).

    The ``transactional`` object lists hwids, user ids, push tokens or test devices; its key
    names were not captured, so it is sent as given. Not idempotent and has no de-duplication
    key, so it is never retried.
    """

    path = "/messaging/v2/notify"
    token = TokenKind.SERVER
    idempotent = False

    segment: Segment | None = attrs.field(default=None, converter=_segment)
    transactional: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)

    def __attrs_post_init__(self) -> None:
        if (self.segment is None) == (self.transactional is None):
            msg = "notify takes exactly one of segment or transactional"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class Cancel(Command[Ack]):
    """Cancel a message that is still pending, scheduled or processing (reply ``{}``).

    A message already sent is a 400, an unknown one a 404, another account's a 403.
    """

    path = "/messaging/v2/cancel"
    token = TokenKind.SERVER

    message_code: str = attrs.field(validator=non_empty)
