"""Presets: saved message templates (``/json/1.3``, server token in the body)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_one, wire
from pushwoosh_async.commands._base import Ack, Command, OpenCommand, OpenResult, TokenKind
from pushwoosh_async.commands._fields import ints, json_object, mapping, non_empty
from pushwoosh_async.commands.messages import LocalizedText
from pushwoosh_async.errors import ValidationError

__all__ = [
    "MAX_SEND_RATE",
    "MIN_SEND_RATE",
    "ActionType",
    "CreatePreset",
    "DeletePreset",
    "GetPreset",
    "ListPresets",
    "Preset",
    "PresetAction",
    "PresetContent",
    "PresetCreated",
    "PresetList",
    "PresetScheduling",
    "PresetSegmentation",
]

MIN_SEND_RATE = 100
MAX_SEND_RATE = 1000


class ActionType(str, enum.Enum):
    """What opening the message does."""

    URL = "url"
    DEEP_LINK = "deepLink"
    RICH_MEDIA = "richMedia"
    OPEN_APP = "openApp"
    """The default."""


def _action_type(value: ActionType | str) -> ActionType:
    try:
        return ActionType(value)
    except ValueError:
        msg = f"action type must be url, deepLink, richMedia or openApp, not {value!r}"
        raise ValidationError(msg) from None


@attrs.frozen(kw_only=True)
class PresetAction:
    """``content.action``: the action type and its options (e.g. ``{"url": ...}``)."""

    type: ActionType = attrs.field(converter=_action_type)
    options: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)


def _action(value: PresetAction | Mapping[str, Any] | None) -> PresetAction | None:
    return None if value is None else structure_one(value, PresetAction)


@attrs.frozen(kw_only=True)
class PresetContent:
    """``content``: texts (a string is the default language), action and custom data.

    ``user_data`` is delivered to the app as ``u``; ``properties`` holds platform-specific
    content.
    """

    message: LocalizedText
    title: LocalizedText | None = None
    subtitle: LocalizedText | None = None
    action: PresetAction | None = attrs.field(default=None, converter=_action)
    user_data: Mapping[str, Any] | list[Any] | None = attrs.field(
        default=None, metadata=wire("userData")
    )
    properties: Mapping[str, Any] | list[Any] | None = None


def _send_rate(_: Any, __: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not MIN_SEND_RATE <= value <= MAX_SEND_RATE:
        msg = f"send_rate must be {MIN_SEND_RATE}..{MAX_SEND_RATE} pushes per second, not {value}"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class PresetScheduling:
    """``scheduling``: throttling in pushes per second (100..1000)."""

    send_rate: int | None = attrs.field(
        default=None, validator=_send_rate, metadata=wire("sendRate")
    )


@attrs.frozen(kw_only=True)
class PresetSegmentation:
    """``segmentation``: the platforms (device type codes, required) and an optional filter name."""

    platforms: tuple[int, ...] = attrs.field(converter=ints, validator=non_empty)
    filter: str | None = None


def _content(value: PresetContent | Mapping[str, Any]) -> PresetContent:
    return structure_one(value, PresetContent)


def _scheduling(value: PresetScheduling | Mapping[str, Any] | None) -> PresetScheduling | None:
    return None if value is None else structure_one(value, PresetScheduling)


def _segmentation(value: PresetSegmentation | Mapping[str, Any]) -> PresetSegmentation:
    return structure_one(value, PresetSegmentation)


@attrs.frozen(kw_only=True)
class PresetCreated(OpenResult):
    """The reply of ``createPreset``.

    The docs' example shows only the envelope, so nothing is required; the preset's code is read
    from ``code`` when the reply carries one. Other reply keys land in ``extra``.
    """

    code: str | None = None


@attrs.frozen(kw_only=True)
class CreatePreset(Command[PresetCreated]):
    """Save a message preset.

    ``application_code`` (wire ``applicationCode``) defaults to the client's application unless
    ``application_group_code`` is given instead; giving both is refused. Not idempotent: a repeat
    saves a second preset, so it is never retried.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/presets-api
    """

    path = "/json/1.3/createPreset"
    token = TokenKind.SERVER
    idempotent = False
    application_key = "applicationCode"
    group_key = "applicationGroupCode"

    name: str = attrs.field(validator=non_empty)
    content: PresetContent = attrs.field(converter=_content)
    segmentation: PresetSegmentation = attrs.field(converter=_segmentation)
    application_code: str | None = attrs.field(default=None, metadata=wire("applicationCode"))
    application_group_code: str | None = attrs.field(
        default=None, metadata=wire("applicationGroupCode")
    )
    campaign_code: str | None = attrs.field(default=None, metadata=wire("campaignCode"))
    scheduling: PresetScheduling | None = attrs.field(default=None, converter=_scheduling)

    def __attrs_post_init__(self) -> None:
        if self.application_code is not None and self.application_group_code is not None:
            msg = "give application_code or application_group_code, not both"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class Preset(OpenResult):
    """A preset as ``getPreset`` returns it.

    The reply was not captured: the fields are assumed to mirror ``createPreset`` and are kept
    as JSON; the data is read from a ``preset`` member if there is one. Other keys (such as
    ``campaignCode``) land in ``extra``.
    """

    code: str | None = None
    name: str | None = None
    application_code: str | None = attrs.field(default=None, metadata=wire("applicationCode"))
    content: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    scheduling: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    segmentation: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The ``preset`` member if the reply has one, else the whole reply."""
        if isinstance(data, Mapping) and isinstance(data.get("preset"), Mapping):
            return data["preset"]
        return data


@attrs.frozen(kw_only=True)
class GetPreset(OpenCommand[Preset]):
    """Read a preset by its code.

    The request is documented; the reply's shape is inferred (see :class:`Preset`).

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/presets-api
    """

    path = "/json/1.3/getPreset"
    token = TokenKind.SERVER

    preset_code: str = attrs.field(validator=non_empty)


def _json_objects(value: Iterable[Mapping[str, Any]] | None) -> tuple[Mapping[str, Any], ...]:
    return () if value is None else tuple(json_object(v) for v in value)


@attrs.frozen(kw_only=True)
class PresetList(OpenResult):
    """The presets of an application, as JSON objects (their shape was not captured).

    Read from a ``presets`` member, or from the reply itself when it is a bare list. Other keys
    land in ``extra``.
    """

    presets: tuple[Mapping[str, Any], ...] = attrs.field(default=(), converter=_json_objects)

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """A bare list is the presets themselves."""
        return {"presets": data} if isinstance(data, list) else data


@attrs.frozen(kw_only=True)
class ListPresets(OpenCommand[PresetList]):
    """List the presets of an application (``application`` defaults to the client's).

    The request is documented; the reply's shape is inferred (see :class:`PresetList`).

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/presets-api
    """

    path = "/json/1.3/listPresets"
    token = TokenKind.SERVER

    application: str | None = None


@attrs.frozen(kw_only=True)
class DeletePreset(OpenCommand[Ack]):
    """Delete a preset.

    Only its name is known (a third-party checklist): ``preset_code`` is inferred from
    ``getPreset`` and the reply is assumed to carry no data; put other keys in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/presets-api
    """

    path = "/json/1.3/deletePreset"
    token = TokenKind.SERVER

    preset_code: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.preset_code is None and not self.extra:
            msg = "give preset_code (or the preset's key in extra)"
            raise ValidationError(msg)
