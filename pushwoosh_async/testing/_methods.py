"""What each Pushwoosh method does to the fake account, and what it answers.

One small function per method. A handler gets the account and the request object (already
unwrapped from ``{"request": ...}`` and authenticated) and returns the reply's data, or raises
:class:`Refusal` with the status Pushwoosh would give. Replies use the real field names and
messages from the API catalogue where the catalogue has them; where Pushwoosh's exact wording is
unknown, the message says what is wrong in the same style.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pushwoosh_async.testing._jobs import (
    export_segment,
    export_segment_result,
    get_msg_stats,
    get_results,
)
from pushwoosh_async.testing._request import FEW_DEVICES, Refusal, Request
from pushwoosh_async.testing._state import Account, Device, Job, Message

__all__ = ["HANDLERS"]

# --- messages -----------------------------------------------------------------------------------


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


# --- devices and tags ---------------------------------------------------------------------------


def register_device(call: Request) -> None:
    """Register a device or update it: its token, user, language and tags."""
    application = call.application()
    hwid = call.text("hwid")
    device_type = call.body.get("device_type")
    if not isinstance(device_type, int):
        raise Refusal(210, 'Invalid or missing "device_type"')
    device = call.account.device(application, hwid) or Device(application, hwid, device_type)
    device.device_type = device_type
    device.push_token = call.body.get("push_token", device.push_token)
    device.user_id = call.body.get("userId", device.user_id)
    device.language = call.body.get("language", device.language)
    device.tags.update(call.body.get("tags") or {})
    call.account.devices[application, hwid] = device


def set_tags(call: Request) -> None:
    """Set tags on a registered device (by ``hwid``, or on every device of a ``userId``)."""
    tags = call.body.get("tags")
    if not isinstance(tags, dict):
        raise Refusal(210, 'Invalid or missing "tags"')
    for device in _devices_of(call):
        device.tags.update(tags)


def get_tags(call: Request) -> dict[str, Any]:
    """The tags of a device, or the merged tags of a user's devices."""
    merged: dict[str, Any] = {}
    for device in _devices_of(call):
        merged.update(device.tags)
    return {"result": merged}


def _devices_of(call: Request) -> list[Device]:
    application = call.application()
    if "hwid" in call.body:
        device = call.account.device(application, call.text("hwid"))
        if device is None:
            raise Refusal(210, "Device not found")
        return [device]
    devices = call.account.user_devices(application, call.text("userId"))
    if not devices:
        raise Refusal(210, "User not found")
    return devices


# --- audience (v2) ------------------------------------------------------------------------------


def bulk_set_tags(call: Request) -> dict[str, Any]:
    """Apply tags to many devices now, and report a job that reads pending once, then done."""
    application = call.application()
    entries = call.body.get("devices")
    if not isinstance(entries, list) or not entries:
        raise Refusal(400, "invalid request", http_status=400)
    for entry in entries:
        for device in _bulk_targets(call.account, application, entry):
            _apply(device, entry.get("tags") or {}, entry.get("list_operator", "set"))
    request_id = call.codes()
    call.account.jobs[request_id] = Job(request_id, "bulkSetTags", polls_left=1)
    return {"request_id": request_id, "status": "Pending"}


def bulk_set_tags_status(call: Request) -> dict[str, Any]:
    """The status of a ``bulkSetTags`` job."""
    job = call.account.jobs.get(call.path_args.get("request_id", ""))
    if job is None:
        raise Refusal(404, "request not found", http_status=404)
    return {"request_id": job.request_id, "status": job.poll()}


def _bulk_targets(account: Account, application: str, entry: Any) -> list[Device]:
    if not isinstance(entry, dict) or not isinstance(entry.get("tags"), dict):
        raise Refusal(400, "invalid request", http_status=400)
    if "hwid" in entry:
        device = account.device(application, entry["hwid"])
        return [device] if device else []
    if "user_id" in entry:
        return account.user_devices(application, entry["user_id"])
    return [
        d
        for d in account.devices.values()
        if d.application == application and d.push_token == entry.get("push_token")
    ]


def _apply(device: Device, tags: dict[str, Any], operator: str) -> None:
    for name, value in tags.items():
        current = device.tags.get(name)
        if operator == "append" and isinstance(value, list):
            device.tags[name] = [*(current or []), *value]
        elif operator == "remove" and isinstance(value, list):
            device.tags[name] = [v for v in (current or []) if v not in value]
        else:
            device.tags[name] = value


# --- devices, users and events (device token) ---------------------------------------------------


def unregister_device(call: Request) -> None:
    """Forget a device."""
    application = call.application()
    if call.account.devices.pop((application, call.text("hwid")), None) is None:
        raise Refusal(210, "Device not found")


def register_user(call: Request) -> None:
    """Attach a user id to a registered device."""
    application = call.application()
    device = call.account.device(application, call.text("hwid"))
    if device is None:
        raise Refusal(210, "Device not found")
    device.user_id = call.body.get("userId", device.user_id)


def post_event(call: Request) -> dict[str, Any]:
    """Record an event occurrence; the event must have been created in the application."""
    application = call.application()
    name = call.text("event")
    if (application, name) not in call.account.events:
        raise Refusal(210, "Event not found")
    call.account.posted_events.append(dict(call.body))
    return {"code": call.codes()}


def create_event(call: Request) -> dict[str, Any]:
    """Define an event (name at most 32 characters, as documented)."""
    application = call.application()
    name = call.text("name")
    if len(name) > 32:
        raise Refusal(210, "Event name is too long (32 characters at most)")
    if (application, name) in call.account.events:
        raise Refusal(210, "Event already exists")
    call.account.events[application, name] = dict(call.body)
    return {"event": name}


# --- tags, filters, presets (server token) --------------------------------------------------


def add_tag(call: Request) -> dict[str, Any]:
    """Create a tag of a type (1-7)."""
    tag = call.body.get("tag")
    if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
        raise Refusal(210, 'Invalid or missing "tag"')
    if tag.get("type") not in range(1, 8):
        raise Refusal(210, "Invalid tag type")
    if tag["name"] in call.account.tags:
        raise Refusal(210, "Tag already exists")
    call.account.tags[tag["name"]] = tag["type"]
    return {"result": True}


def delete_tag(call: Request) -> dict[str, Any]:
    """Delete a tag."""
    tag = call.body.get("tag")
    name = tag.get("name") if isinstance(tag, dict) else None
    if call.account.tags.pop(str(name), None) is None:
        raise Refusal(210, "Tag not found")
    return {"result": True}


def list_tags(call: Request) -> dict[str, Any]:
    """Every tag and its type."""
    return {"tags": [{"name": n, "type": t} for n, t in call.account.tags.items()]}


def create_filter(call: Request) -> dict[str, Any]:
    """Create a filter (segment) from a seglang expression."""
    name = call.text("name")
    call.text("filter_expression")
    if name in call.account.filters:
        raise Refusal(210, "Filter already exists")
    call.account.filters[name] = dict(call.body)
    return {"name": name}


def list_filters(call: Request) -> dict[str, Any]:
    """The filters, with their expressions."""
    return {
        "filters": [
            {"name": n, "filter_expression": f.get("filter_expression")}
            for n, f in call.account.filters.items()
        ]
    }


def delete_filter(call: Request) -> None:
    """Delete a filter by name."""
    if call.account.filters.pop(call.text("name"), None) is None:
        raise Refusal(210, "Filter not found")


def create_preset(call: Request) -> dict[str, Any]:
    """Store a preset; answers its code."""
    call.text("name")
    if call.body.get("applicationCode") not in call.account.applications:
        raise Refusal(210, "Application not found")
    code = call.codes()
    call.account.presets[code] = dict(call.body)
    return {"code": code}


def list_presets(call: Request) -> dict[str, Any]:
    """The presets of an application."""
    application = call.application()
    return {
        "presets": [
            {"code": c, "name": p.get("name")}
            for c, p in call.account.presets.items()
            if p.get("applicationCode") == application
        ]
    }


Handler = Callable[[Request], Any]

HANDLERS: Final[Mapping[str, Handler]] = {
    "createMessage": create_message,
    "deleteMessage": delete_message,
    "getMessageDetails": get_message_details,
    "registerDevice": register_device,
    "setTags": set_tags,
    "getTags": get_tags,
    "bulkSetTags": bulk_set_tags,
    "bulkSetTags status": bulk_set_tags_status,
    "unregisterDevice": unregister_device,
    "registerUser": register_user,
    "postEvent": post_event,
    "createEvent": create_event,
    "addTag": add_tag,
    "deleteTag": delete_tag,
    "listTags": list_tags,
    "createFilter": create_filter,
    "listFilters": list_filters,
    "deleteFilter": delete_filter,
    "createPreset": create_preset,
    "listPresets": list_presets,
    "getMsgStats": get_msg_stats,
    "getResults": get_results,
    "exportSegment": export_segment,
    "exportSegment/result": export_segment_result,
}
"""The modelled methods, by catalogue name; every other command gets a default reply."""
