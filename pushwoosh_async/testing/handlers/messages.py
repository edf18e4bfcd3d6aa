"""Messages (push, v1.3): create, delete, read back; what each message reached."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import FEW_DEVICES, Refusal, Request
from pushwoosh_async.testing._state import Message
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def create_message(call: Request) -> dict[str, Any]:
    """Create one message per notification; a repeated ``transactionId`` creates nothing new."""
    application = call.application()
    notifications = call.body.get("notifications")
    if not isinstance(notifications, list) or not notifications:
        raise Refusal(210, '"notifications" must be a non-empty array')
    for notification in notifications:
        _check_notification(call, notification)
    codes: list[str] = []
    unknown: dict[str, list[str]] = {}
    for notification in notifications:
        tid = notification.get("transactionId")
        if tid is not None and tid in call.account.transactions:  # de-duplicated: the first answer
            message = call.account.messages[call.account.transactions[tid][0]]
        else:
            message = _create(call, application, notification)
            if tid is not None:
                call.account.transactions[tid] = [message.code]
        answered = message.reply_code or message.code
        codes.append(answered)
        if message.unknown_devices:
            unknown[answered] = list(message.unknown_devices)
    reply: dict[str, Any] = {"Messages": codes}
    if unknown:
        reply["UnknownDevices"] = unknown
    return reply


def _check_notification(call: Request, notification: Any) -> None:
    if not isinstance(notification, dict):
        raise Refusal(210, "Each notification must be an object")
    if "content" not in notification and "preset" not in notification:
        raise Refusal(210, "Content is empty")
    call.identifiers("devices", notification)
    call.identifiers("users", notification)


def _create(call: Request, application: str, notification: dict[str, Any]) -> Message:
    account = call.account
    listed = call.identifiers("devices", notification)
    known = [h for h in listed if account.device(application, h) is not None]
    strangers = [h for h in listed if account.device(application, h) is None]
    reached = set(known)
    for user in call.identifiers("users", notification):
        reached.update(d.hwid for d in account.user_devices(application, user))
    if not listed and "users" not in notification:  # a filter, conditions or a broadcast
        reached.update(h for (app, h) in account.devices if app == application)
    code = call.codes()
    few = notification.get("send_date", "now") == "now" and len(reached) < FEW_DEVICES
    message = account.messages[code] = Message(
        code=code,
        application=application,
        notification=notification,
        transaction_id=notification.get("transactionId"),
        devices=tuple(sorted(reached)),
        unknown_devices=tuple(strangers),
        reply_code="CODE_NOT_AVAILABLE" if few else code,
    )
    return message


def delete_message(call: Request) -> None:
    """Delete a message by code."""
    message = call.account.messages.get(call.text("message"))
    if message is None or message.deleted:
        raise Refusal(210, "Message not found")
    message.deleted = True


def get_message_details(call: Request) -> dict[str, Any]:
    """What the fake knows about a message, in the shape public clients read."""
    message = call.account.messages.get(call.text("message"))
    if message is None:
        raise Refusal(210, "Message not found")
    note = message.notification
    content = note.get("content")
    return {
        "message": {
            "id": list(call.account.messages).index(message.code) + 1,
            "code": message.code,
            "created": "2026-01-01 00:00:00",
            "send_date": note.get("send_date", "now"),
            "status": "deleted" if message.deleted else "done",
            "content": content if isinstance(content, dict) else {"default": content},
            "platforms": str(note.get("platforms", [])).replace(" ", ""),
            "ignore_user_timezone": "1" if note.get("ignore_user_timezone") else "0",
        }
    }


HANDLERS: dict[str, Handler] = {
    "createMessage": create_message,
    "deleteMessage": delete_message,
    "getMessageDetails": get_message_details,
}
