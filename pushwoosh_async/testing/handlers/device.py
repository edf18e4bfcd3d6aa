"""The Device API: registering devices, their tags, users and events."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Device
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


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


HANDLERS: dict[str, Handler] = {
    "registerDevice": register_device,
    "setTags": set_tags,
    "getTags": get_tags,
    "unregisterDevice": unregister_device,
    "registerUser": register_user,
    "postEvent": post_event,
}
