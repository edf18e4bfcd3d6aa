"""Device API: register and remove devices and users, tags, events, SDK reports (device token).

Methods whose ``Source:`` line says ``SDK code`` are known only from Pushwoosh's own SDKs, not from
its docs: they take unknown request keys in ``extra``, and their results keep unknown reply keys in
``extra``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from pushwoosh_async._converter import wire
from pushwoosh_async.commands._base import Ack, Command, OpenResult, Result, TokenKind
from pushwoosh_async.commands._fields import extra_field, json_object, mapping, non_empty
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import ValidationError

__all__ = [
    "Accepted",
    "ApplicationOpen",
    "ApplicationOpened",
    "CheckDevice",
    "DeleteDevice",
    "DeleteUser",
    "DeviceStatus",
    "EventHit",
    "GetTags",
    "MessageDeliveryEvent",
    "PostEvent",
    "PushStat",
    "RegisterDevice",
    "RegisterUser",
    "SetBadge",
    "SetPurchase",
    "SetTags",
    "Tags",
    "UnregisterDevice",
]

R = TypeVar("R", bound=Result)


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

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/device-api
    """

    path = "/json/1.3/registerDevice"
    token = TokenKind.DEVICE

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

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/device-api
    """

    path = "/json/1.3/setTags"
    token = TokenKind.DEVICE

    tags: Mapping[str, Any] = attrs.field(converter=json_object)
    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    application: str | None = None
    device_type: int | None = attrs.field(default=None, converter=_optional_device_type)

    def __attrs_post_init__(self) -> None:
        _one_identity(self.hwid, self.user_id)


@attrs.frozen(kw_only=True)
class Tags(Result):
    """Tag values of a device or user, by tag name (the reply's ``result``, always present)."""

    values: Mapping[str, Any] = attrs.field(converter=json_object, metadata=wire("result"))


@attrs.frozen(kw_only=True)
class GetTags(Command[Tags]):
    """Read the tag values of a device (``hwid``) or a user (``user_id``).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/device-api
    """

    path = "/json/1.3/getTags"
    token = TokenKind.DEVICE

    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    application: str | None = None

    def __attrs_post_init__(self) -> None:
        _one_identity(self.hwid, self.user_id)


# Shared shapes. Most device calls name one registered device (``hwid``) of an application; the
# ones known only from client code also take unknown keys in ``extra``.


@attrs.frozen(kw_only=True)
class OnDevice(Command[R]):
    """Base of calls about one registered device: its ``hwid`` and the application."""

    hwid: str = attrs.field(validator=non_empty)
    application: str | None = None


@attrs.frozen(kw_only=True)
class OnDeviceFromClientCode(OnDevice[R]):
    """Base of device calls known only from SDK/client code: unknown keys go in ``extra``."""

    extra: Mapping[str, Any] = extra_field()
    """Wire keys sent as given, after every modelled field (the escape hatch)."""


@attrs.frozen(kw_only=True)
class UnregisterDevice(OnDevice[Ack]):
    """Remove a device's push token. The device still counts in Total Devices and gets in-apps.

    For email addresses use ``deleteEmail``; to remove a user entirely use :class:`DeleteUser`.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/device-api
    """

    path = "/json/1.3/unregisterDevice"
    token = TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class SetBadge(OnDeviceFromClientCode[Ack]):
    """Tell Pushwoosh a device's current badge, so server-side badge increments stay in sync (iOS).

    The wire field is ``badge`` (an integer, always sent): Pushwoosh's own iOS SDK sends that key.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-phonegap-plugin/blob/master/src/ios/PWSendBadgeRequest.m
    """

    path = "/json/1.3/setBadge"
    token = TokenKind.DEVICE

    badge: int


@attrs.frozen(kw_only=True)
class ApplicationOpened(OpenResult):
    """Reply to ``applicationOpen``: usually no data; any keys a reply carries land in ``extra``."""


@attrs.frozen(kw_only=True)
class ApplicationOpen(OnDeviceFromClientCode[ApplicationOpened]):
    """Record an app open; the first one creates the device record (no push token yet).

    The SDKs also send the app package as ``package`` or ``android_package`` (which one is
    unclear): pass it in ``extra``. The reply is ``null`` or an undocumented object. Not
    idempotent: a repeat counts a second open.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-ios-sdk/blob/master/iOS_SDK/Pushwoosh/Pushwoosh/Network/Requests/Statistics/PWAppOpenRequest.m
    """

    path = "/json/1.3/applicationOpen"
    token = TokenKind.DEVICE
    idempotent = False

    device_type: int = attrs.field(converter=_device_type)
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    language: str | None = None
    timezone: int | None = None
    """Offset from UTC in seconds."""
    app_version: str | None = None
    os_version: str | None = None
    device_model: str | None = None
    notification_types: int | None = attrs.field(default=None, metadata=wire("notificationTypes"))
    """Notification permission bitmask."""
    sdk_version: str | None = attrs.field(default=None, metadata=wire("v"))


@attrs.frozen(kw_only=True)
class PushReport(OnDeviceFromClientCode[Ack]):
    """Base of the push statistics reports: the message and optional metadata."""

    hash: str = attrs.field(validator=non_empty)
    """The message hash from the push payload."""
    meta_data: Mapping[str, Any] | None = attrs.field(
        default=None, converter=mapping, metadata=wire("metaData")
    )


@attrs.frozen(kw_only=True)
class PushStat(PushReport):
    """Record that a push was opened. Not idempotent: a repeat counts twice.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-ios-sdk/blob/master/iOS_SDK/Pushwoosh/Pushwoosh/Network/Requests/Statistics/Push%20Tracking/Push%20Stat/PWPushStatRequest.m
    """

    path = "/json/1.3/pushStat"
    token = TokenKind.DEVICE
    idempotent = False


@attrs.frozen(kw_only=True)
class MessageDeliveryEvent(PushReport):
    """Record that a push was delivered. Not idempotent: a repeat counts twice.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-ios-sdk
    """

    path = "/json/1.3/messageDeliveryEvent"
    token = TokenKind.DEVICE
    idempotent = False


@attrs.frozen(kw_only=True)
class SetPurchase(OnDeviceFromClientCode[Ack]):
    """Record an in-app purchase (the ``transactionDate`` format is not known).

    Not idempotent: a repeat records a second purchase.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications
    """

    path = "/json/1.3/setPurchase"
    token = TokenKind.DEVICE
    idempotent = False

    transaction_date: str = attrs.field(metadata=wire("transactionDate"))
    quantity: int
    currency: str
    product_identifier: str = attrs.field(metadata=wire("productIdentifier"))
    price: float


@attrs.frozen(kw_only=True)
class DeviceStatus(OpenResult):
    """Whether Pushwoosh knows a device, and whether it has a push token for it."""

    exist: bool | None = None
    push_token_exist: bool | None = None


@attrs.frozen(kw_only=True)
class CheckDevice(OnDeviceFromClientCode[DeviceStatus]):
    """Check whether a device is registered.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications
    """

    path = "/json/1.3/checkDevice"
    token = TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class DeleteDevice(OnDeviceFromClientCode[Ack]):
    """Delete a device record. Labelled internal in the SDK and liable to change.

    For GDPR-style deletion prefer :class:`DeleteUser`.

    Source: SDK code, https://github.com/Pushwoosh/web-push-notifications
    """

    path = "/json/1.3/deleteDevice"
    token = TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class RegisterUser(OnDevice[Ack]):
    """Link a device to a User ID (the hwid is used when ``user_id`` is unset).

    May be called before the device has a push token. For emails use ``registerEmailUser``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/user-centric-api
    """

    path = "/json/1.3/registerUser"
    token = TokenKind.DEVICE

    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    tz_offset: int | None = None
    """Offset from UTC in seconds."""
    device_type: int | None = attrs.field(default=None, converter=_optional_device_type)


@attrs.frozen(kw_only=True)
class Accepted(OpenResult):
    """HTTP 200 from a call that runs in the background with nothing to poll.

    The reply body is undocumented: the keys of a JSON object are kept in ``extra``, anything else
    is ignored.
    """

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The reply when it is a JSON object, else nothing."""
        return data if isinstance(data, Mapping) else None


@attrs.frozen(kw_only=True)
class DeleteUser(Command[Accepted]):
    """Delete a user and every linked device, email and phone number; drop them from journeys.

    Asynchronous: success means "accepted" (HTTP 200). The page gives a ``Token`` device-token
    header, ``Content-Type: application/json`` and a bare body (``application``, ``user_id``). An
    email as ``user_id`` works only if it is the User ID.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/user-centric-api
    """

    path = "/api/v2/device-api/deleteUser"
    token = TokenKind.DEVICE

    user_id: str = attrs.field(validator=non_empty)
    application: str | None = None


@attrs.frozen(kw_only=True)
class EventHit(Result):
    """The hit ``postEvent`` recorded: its code (e.g. ``61BC9-84DD0``), always in the reply."""

    code: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class PostEvent(Command[EventHit]):
    """Post an event (as created in the Control Panel) for a device, a user, or both.

    ``hwid`` is what lets the user enter Customer Journeys; ``attributes`` is always sent, ``{}``
    when empty. Not idempotent: a repeat posts a second hit (and may trigger journeys again).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/user-centric-api
    """

    path = "/json/1.3/postEvent"
    token = TokenKind.DEVICE
    idempotent = False

    event: str = attrs.field(validator=non_empty)
    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    attributes: Mapping[str, Any] = attrs.field(
        factory=dict, converter=json_object, metadata=wire(always=True)
    )
    timestamp_utc: int | None = attrs.field(default=None, metadata=wire("timestampUTC"))
    """Unix time of the event."""
    timestamp_current: int | None = attrs.field(default=None, metadata=wire("timestampCurrent"))
    """The event's local time, as a Unix timestamp."""
    device_type: int | None = attrs.field(default=None, converter=_optional_device_type)
    application: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.hwid is None and self.user_id is None:
            msg = "give hwid, user_id or both"
            raise ValidationError(msg)
