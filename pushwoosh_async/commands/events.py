"""Events: define custom events (``/json/1.3``, server token in the body)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import Command, Result, TokenKind
from pushwoosh_async.errors import ValidationError

__all__ = [
    "MAX_ATTRIBUTE_NAME",
    "MAX_DESCRIPTION",
    "MAX_NAME",
    "CreateEvent",
    "EventAttribute",
    "EventAttributeType",
    "EventCreated",
]

MAX_NAME: Final = 32
MAX_DESCRIPTION: Final = 64
MAX_ATTRIBUTE_NAME: Final = 64


def _bounded(limit: int) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is None:
            return
        if attribute.name != "description" and not value:
            msg = f"{attribute.name} must not be empty"
            raise ValidationError(msg)
        if len(value) > limit:
            msg = f"{attribute.name} is {len(value)} characters; the limit is {limit}"
            raise ValidationError(msg)

    return check


class EventAttributeType(enum.IntEnum):
    """The value type of an event attribute."""

    INTEGER = 1
    STRING = 2
    LIST = 3
    DATE = 4
    BOOLEAN = 5
    PRICE = 6


def _attribute_type(value: EventAttributeType | int) -> EventAttributeType:
    try:
        return EventAttributeType(value)
    except ValueError:
        msg = f"event attribute type must be 1..6 (EventAttributeType), not {value!r}"
        raise ValidationError(msg) from None


@attrs.frozen(kw_only=True)
class EventAttribute:
    """One attribute of an event: its name (at most 64 characters) and value type."""

    name: str = attrs.field(validator=_bounded(MAX_ATTRIBUTE_NAME))
    type: EventAttributeType = attrs.field(converter=_attribute_type)


def _attributes(
    value: Iterable[EventAttribute | Mapping[str, Any]] | None,
) -> tuple[EventAttribute, ...] | None:
    return None if value is None else structure_many(value, EventAttribute)


@attrs.frozen(kw_only=True)
class EventCreated(Result):
    """The id of the created event (always in the reply)."""

    event: int


@attrs.frozen(kw_only=True)
class CreateEvent(Command[EventCreated]):
    """Define a custom event: ``name`` at most 32 characters, ``description`` at most 64.

    ``application`` defaults to the client's. A 403 means e.g. the account's events limit is
    reached.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/events
    """

    path = "/json/1.3/createEvent"
    token = TokenKind.SERVER

    name: str = attrs.field(validator=_bounded(MAX_NAME))
    description: str | None = attrs.field(default=None, validator=_bounded(MAX_DESCRIPTION))
    event_attributes: tuple[EventAttribute, ...] | None = attrs.field(
        default=None, converter=_attributes, metadata=wire("eventAttributes")
    )
    track_revenue: bool | None = attrs.field(default=None, metadata=wire("trackRevenue"))
    application: str | None = None
