"""Events: defining the events devices post (``postEvent`` is in ``device.py``)."""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

MAX_NAME: Final = 32
MAX_DESCRIPTION: Final = 64
ATTRIBUTE_TYPES: Final = range(1, 7)
"""1 integer, 2 string, 3 list, 4 date, 5 boolean, 6 price."""


def _attributes(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(a, dict)
        and isinstance(a.get("name"), str)
        and 0 < len(a["name"]) <= MAX_DESCRIPTION
        and a.get("type") in ATTRIBUTE_TYPES
        for a in value
    ):
        raise Refusal(210, "Invalid eventAttributes: each needs a name and a type 1-6")
    return [{"name": a["name"], "type": a["type"]} for a in value]


def create_event(call: Request) -> dict[str, Any]:
    """Define an event (name at most 32, description at most 64 characters); answer its id."""
    application = call.application()
    name = call.text("name")
    if len(name) > MAX_NAME:
        raise Refusal(210, f"Event name is too long ({MAX_NAME} characters at most)")
    description = call.body.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise Refusal(210, f"Event description is too long ({MAX_DESCRIPTION} characters at most)")
    if (application, name) in call.account.events:
        raise Refusal(210, "Event already exists")
    event_id = len(call.account.events) + 1
    call.account.events[application, name] = {
        "id": event_id,
        "name": name,
        "description": description,
        "eventAttributes": _attributes(call.body.get("eventAttributes")),
        "trackRevenue": bool(call.body.get("trackRevenue", False)),
    }
    return {"event": event_id}


HANDLERS: dict[str, Handler] = {
    "createEvent": create_event,
}
