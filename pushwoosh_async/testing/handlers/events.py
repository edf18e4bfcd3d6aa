"""Events: defining the events devices post."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


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


HANDLERS: dict[str, Handler] = {
    "createEvent": create_event,
}
