"""Email (v1.3): sending emails and the email subscribers, who are devices of type 14.

``registerEmail`` registers the address as a device whose hwid is the address itself
(``device_type`` :data:`~pushwoosh_async.testing.handlers.outbox.EMAIL_DEVICE_TYPE`), so
``createEmailMessage`` reaches it by address, by user id or as part of a filter.
``getBouncedEmails`` starts a scheduled request whose result lists ``account.bounced_emails``
(fill that set in a test to model bounces) as ``entries``: ``[{"email": ...}]``.
"""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Device
from pushwoosh_async.testing.handlers.messages import notifications_of
from pushwoosh_async.testing.handlers.outbox import EMAIL_DEVICE_TYPE, Audience, is_future, record
from pushwoosh_async.testing.handlers.scheduled import schedule
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def create_email_message(call: Request) -> None:
    """Record one email message per notification (a repeated ``transactionId`` is a no-op)."""
    application = call.application()
    notifications = notifications_of(call)
    for notification in notifications:
        if not notification.get("preset"):
            raise Refusal(210, 'Invalid or missing "preset"')
    for notification in notifications:
        addresses = call.identifiers("devices", notification)
        if notification.get("use_auto_registration"):
            for address in addresses:
                _subscriber(call, application, address)
        users = call.identifiers("users", notification)
        everyone = "devices" not in notification and "users" not in notification
        record(
            call,
            channel="email",
            method="createEmailMessage",
            application=application,
            notification=notification,
            audience=Audience(tuple(addresses), tuple(users), everyone),
            scheduled=is_future(notification.get("send_date", "now")),
            of_type=(EMAIL_DEVICE_TYPE,),
        )


def _subscriber(call: Request, application: str, email: str) -> Device:
    device = call.account.device(application, email)
    if device is None:
        device = Device(application, email, EMAIL_DEVICE_TYPE)
        call.account.devices[application, email] = device
    return device


def _registered(call: Request) -> Device:
    device = call.account.device(call.application(), call.text("email"))
    if device is None or device.device_type != EMAIL_DEVICE_TYPE:
        raise Refusal(210, "Email not found")
    return device


def register_email(call: Request) -> None:
    """Subscribe an address (or update it): language, user id, time zone offset, tags."""
    device = _subscriber(call, call.application(), call.text("email"))
    device.language = call.body.get("language", device.language)
    device.user_id = call.body.get("userId", device.user_id)
    if "tz_offset" in call.body:
        device.tags["TimezoneOffset"] = int(call.body["tz_offset"])
    device.tags.update(call.body.get("tags") or {})


def register_email_user(call: Request) -> None:
    """Attach a user id to an address ``registerEmail`` subscribed."""
    _registered(call).user_id = call.text("userId")


def set_email_tags(call: Request) -> None:
    """Set tags on a subscribed address."""
    tags = call.body.get("tags")
    if not isinstance(tags, dict):
        raise Refusal(210, 'Invalid or missing "tags"')
    _registered(call).tags.update(tags)


def delete_email(call: Request) -> None:
    """Unsubscribe an address (its user's other devices stay)."""
    device = _registered(call)
    del call.account.devices[device.application, device.hwid]


def get_bounced_emails(call: Request) -> dict[str, Any]:
    """Schedule the bounced-addresses report; ``getResults`` reads it once done."""
    bounced = [{"email": address} for address in sorted(call.account.bounced_emails)]
    return schedule(call, "getBouncedEmails", {"entries": bounced})


HANDLERS: dict[str, Handler] = {
    "createEmailMessage": create_email_message,
    "registerEmail": register_email,
    "registerEmailUser": register_email_user,
    "setEmailTags": set_email_tags,
    "deleteEmail": delete_email,
    "getBouncedEmails": get_bounced_emails,
}
