"""Test devices: an application's devices marked for test sends."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def create_test_device(call: Request) -> None:
    """Mark a push token as a test device of the application (a repeat renames it)."""
    application = call.application()
    push_token = call.text("push_token")
    name = call.text("name")
    device_type = call.body.get("device_type")
    if not isinstance(device_type, int) or isinstance(device_type, bool):
        raise Refusal(210, 'Invalid or missing "device_type"')
    description = call.body.get("description", "")
    if not isinstance(description, str):
        raise Refusal(210, 'Invalid "description"')
    call.account.test_devices[application, push_token] = {
        "name": name,
        "device_type": device_type,
        "description": description,
    }


def list_test_devices(call: Request) -> dict[str, Any]:
    """The application's test devices, with the type as a string (as documented)."""
    application = call.application()
    return {
        "TestDevices": [
            {
                "name": entry["name"],
                "type": str(entry["device_type"]),
                "pushtoken": push_token,
                "description": entry["description"],
            }
            for (app, push_token), entry in call.account.test_devices.items()
            if app == application
        ]
    }


HANDLERS: dict[str, Handler] = {
    "createTestDevice": create_test_device,
    "listTestDevices": list_test_devices,
}
