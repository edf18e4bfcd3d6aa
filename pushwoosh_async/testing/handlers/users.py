"""Users: detaching a user from its devices, and the scheduled report of users' details."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Device
from pushwoosh_async.testing.handlers.scheduled import schedule
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def unregister_user(call: Request) -> None:
    """Detach the user id from the device ``hwid`` names, or from every device of ``userId``."""
    application = call.application()
    if "hwid" in call.body:
        device = call.account.device(application, call.text("hwid"))
        devices = [] if device is None else [device]
    else:
        devices = call.account.user_devices(application, call.text("userId"))
    if not devices:
        raise Refusal(210, "Device or user not found")
    for device in devices:
        device.user_id = None


def get_users_details(call: Request) -> dict[str, Any]:
    """Schedule the report; ``getResults`` answers each user's devices and merged tags.

    The report's shape is inferred (``users``: ``userId``, ``hwids``, ``tags``): Pushwoosh does not
    document it. An optional ``users`` list (sent in ``extra``) limits it to those users.
    """
    application = call.application()
    wanted = call.body.get("users")
    if wanted is not None and not (
        isinstance(wanted, list) and all(isinstance(u, str) for u in wanted)
    ):
        raise Refusal(210, '"users" must be an array of user ids')
    users: dict[str, list[Device]] = {}
    for device in call.account.devices.values():
        if device.application == application and device.user_id is not None:
            users.setdefault(device.user_id, []).append(device)
    report = [
        {
            "userId": user,
            "hwids": [d.hwid for d in devices],
            "tags": {k: v for d in devices for k, v in d.tags.items()},
        }
        for user, devices in users.items()
        if wanted is None or user in wanted
    ]
    return schedule(call, "getUsersDetails", {"users": report})


HANDLERS: dict[str, Handler] = {
    "unregisterUser": unregister_user,
    "getUsersDetails": get_users_details,
}
