"""iOS Live Activities: start one and update or end it (``/json/1.3``, server token in the body).

Both methods take a ``notifications`` list like ``createMessage``; each notification carries a
``live_activity`` block (the ActivityKit payload: ``content-state``, ``attributes-type``,
``attributes``, ``event``, ``dismissal-date``) and the ``live_activity_id`` you chose when
starting it, which later updates name. The reply is ``createMessage``'s: one code per
notification in ``Messages``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many, structure_one, wire
from pushwoosh_async.commands._base import Command, OpenObject, Result, TokenKind
from pushwoosh_async.commands._fields import mapping, non_empty, strings
from pushwoosh_async.commands.messages import MAX_RECIPIENTS
from pushwoosh_async.errors import ValidationError

__all__ = [
    "LiveActivity",
    "LiveActivityEvent",
    "LiveActivityResult",
    "LiveActivityStart",
    "LiveActivityUpdate",
    "StartLiveActivity",
    "UpdateLiveActivity",
]


class LiveActivityEvent(str, enum.Enum):
    """What a ``live_activity`` block does (raw strings are accepted too)."""

    START = "start"
    UPDATE = "update"
    END = "end"


def _event(value: LiveActivityEvent | str | None) -> LiveActivityEvent | str | None:
    try:
        return None if value is None else LiveActivityEvent(value)
    except ValueError:
        return value


@attrs.frozen(kw_only=True)
class LiveActivity(OpenObject):
    """The ActivityKit payload, under its wire names (``content-state``, ``dismissal-date``).

    ``content_state`` must match your app's ``ActivityAttributes.ContentState``;
    ``attributes_type`` and ``attributes`` are needed to start one, ``event`` (``update`` or
    ``end``) to change one; ``dismissal_date`` (Unix seconds) says when an ended activity leaves
    the screen. Other ActivityKit keys go in ``extra``.
    """

    content_state: Mapping[str, Any] = attrs.field(
        converter=mapping, metadata=wire("content-state")
    )
    event: LiveActivityEvent | str | None = attrs.field(default=None, converter=_event)
    title: str | None = None
    attributes_type: str | None = attrs.field(default=None, metadata=wire("attributes-type"))
    attributes: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    dismissal_date: int | None = attrs.field(default=None, metadata=wire("dismissal-date"))


def _live_activity(value: LiveActivity | Mapping[str, Any]) -> LiveActivity:
    return structure_one(value, LiveActivity)


def _optional_activity(value: LiveActivity | Mapping[str, Any] | None) -> LiveActivity | None:
    return None if value is None else structure_one(value, LiveActivity)


def _recipients(value: Iterable[str] | None) -> tuple[str, ...] | None:
    listed = strings(value)
    if listed is not None and not 0 < len(listed) <= MAX_RECIPIENTS:
        msg = f"a Live Activity lists 1 to {MAX_RECIPIENTS} recipients, got {len(listed)}"
        raise ValidationError(msg)
    return listed


@attrs.frozen(kw_only=True)
class LiveActivityStart(OpenObject):
    """One Live Activity to start, on ``devices`` (push tokens or hwids), ``users`` or a filter.

    ``content`` is the fallback text for iOS before 16.1. The current page names the filter
    ``filter``; an older version of it ``filter_code``: both are accepted. Other keys go in
    ``extra``.
    """

    live_activity: LiveActivity = attrs.field(converter=_live_activity)
    live_activity_id: str = attrs.field(validator=non_empty)
    content: str | None = None
    title: str | None = None
    filter: str | None = None
    filter_code: str | None = None
    devices: tuple[str, ...] | None = attrs.field(default=None, converter=_recipients)
    users: tuple[str, ...] | None = attrs.field(default=None, converter=_recipients)


@attrs.frozen(kw_only=True)
class LiveActivityUpdate(OpenObject):
    """An update (or the end) of the Live Activity ``live_activity_id``.

    ``live_activity.event`` is ``update`` or ``end``. An older version of the page names the
    block ``ios_live_activity`` and addresses the activity by its ``live_activity_push_tokens``
    instead of its id: give one block and one of the two targets.
    """

    live_activity: LiveActivity | None = attrs.field(default=None, converter=_optional_activity)
    ios_live_activity: LiveActivity | None = attrs.field(default=None, converter=_optional_activity)
    live_activity_id: str | None = None
    live_activity_push_tokens: tuple[str, ...] | None = attrs.field(
        default=None, converter=_recipients
    )

    def __attrs_post_init__(self) -> None:
        if (self.live_activity is None) == (self.ios_live_activity is None):
            msg = "a Live Activity update takes one of live_activity or ios_live_activity"
            raise ValidationError(msg)
        if self.live_activity_id is None and self.live_activity_push_tokens is None:
            msg = "a Live Activity update needs live_activity_id or live_activity_push_tokens"
            raise ValidationError(msg)


def _starts(
    value: Iterable[LiveActivityStart | Mapping[str, Any]],
) -> tuple[LiveActivityStart, ...]:
    return structure_many(value, LiveActivityStart)


def _updates(
    value: Iterable[LiveActivityUpdate | Mapping[str, Any]],
) -> tuple[LiveActivityUpdate, ...]:
    return structure_many(value, LiveActivityUpdate)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    codes = strings(value)
    return () if codes is None else codes


@attrs.frozen(kw_only=True)
class LiveActivityResult(Result):
    """The message codes (``Messages``), one per notification; a reply without them is refused."""

    message_codes: tuple[str, ...] = attrs.field(converter=_codes, metadata=wire("Messages"))


@attrs.frozen(kw_only=True)
class StartLiveActivity(Command[LiveActivityResult]):
    """Start iOS Live Activities. Not idempotent (no de-duplication key), so never retried.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/ios-live-activities-api
    """

    path = "/json/1.3/startLiveActivity"
    token = TokenKind.SERVER
    idempotent = False

    notifications: tuple[LiveActivityStart, ...] = attrs.field(
        converter=_starts, validator=non_empty
    )
    application: str | None = None


@attrs.frozen(kw_only=True)
class UpdateLiveActivity(Command[LiveActivityResult]):
    """Update or end running iOS Live Activities. Not idempotent, so never retried.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/ios-live-activities-api
    """

    path = "/json/1.3/updateLiveActivity"
    token = TokenKind.SERVER
    idempotent = False

    notifications: tuple[LiveActivityUpdate, ...] = attrs.field(
        converter=_updates, validator=non_empty
    )
    application: str | None = None
