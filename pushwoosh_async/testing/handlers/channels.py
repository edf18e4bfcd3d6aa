"""SMS, WhatsApp and Kakao (v1.3): each notification is recorded as a message of its channel.

SMS and WhatsApp take one recipient per request (a 210 otherwise); ``use_auto_registration``
registers an unknown number as a device of the channel's :data:`DEVICE_TYPES` entry (the fake's
choice of type codes). Kakao refuses ``platforms``, ``filter``, ``filter_code`` and
``conditions``, as its page says.
"""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Device
from pushwoosh_async.testing.handlers.messages import notifications_of
from pushwoosh_async.testing.handlers.outbox import Audience, is_future, record
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["DEVICE_TYPES", "HANDLERS", "send_on_channel"]

DEVICE_TYPES: Final = {"sms": 18, "whatsapp": 21, "kakao": 22}
"""The ``device_type`` the fake registers a channel's auto-registered recipient with."""
_KAKAO_FORBIDDEN: Final = ("platforms", "filter", "filter_code", "conditions")


def send_on_channel(call: Request, channel: str, method: str) -> dict[str, Any]:
    """Record each notification as a ``channel`` message; reply with their codes."""
    application = call.application()
    notifications = notifications_of(call)
    for notification in notifications:
        _check(call, channel, notification)
    codes = []
    for notification in notifications:
        if notification.get("use_auto_registration"):
            _register(call, application, channel, notification)
        message, _ = record(
            call,
            channel=channel,
            method=method,
            application=application,
            notification=notification,
            audience=Audience(
                tuple(call.identifiers("devices", notification)),
                tuple(call.identifiers("users", notification)),
            ),
            scheduled=is_future(notification.get("send_date", "now")),
            of_type=(DEVICE_TYPES[channel],),
        )
        codes.append(message.code)
    return {"Messages": codes}


def _check(call: Request, channel: str, notification: dict[str, Any]) -> None:
    devices = call.identifiers("devices", notification)
    if channel in ("sms", "whatsapp") and len(devices) != 1:
        raise Refusal(210, "Only one phone number can be specified in devices")
    if channel == "sms" and "content" not in notification and "preset" not in notification:
        raise Refusal(210, "Content is empty")
    if channel == "whatsapp" and not ({"content", "content_id"} & notification.keys()):
        raise Refusal(210, "content or content_id is required")
    if channel == "kakao":
        if not notification.get("template"):
            raise Refusal(210, 'Invalid or missing "template"')
        if not devices and not call.identifiers("users", notification):
            raise Refusal(210, "devices or users is required")
        for name in _KAKAO_FORBIDDEN:
            if name in notification:
                raise Refusal(210, f'"{name}" is not allowed for Kakao messages')


def _register(call: Request, application: str, channel: str, notification: dict[str, Any]) -> None:
    for number in call.identifiers("devices", notification):
        if call.account.device(application, number) is None:
            device = Device(application, number, DEVICE_TYPES[channel])
            call.account.devices[application, number] = device


def create_sms_message(call: Request) -> dict[str, Any]:
    """One SMS to one number."""
    return send_on_channel(call, "sms", "createSMSMessage")


def create_whatsapp_message(call: Request) -> dict[str, Any]:
    """One WhatsApp message to one number."""
    return send_on_channel(call, "whatsapp", "createWhatsAppMessage")


def create_kakao_message(call: Request) -> dict[str, Any]:
    """Kakao messages from approved templates."""
    return send_on_channel(call, "kakao", "createKakaoMessage")


HANDLERS: dict[str, Handler] = {
    "createSMSMessage": create_sms_message,
    "createWhatsAppMessage": create_whatsapp_message,
    "createKakaoMessage": create_kakao_message,
}
