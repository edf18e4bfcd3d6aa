"""Device API calls the Pushwoosh SDKs make for themselves (device token, in the header).

None of these is in Pushwoosh's docs: names, fields and replies come from the public SDKs (Android,
iOS, Web; each class's ``Source:`` line names the file), so every command takes unknown request
keys in ``extra`` and every result with data keeps unknown reply keys in ``extra``. Nested objects
the SDKs treat as opaque (in-apps, pop-up forms, ``push_devices``) are plain JSON objects here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from pushwoosh_async._converter import wire
from pushwoosh_async.commands._base import Ack, OpenCommand, OpenResult, Result, TokenKind
from pushwoosh_async.commands._fields import json_object, mapping, non_empty, strings
from pushwoosh_async.commands.device import OnDeviceFromClientCode
from pushwoosh_async.errors import ValidationError

__all__ = [
    "Config",
    "GetConfig",
    "GetInApps",
    "GetPopupFormContent",
    "GetPopupForms",
    "InApps",
    "MergeUser",
    "MultiRegisterDevice",
    "PageVisit",
    "PopupFormContent",
    "PopupFormEvent",
    "PopupForms",
    "RecordPopupFormEvent",
    "RegisterSmsNumber",
    "RegisterWhatsappNumber",
    "RichMediaAction",
    "SetMADID",
    "TriggerInAppAction",
]

R = TypeVar("R", bound=Result)


def _objects(value: Iterable[Mapping[str, Any]] | None) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes, Mapping)):
        msg = f"expected a list of JSON objects, got {type(value).__name__}"
        raise ValidationError(msg)
    return tuple(json_object(v) for v in value)


def _optional_objects(
    value: Iterable[Mapping[str, Any]] | None,
) -> tuple[dict[str, Any], ...] | None:
    return None if value is None else _objects(value)


def _feature_names(value: Iterable[str]) -> tuple[str, ...]:
    names = strings(value)
    return () if names is None else names


@attrs.frozen(kw_only=True)
class FromClientCode(OpenCommand[R]):
    """Base of the SDK calls that name no device: the application and the ``extra`` hatch."""

    application: str | None = None


# In-apps and rich media


@attrs.frozen(kw_only=True)
class InApps(OpenResult):
    """The in-app resources a device should hold, as the JSON objects Pushwoosh sends."""

    in_apps: tuple[dict[str, Any], ...] = attrs.field(
        default=(), converter=_objects, metadata=wire("inApps")
    )


@attrs.frozen(kw_only=True)
class GetInApps(OnDeviceFromClientCode[InApps]):
    """Fetch the in-app resources for a device. From SDK code; resource fields are not modelled.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-android-sdk/blob/master/Sources/pushwoosh/src/main/java/com/pushwoosh/inapp/network/GetInAppsRequest.java
    """

    path = "/json/1.3/getInApps"
    token = TokenKind.DEVICE

    language: str | None = None


@attrs.frozen(kw_only=True)
class TriggerInAppAction(OnDeviceFromClientCode[Ack]):
    """Report an in-app action (the SDKs send ``action="show"``). From SDK code.

    Not idempotent: a repeat counts a second display.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-android-sdk/blob/master/Sources/pushwoosh/src/main/java/com/pushwoosh/inapp/network/TriggerInAppActionRequest.java
    """

    path = "/json/1.3/triggerInAppAction"
    token = TokenKind.DEVICE
    idempotent = False

    action: str = attrs.field(default="show", metadata=wire(always=True))
    code: str | None = None
    """The in-app code."""
    message_hash: str | None = attrs.field(default=None, metadata=wire("messageHash"))
    rich_media_code: str | None = attrs.field(default=None, metadata=wire("richMediaCode"))
    timestamp_utc: int | None = attrs.field(default=None, metadata=wire("timestampUTC"))
    timestamp_current: int | None = attrs.field(default=None, metadata=wire("timestampCurrent"))


@attrs.frozen(kw_only=True)
class RichMediaAction(OnDeviceFromClientCode[Ack]):
    """Report a rich media interaction. Not idempotent: a repeat counts twice.

    Fields as the Android and iOS SDKs send them (snake_case on the wire); what the integer
    ``action_type`` values mean is not in SDK code. ``action_attributes`` is a JSON string.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-android-sdk/blob/master/Sources/pushwoosh/src/main/java/com/pushwoosh/inapp/network/RichMediaActionRequest.java
    """

    path = "/json/1.3/richMediaAction"
    token = TokenKind.DEVICE
    idempotent = False

    action_type: int
    rich_media_code: str | None = None
    inapp_code: str | None = None
    message_hash: str | None = None
    action_attributes: str | None = None


@attrs.frozen(kw_only=True)
class SetMADID(OnDeviceFromClientCode[Ack]):
    """Set a device's mobile advertising id; ``madid=None`` sends ``null``.

    Both SDKs post it unwrapped to the Device API v2 path (``/api/v2/device-api/setMADID``) on
    ``https://tracking.svc-nue.pushwoosh.com``; this goes to the client's API host (point a
    client's ``base_url`` at the tracking host if your account needs it).

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-ios-sdk/blob/master/iOS_SDK/Pushwoosh/PushwooshCore/Networking/Requests/Advertising/PWSetAdvertisingIdRequest.m
    """

    path = "/api/v2/device-api/setMADID"
    token = TokenKind.DEVICE

    madid: str | None = attrs.field(metadata=wire(always=True))


# Web SDK: configuration, page visits, pop-up forms


@attrs.frozen(kw_only=True)
class Config(OpenResult):
    """Web SDK settings by feature name.

    Keys seen in the Web SDK: ``page_visit`` (``entrypoint``, ``enabled``), ``vapid_key``,
    ``web_in_apps`` (``enabled``), ``events``, ``subscription_prompt`` (``useCase``).
    """

    features: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)


@attrs.frozen(kw_only=True)
class GetConfig(OnDeviceFromClientCode[Config]):
    """Read the Web SDK configuration of the named features. From Web SDK code.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/getConfig"
    token = TokenKind.DEVICE

    features: tuple[str, ...] = attrs.field(converter=_feature_names, validator=non_empty)


@attrs.frozen(kw_only=True)
class PageVisit(OnDeviceFromClientCode[Ack]):
    """Record a web page visit. Not idempotent: a repeat counts a second visit.

    From Web SDK code, which posts it to the ``page_visit`` ``entrypoint`` that :class:`GetConfig`
    returns; this command goes to the client's API host (point a client's ``base_url`` at the
    entrypoint's host if they differ).

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/pageVisit"
    token = TokenKind.DEVICE
    idempotent = False

    title: str
    url_path: str
    url: str


@attrs.frozen(kw_only=True)
class PopupForms(OpenResult):
    """The web pop-up forms of an application, as the JSON objects Pushwoosh sends."""

    popup_forms: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_objects)


@attrs.frozen(kw_only=True)
class GetPopupForms(OnDeviceFromClientCode[PopupForms]):
    """List the web pop-up forms for a device. From Web SDK code; form fields are not modelled.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/getPopupForms"
    token = TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class PopupFormContent(OpenResult):
    """One pop-up form: its code, its definition as a JSON string, and its HTML if any."""

    code: str | None = None
    json: str | None = None
    html: str | None = None


@attrs.frozen(kw_only=True)
class GetPopupFormContent(OnDeviceFromClientCode[PopupFormContent]):
    """Read one web pop-up form by code. From Web SDK code.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/getPopupFormContent"
    token = TokenKind.DEVICE

    code: str = attrs.field(validator=non_empty)


class PopupFormEvent(enum.IntEnum):
    """What ``recordPopupFormEvent`` reports (values from Web SDK code)."""

    VISIT = 1
    IMPRESSION = 2


def _popup_event(value: PopupFormEvent | int) -> PopupFormEvent:
    try:
        return PopupFormEvent(value)
    except ValueError:
        msg = f"event must be 1 (visit) or 2 (impression), got {value!r}"
        raise ValidationError(msg) from None


@attrs.frozen(kw_only=True)
class RecordPopupFormEvent(OnDeviceFromClientCode[Ack]):
    """Record a pop-up form visit or impression. From Web SDK code. Not idempotent.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/recordPopupFormEvent"
    token = TokenKind.DEVICE
    idempotent = False

    code: str = attrs.field(validator=non_empty)
    event: PopupFormEvent = attrs.field(converter=_popup_event)


# Users and channels


@attrs.frozen(kw_only=True)
class MergeUser(FromClientCode[Ack]):
    """Move ``old_user_id``'s devices to ``new_user_id`` (Android SDK).

    From SDK code: ``merge=True`` is read as "merge the old user's events and tags into the new
    one", ``False`` as "drop them"; ``ts`` is what both SDKs send: the Unix time plus the device's
    UTC offset (local time as a timestamp).

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-android-sdk/blob/master/Sources/pushwoosh/src/main/java/com/pushwoosh/inapp/network/MergeUserRequest.java
    """

    path = "/json/1.3/mergeUser"
    token = TokenKind.DEVICE

    old_user_id: str = attrs.field(validator=non_empty, metadata=wire("oldUserId"))
    new_user_id: str = attrs.field(validator=non_empty, metadata=wire("newUserId"))
    merge: bool
    ts: int | None = None


@attrs.frozen(kw_only=True)
class RegisterNumber(FromClientCode[Ack]):
    """Base of the phone-number registrations: the E.164 number, optional user and offset.

    ``ts_offset`` is spelled so in SDK code (probably the timezone offset, in seconds).
    """

    number: str = attrs.field(validator=non_empty)
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    ts_offset: int | None = None


@attrs.frozen(kw_only=True)
class RegisterSmsNumber(RegisterNumber):
    """Register a phone number for SMS.

    From SDK code: the Web SDK types the request (``number``, ``userId``, ``ts_offset``) but itself
    registers numbers with ``registerDevice`` and ``device_type`` 18, the documented way.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/registerSmsNumber"
    token = TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class RegisterWhatsappNumber(RegisterNumber):
    """Register a phone number for WhatsApp.

    From SDK code: the Web SDK types the request but itself registers numbers with
    ``registerDevice`` and ``device_type`` 21, the documented way; it accepts an optional
    ``whatsapp:`` prefix on the number.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/ApiClient/ApiClient.types.ts
    """

    path = "/json/1.3/registerWhatsappNumber"
    token = TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class MultiRegisterDevice(FromClientCode[Ack]):
    """Register several channels of one user in one call. From SDK code.

    Note ``user_id`` is snake_case on the wire here and ``timezone`` a string (the Web SDK sends
    the UTC offset in seconds, as text). Each ``tags`` value is an operation object,
    ``{"operation": 0-3, "value": ..., "values": [...]}`` (0 set, 1 append, 2 remove,
    3 increment); a ``push_devices`` entry is ``{"hwid", "platform", "push_token", "app_version",
    "os_version", "sdk_version", "platformData"}``. Both are passed as JSON objects.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications/blob/master/src/modules/Api/Api.types.ts
    """

    path = "/json/1.3/multiRegisterDevice"
    token = TokenKind.DEVICE

    user_id: str | None = None
    email: str | None = None
    sms_phone_number: str | None = None
    whatsapp_phone_number: str | None = None
    kakao_phone_number: str | None = None
    line_token: str | None = None
    telegram_user_id: str | None = None
    language: str | None = None
    timezone: str | None = None
    city: str | None = None
    country: str | None = None
    state: str | None = None
    tags: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    push_devices: tuple[dict[str, Any], ...] | None = attrs.field(
        default=None, converter=_optional_objects
    )
