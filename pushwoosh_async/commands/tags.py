"""Tags: define, list and delete tags (``/json/1.3``, server token in the body)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many, structure_one, wire
from pushwoosh_async.commands._base import (
    Command,
    OpenCommand,
    OpenResult,
    Result,
    StartedJob,
    TokenKind,
)
from pushwoosh_async.commands.audience import DeviceTags
from pushwoosh_async.commands.statistics import SCHEDULED, ScheduledResults
from pushwoosh_async.errors import ValidationError

__all__ = [
    "AddTag",
    "BulkSetTagsLegacy",
    "BulkSetTagsLegacyJob",
    "DeleteTag",
    "ListTags",
    "TagDefinition",
    "TagInfo",
    "TagList",
    "TagRef",
    "TagResult",
    "TagType",
]


class TagType(enum.IntEnum):
    """The value type of a tag (``tag.type``)."""

    INTEGER = 1
    STRING = 2
    LIST = 3
    DATE = 4
    BOOLEAN = 5
    DECIMAL = 6
    VERSION = 7


def _tag_type(value: TagType | int) -> TagType:
    try:
        return TagType(value)
    except ValueError:
        msg = f"tag type must be 1..7 (TagType), not {value!r}"
        raise ValidationError(msg) from None


def _reported_type(value: TagType | int | None) -> TagType | int | None:
    # Lenient on the way in: a type code newer than this library is kept as a plain int.
    try:
        return None if value is None else TagType(value)
    except ValueError:
        return value


def _request_id(_: Any, __: attrs.Attribute[Any], value: str) -> None:
    if not value:
        msg = f"request_id must be a non-empty string, got {value!r}"
        raise ValidationError(msg)


def _tag_name(_: Any, __: attrs.Attribute[Any], value: str) -> None:
    if not value:
        msg = "a tag name must not be empty"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class TagDefinition:
    """A tag to create: its name, value type and scope."""

    name: str = attrs.field(validator=_tag_name)
    type: TagType = attrs.field(converter=_tag_type)
    application_specific: bool | None = None
    """The value differs per application."""
    user_specific: bool | None = None
    """For application-specific tags: the value belongs to the user, not the device."""


@attrs.frozen(kw_only=True)
class TagRef:
    """A tag named by ``deleteTag``."""

    name: str = attrs.field(validator=_tag_name)


def _tag_definition(value: TagDefinition | Mapping[str, Any]) -> TagDefinition:
    return structure_one(value, TagDefinition)


def _tag_ref(value: TagRef | str | Mapping[str, Any]) -> TagRef:
    return TagRef(name=value) if isinstance(value, str) else structure_one(value, TagRef)


@attrs.frozen(kw_only=True)
class TagResult(Result):
    """``{"result": true}``: the tag change was accepted (``result`` is always in the reply)."""

    result: bool


@attrs.frozen(kw_only=True)
class AddTag(Command[TagResult]):
    """Create a tag. The docs say Custom Plan accounts only.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/tags
    """

    path = "/json/1.3/addTag"
    token = TokenKind.SERVER

    tag: TagDefinition = attrs.field(converter=_tag_definition)


@attrs.frozen(kw_only=True)
class DeleteTag(Command[TagResult]):
    """Delete a tag and every value stored under it. ``tag`` may be given as its name.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/tags
    """

    path = "/json/1.3/deleteTag"
    token = TokenKind.SERVER

    tag: TagRef = attrs.field(converter=_tag_ref)


@attrs.frozen(kw_only=True)
class TagInfo:
    """One tag of the account as ``listTags`` reports it."""

    name: str = ""
    type: TagType | int | None = attrs.field(default=None, converter=_reported_type)
    """A :class:`TagType`, or the raw code if it is one this library does not know."""
    application_specific: bool | None = attrs.field(
        default=None, metadata=wire("isApplicationSpecific")
    )


def _tag_infos(value: Iterable[TagInfo | Mapping[str, Any]] | None) -> tuple[TagInfo, ...]:
    return () if value is None else structure_many(value, TagInfo)


@attrs.frozen(kw_only=True)
class TagList(Result):
    """Every tag of the account (``tags`` is always in the reply)."""

    tags: tuple[TagInfo, ...] = attrs.field(converter=_tag_infos)


@attrs.frozen(kw_only=True)
class ListTags(Command[TagList]):
    """List the account's tags with their types.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/tags
    """

    path = "/json/1.3/listTags"
    token = TokenKind.SERVER


def _optional_devices(
    value: Iterable[DeviceTags | Mapping[str, Any]] | None,
) -> tuple[DeviceTags, ...] | None:
    return None if value is None else structure_many(value, DeviceTags)


@attrs.frozen(kw_only=True)
class BulkSetTagsLegacyJob(OpenResult, StartedJob[ScheduledResults]):
    """The job the legacy ``bulkSetTags`` started; its outcome is read with ``getResults``.

    Only ``request_id`` is known, and it is required (an empty one is refused); other reply keys
    land in ``extra``.
    """

    request_id: str = attrs.field(validator=_request_id)


@attrs.frozen(kw_only=True)
class BulkSetTagsLegacy(OpenCommand[BulkSetTagsLegacyJob]):
    """Set tags on many devices through the old v1.3 endpoint (superseded by ``BulkSetTags``).

    Uncertain: only ``application`` was captured from an old docs revision. ``devices`` is
    assumed to take the same entries as the v2 ``BulkSetTags``; anything else goes in ``extra``
    and is sent as given. Not idempotent (``append`` would apply twice), so never retried.
    Inferred: the request beyond ``application`` and the ``request_id`` reply.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/tags
    """

    path = "/json/1.3/bulkSetTags"
    method = "bulkSetTags (legacy v1.3)"
    token = TokenKind.SERVER
    job = SCHEDULED
    idempotent = False

    devices: tuple[DeviceTags, ...] | None = attrs.field(default=None, converter=_optional_devices)
    application: str | None = None
