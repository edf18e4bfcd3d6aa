"""Messaging API v2: send and cancel messages (``/messaging/v2``, unwrapped, server token header).

The API is gRPC-Gateway JSON: snake_case names, enums as their string names, and each "one of"
group is an object with exactly one of its keys set.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_one, wire
from pushwoosh_async.commands._base import Ack, Command, OpenObject, OpenResult, TokenKind
from pushwoosh_async.commands._fields import mapping, non_empty, strings
from pushwoosh_async.errors import ValidationError

__all__ = [
    "Cancel",
    "MessageType",
    "Notify",
    "NotifyResult",
    "Payload",
    "Recipients",
    "Schedule",
    "Segment",
    "Transactional",
]


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


def _at_most_one(owner: str, **given: object) -> None:
    names = [name for name, value in given.items() if value is not None]
    if len(names) > 1:
        msg = f"{owner} takes at most one of {', '.join(given)}, got {', '.join(names)}"
        raise ValidationError(msg)


def _rfc3339(value: dt.datetime | str | None) -> str | None:
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _duration(value: dt.timedelta | float | str | None) -> str | None:
    """A protobuf JSON duration: seconds with an ``s`` suffix (``"90s"``, ``"1.5s"``)."""
    if value is None or isinstance(value, str):
        return value
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    if seconds < 0:
        msg = f"a schedule delay cannot be negative, got {seconds:g} s"
        raise ValidationError(msg)
    return f"{seconds:g}s"


@attrs.frozen(kw_only=True)
class Schedule(OpenObject):
    """When to send: at a time (``at``) or after a delay (``after``), at most one of them.

    ``at`` is an RFC 3339 time (a naive datetime is read as UTC); ``after`` a delay from now,
    a ``timedelta`` or seconds, sent as a protobuf duration (``"90s"``). Neither: send now. The
    page lists ``schedule`` as "when and how to send" without its members; ``at`` is in its
    examples and ``after`` in public client code, so other keys (user time zone, optimal time)
    go in ``extra`` as the page names them.
    """

    at: str | None = attrs.field(default=None, converter=_rfc3339)
    after: str | None = attrs.field(default=None, converter=_duration)

    def __attrs_post_init__(self) -> None:
        _at_most_one("a schedule", at=self.at, after=self.after)


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


def _recipients(value: Recipients | Mapping[str, Any] | Iterable[str] | None) -> Recipients | None:
    if value is None or isinstance(value, Recipients):
        return value
    if isinstance(value, Mapping):
        return structure_one(value, Recipients)
    return Recipients(ids=value)


def _listed(value: Iterable[str]) -> tuple[str, ...]:
    ids = strings(value)
    if not ids:
        msg = "a recipient list must not be empty: it would target nobody"
        raise ValidationError(msg)
    return ids


@attrs.frozen(kw_only=True)
class Recipients:
    """An explicit recipient list, ``{"list": [...]}`` on the wire; a plain list is accepted."""

    ids: tuple[str, ...] = attrs.field(converter=_listed, metadata=wire("list"))


@attrs.frozen(kw_only=True)
class Transactional(OpenObject):
    """Send to an explicit list: exactly one of ``hwids``, ``users`` or ``push_tokens``.

    Each is a list of ids, sent as ``{"list": [...]}``. ``return_unknown_identifiers`` asks for
    the ids Pushwoosh does not know in the reply; ``use_latest_user_device`` sends a user's
    message to their latest device only. The other members are a segment's (``payload`` or
    ``email_payload``, ``schedule``, ``message_type``, ...). The page names this kind but not its
    members: they are from public client code, and anything else (e.g. ``test_devices``) goes in
    ``extra``; a ``test_devices`` key there stands in for the three lists.
    """

    schedule: Schedule = attrs.field(converter=_schedule)
    application: str | None = None
    platforms: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    hwids: Recipients | None = attrs.field(default=None, converter=_recipients)
    users: Recipients | None = attrs.field(default=None, converter=_recipients)
    push_tokens: Recipients | None = attrs.field(default=None, converter=_recipients)
    payload: Payload | None = attrs.field(default=None, converter=_payload)
    email_payload: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    campaign: str | None = None
    message_type: MessageType | str | None = attrs.field(default=None, converter=_message_type)
    dynamic_content_placeholders: Mapping[str, str] | None = attrs.field(
        default=None, converter=mapping
    )
    meta_data: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    return_unknown_identifiers: bool | None = None
    use_latest_user_device: bool | None = None

    def __attrs_post_init__(self) -> None:
        lists = {"hwids": self.hwids, "users": self.users, "push_tokens": self.push_tokens}
        _at_most_one("a transactional message", **lists)
        if all(v is None for v in lists.values()) and "test_devices" not in self.extra:
            msg = "a transactional message needs hwids, users or push_tokens"
            raise ValidationError(msg)
        _at_most_one(
            "a transactional message", payload=self.payload, email_payload=self.email_payload
        )


def _transactional(value: Transactional | Mapping[str, Any] | None) -> Transactional | None:
    return None if value is None else structure_one(value, Transactional)


@attrs.frozen(kw_only=True)
class NotifyResult(OpenResult):
    """The code of the new message (``result.message_code``), which :class:`Cancel` takes.

    A reply without a code is a ``DecodeError``. Other keys of ``result`` (e.g. the
    ``unknown_identifiers`` a transactional send may ask for) land in ``extra``.
    """

    message_code: str = attrs.field(validator=non_empty)

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The reply's ``result`` object."""
        if isinstance(data, Mapping) and isinstance(data.get("result"), Mapping):
            return data["result"]
        return data


@attrs.frozen(kw_only=True)
class Notify(Command[NotifyResult]):
    """Send a message to a ``segment`` or to an explicit ``transactional`` list (exactly one).

    Not idempotent and has no de-duplication key, so it is never retried. The members of
    ``transactional`` and ``schedule.after`` are inferred from public client code; the page
    documents the segment kind.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/messaging-api-v2/notify/
    """

    path = "/messaging/v2/notify"
    token = TokenKind.SERVER
    idempotent = False

    segment: Segment | None = attrs.field(default=None, converter=_segment)
    transactional: Transactional | None = attrs.field(default=None, converter=_transactional)

    def __attrs_post_init__(self) -> None:
        if (self.segment is None) == (self.transactional is None):
            msg = "notify takes exactly one of segment or transactional"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class Cancel(Command[Ack]):
    """Cancel a message that is still pending, waiting (scheduled) or processing (reply ``{}``).

    A message past those states is a 400, an unknown one a 404, another account's a 403.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/messaging-api-v2/cancel/
    """

    path = "/messaging/v2/cancel"
    token = TokenKind.SERVER

    message_code: str = attrs.field(validator=non_empty)
