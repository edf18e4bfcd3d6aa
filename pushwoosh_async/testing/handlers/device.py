"""The Device API: registering and removing devices, their tags, users and events.

``unregisterDevice`` removes only the push token (the device stays, as documented);
``deleteDevice`` removes the record; ``deleteUser`` removes every device of the user.
"""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Device
from pushwoosh_async.testing.handlers.table import Handler
from pushwoosh_async.testing.handlers.tags import apply_tags

__all__ = ["HANDLERS", "known_device"]


def _device_type(call: Request) -> int:
    value = call.body.get("device_type")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refusal(210, 'Invalid or missing "device_type"')
    return value


def register_device(call: Request) -> None:
    """Register a device or update it: its token, user, language and tags."""
    application = call.application()
    hwid = call.text("hwid")
    device_type = _device_type(call)
    device = call.account.device(application, hwid) or Device(application, hwid, device_type)
    apply_tags(call, device.tags, call.body.get("tags") or {})
    device.device_type = device_type
    device.push_token = call.body.get("push_token", device.push_token)
    device.user_id = call.body.get("userId", device.user_id)
    device.language = call.body.get("language", device.language)
    call.account.devices[application, hwid] = device


def known_device(call: Request) -> Device:
    """The registered device the call's ``hwid`` names (210 if it has none or is unknown)."""
    device = call.account.device(call.application(), call.text("hwid"))
    if device is None:
        raise Refusal(210, "Device not found")
    return device


def _devices_of(call: Request) -> list[Device]:
    """The device ``hwid`` names, else every device of ``userId`` (hwid wins when both are set)."""
    if "hwid" in call.body:
        return [known_device(call)]
    devices = call.account.user_devices(call.application(), call.text("userId"))
    if not devices:
        raise Refusal(210, "User not found")
    return devices


def set_tags(call: Request) -> None:
    """Set tags on a registered device (by ``hwid``, or on every device of a ``userId``)."""
    for device in _devices_of(call):
        apply_tags(call, device.tags, call.body.get("tags"))


def get_tags(call: Request) -> dict[str, Any]:
    """The tags of a device, or the merged tags of a user's devices."""
    merged: dict[str, Any] = {}
    for device in _devices_of(call):
        merged.update(device.tags)
    return {"result": merged}


def unregister_device(call: Request) -> None:
    """Remove the device's push token; the record stays (it still counts and gets in-apps)."""
    known_device(call).push_token = None


def delete_device(call: Request) -> None:
    """Remove the device record and what the fake keeps about it."""
    device = known_device(call)
    key = (device.application, device.hwid)
    del call.account.devices[key]
    call.account.badges.pop(key, None)
    call.account.last_opens.pop(key, None)


def check_device(call: Request) -> dict[str, Any]:
    """Whether the device is registered, and whether it has a push token."""
    device = call.account.device(call.application(), call.text("hwid"))
    return {"exist": device is not None, "push_token_exist": bool(device and device.push_token)}


def register_user(call: Request) -> None:
    """Attach a user id to a device (the hwid when ``userId`` is empty); creates the record."""
    application = call.application()
    hwid = call.text("hwid")
    device = call.account.device(application, hwid)
    if device is None:  # documented: may come before registerDevice
        device_type = _device_type(call) if "device_type" in call.body else 0
        device = call.account.devices[application, hwid] = Device(application, hwid, device_type)
    device.user_id = call.body.get("userId") or hwid


def delete_user(call: Request) -> dict[str, Any]:
    """Delete every device of the user in the application (accepted: an empty object)."""
    application = call.body.get("application")
    user_id = call.body.get("user_id")
    if not isinstance(user_id, str) or not user_id or not isinstance(application, str):
        raise Refusal(400, "application and user_id are required", http_status=400)
    if application not in call.account.applications:
        raise Refusal(404, "application not found", http_status=404)
    for device in call.account.user_devices(application, user_id):
        del call.account.devices[application, device.hwid]
    return {}


def post_event(call: Request) -> dict[str, Any]:
    """Record an event hit; the event must exist and ``attributes`` must be present (may be {})."""
    application = call.application()
    name = call.text("event")
    if (application, name) not in call.account.events:
        raise Refusal(210, "Event not found")
    if not isinstance(call.body.get("attributes"), dict):
        raise Refusal(210, '"attributes" must be present (an object, {} when empty)')
    if "hwid" not in call.body and "userId" not in call.body:
        raise Refusal(210, 'Give "hwid", "userId" or both')
    call.account.posted_events.append(dict(call.body))
    return {"code": call.codes()}


HANDLERS: dict[str, Handler] = {
    "registerDevice": register_device,
    "setTags": set_tags,
    "getTags": get_tags,
    "unregisterDevice": unregister_device,
    "deleteDevice": delete_device,
    "checkDevice": check_device,
    "registerUser": register_user,
    "deleteUser": delete_user,
    "postEvent": post_event,
}
