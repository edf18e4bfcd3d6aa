"""Device API: register devices and read or write their tags (device token, in the header)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import wire
from pushwoosh_async.commands._base import Ack, Command, Result, TokenKind
from pushwoosh_async.commands._fields import json_object, mapping
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import ValidationError

__all__ = ["GetTags", "RegisterDevice", "SetTags", "Tags"]


def _device_type(value: DeviceType | int) -> int:
    return int(value)


def _optional_device_type(value: DeviceType | int | None) -> int | None:
    return None if value is None else int(value)


def _one_identity(hwid: str | None, user_id: str | None) -> None:
    if (hwid is None) == (user_id is None):
        msg = "give exactly one of hwid or user_id"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class RegisterDevice(Command[Ack]):
    """Register a device (or an email, SMS or WhatsApp address) with an application.

    For SMS, ``hwid`` is the E.164 number and ``device_type`` 18; for WhatsApp, ``hwid`` is
    ``whatsapp:+<E.164>`` and ``device_type`` 21; neither needs a ``push_token``.
    """

    path = "/json/1.3/registerDevice"
    token = TokenKind.DEVICE
    result_type = Ack

    hwid: str
    device_type: int = attrs.field(converter=_device_type)
    push_token: str | None = None
    application: str | None = None
    language: str | None = None
    """ISO 639-1, lowercase."""
    timezone: int | None = None
    """Offset from UTC in seconds."""
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    email: str | None = None
    tags: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    idfa: str | None = None
    app_version: str | None = None
    device_model: str | None = None
    os_version: str | None = None
    public_key: str | None = None
    """Web push subscription key."""
    auth_token: str | None = None
    """Web push subscription secret (not an API token)."""
    fcm_token: str | None = None
    fcm_push_set: str | None = None


@attrs.frozen(kw_only=True)
class SetTags(Command[Ack]):
    """Set tag values on one device. Queued by Pushwoosh: values show up seconds later.

    The docs name ``hwid``; some revisions also accept ``userId`` instead (unconfirmed). For 50 or
    more devices use ``BulkSetTags``.
    """

    path = "/json/1.3/setTags"
    token = TokenKind.DEVICE
    result_type = Ack

    tags: Mapping[str, Any] = attrs.field(converter=json_object)
    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    application: str | None = None
    device_type: int | None = attrs.field(default=None, converter=_optional_device_type)

    def __attrs_post_init__(self) -> None:
        _one_identity(self.hwid, self.user_id)


@attrs.frozen(kw_only=True)
class Tags(Result):
    """Tag values of a device or user, by tag name."""

    values: Mapping[str, Any] = attrs.field(factory=dict, metadata=wire("result"))


@attrs.frozen(kw_only=True)
class GetTags(Command[Tags]):
    """Read the tag values of a device (``hwid``) or a user (``user_id``)."""

    path = "/json/1.3/getTags"
    token = TokenKind.DEVICE
    result_type = Tags

    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    application: str | None = None

    def __attrs_post_init__(self) -> None:
        _one_identity(self.hwid, self.user_id)
