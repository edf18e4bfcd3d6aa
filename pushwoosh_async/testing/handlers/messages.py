"""Messages (push, v1.3): create, target, cancel, delete, read back and list.

``getPushHistory`` lists every message of the account (all channels), oldest first, in pages of
:data:`HISTORY_PAGE` rows; the reply's ``lastNotificationID`` is the cursor of the next page.
"""

from __future__ import annotations

import re
from typing import Any, Final

from pushwoosh_async.testing._request import FEW_DEVICES, Refusal, Request
from pushwoosh_async.testing._state import Account, Message
from pushwoosh_async.testing.handlers.outbox import (
    Audience,
    find_message,
    is_future,
    message_id,
    record,
)
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS", "HISTORY_PAGE", "notifications_of"]

HISTORY_PAGE: Final = 100
"""Rows per ``getPushHistory`` page (the fake's choice; the legacy page gives no number)."""
_APP_TERM: Final = re.compile(r'A\(\s*"([^"]+)"')


def notifications_of(call: Request) -> list[dict[str, Any]]:
    """The request's ``notifications``: a non-empty list of objects (a 210 otherwise)."""
    notifications = call.body.get("notifications")
    if not isinstance(notifications, list) or not notifications:
        raise Refusal(210, '"notifications" must be a non-empty array')
    if not all(isinstance(n, dict) for n in notifications):
        raise Refusal(210, "Each notification must be an object")
    return notifications


def audience_of(call: Request, notification: dict[str, Any]) -> Audience:
    """A v1.3 notification's ``devices`` and ``users``; neither means everyone it filters."""
    devices = call.identifiers("devices", notification)
    users = call.identifiers("users", notification)
    everyone = "devices" not in notification and "users" not in notification
    return Audience(tuple(devices), tuple(users), everyone)


def create_message(call: Request) -> dict[str, Any]:
    """Create one message per notification; a repeated ``transactionId`` creates nothing new."""
    application = call.application()
    notifications = notifications_of(call)
    for notification in notifications:
        if "content" not in notification and "preset" not in notification:
            raise Refusal(210, "Content is empty")
        audience_of(call, notification)
    codes: list[str] = []
    unknown: dict[str, list[str]] = {}
    for notification in notifications:
        message = _push(call, application, notification)
        answered = message.reply_code or message.code
        codes.append(answered)
        if message.unknown_devices:
            unknown[answered] = list(message.unknown_devices)
    reply: dict[str, Any] = {"Messages": codes}
    if unknown:
        reply["UnknownDevices"] = unknown
    return reply


def _push(call: Request, application: str, notification: dict[str, Any]) -> Message:
    send_date = notification.get("send_date", "now")
    message, new = record(
        call,
        channel="push",
        method="createMessage",
        application=application,
        notification=notification,
        audience=audience_of(call, notification),
        scheduled=is_future(send_date),
    )
    if new:
        few = send_date == "now" and len(message.devices) < FEW_DEVICES
        message.reply_code = "CODE_NOT_AVAILABLE" if few else message.code
    return message


def create_targeted_message(call: Request) -> dict[str, Any]:
    """A push to the devices a seglang expression selects (its ``A("...")`` applications)."""
    expression = call.text("devices_filter")
    applications = _APP_TERM.findall(expression) or sorted(call.account.applications)
    reached: list[str] = []
    for application in applications:
        message, _ = record(
            call,
            channel="push",
            method="createTargetedMessage",
            application=application,
            notification=dict(call.body),
            audience=Audience(everyone=True),
            scheduled=is_future(call.body.get("send_date", "now")),
        )
        reached.append(message.code)
    return {"messageCode": reached[0]}


def delete_message(call: Request) -> None:
    """Delete a message by code."""
    message = call.account.messages.get(call.text("message"))
    if message is None or message.deleted:
        raise Refusal(210, "Message not found")
    message.deleted = True


def cancel_message(call: Request) -> None:
    """Cancel a message still waiting for its send time (v1.3; the request is inferred)."""
    cancel_scheduled(find_message(call.account, call.text("message")))


def cancel_scheduled(message: Message) -> None:
    """Mark a scheduled message cancelled; one already sent or cancelled is refused."""
    if message.cancelled or message.deleted or not message.scheduled:
        raise Refusal(210, "Message is not in a cancelable state")
    message.cancelled = True


def status_of(message: Message) -> str:
    """How ``getMessageDetails`` and the history describe a message's state."""
    if message.deleted:
        return "deleted"
    if message.cancelled:
        return "cancelled"
    return "waiting" if message.scheduled else "done"


def get_message_details(call: Request) -> dict[str, Any]:
    """What the fake knows about a message, in the shape public clients read."""
    message = find_message(call.account, call.text("message"))
    note = message.notification
    content = note.get("content")
    return {
        "message": {
            "id": message_id(call.account, message.code),
            "code": message.code,
            "created": message.created.strftime("%Y-%m-%d %H:%M:%S"),
            "send_date": note.get("send_date", "now"),
            "status": status_of(message),
            "content": content if isinstance(content, dict) else {"default": content},
            "platforms": str(note.get("platforms", [])).replace(" ", ""),
            "ignore_user_timezone": "1" if note.get("ignore_user_timezone") else "0",
        }
    }


def get_push_history(call: Request) -> dict[str, Any]:
    """The account's messages matching ``searchBy``/``value``, a page after the cursor."""
    account = call.account
    matching = [m for m in account.messages.values() if _matches(account, m, call.body)]
    after = call.body.get("lastNotificationID")
    if after not in (None, ""):
        matching = [m for m in matching if message_id(account, m.code) > int(after)]
    page = matching[:HISTORY_PAGE]
    reply: dict[str, Any] = {"rows": [_history_row(account, m) for m in page]}
    if len(matching) > HISTORY_PAGE:
        reply["lastNotificationID"] = str(message_id(account, page[-1].code))
    return reply


def _matches(account: Account, message: Message, body: dict[str, Any]) -> bool:
    value = body.get("value")
    by = body.get("searchBy") or ""
    if not by or value in (None, ""):
        return True
    found = {
        "notificationID": str(message_id(account, message.code)),
        "notificationCode": message.code,
        "applicationCode": message.application,
        "campaignCode": str(message.notification.get("campaign", "")),
    }
    return found.get(by) == str(value)


def _history_row(account: Account, message: Message) -> dict[str, Any]:
    note = message.notification
    return {
        "id": message_id(account, message.code),
        "code": message.code,
        "createDate": message.created.strftime("%Y-%m-%d %H:%M:%S"),
        "sendDate": note.get("send_date", "now"),
        "content": note.get("content"),
        "url": note.get("link", ""),
        "filter": note.get("filter", ""),
        "channel": message.channel,
        "status": status_of(message),
    }


HANDLERS: dict[str, Handler] = {
    "createMessage": create_message,
    "createTargetedMessage": create_targeted_message,
    "deleteMessage": delete_message,
    "cancelMessage": cancel_message,
    "getMessageDetails": get_message_details,
    "getPushHistory": get_push_history,
}
