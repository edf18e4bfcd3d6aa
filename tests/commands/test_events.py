"""Events commands: the createEvent wire case, its error and the documented length limits."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands.events import (
    CreateEvent,
    EventAttribute,
    EventAttributeType,
    EventCreated,
)
from pushwoosh_async.errors import DecodeError, Forbidden, ValidationError
from tests.commands.wire import WireCase, send, v13_server
from tests.support import APPLICATION, ok

CASES = [
    # The catalogue example.
    WireCase(
        "createEvent-example",
        CreateEvent(
            name="CheckoutCompleted",
            description="Order paid",
            event_attributes=[
                EventAttribute(type=EventAttributeType.PRICE, name="amount"),
                {"type": 2, "name": "currency"},
            ],
            track_revenue=True,
        ),
        **v13_server(
            "createEvent",
            {
                "application": APPLICATION,
                "name": "CheckoutCompleted",
                "description": "Order paid",
                "eventAttributes": [{"type": 6, "name": "amount"}, {"type": 2, "name": "currency"}],
                "trackRevenue": True,
            },
        ),
        reply=ok({"event": 351}),
        result=EventCreated(event=351),
    ),
]


async def test_events_limit_is_a_403(pw: PushwooshClient, router: respx.Router) -> None:
    """An "events limit exceeded" envelope with status_code 403 raises Forbidden."""
    limit = {"status_code": 403, "status_message": "events limit exceeded", "response": None}
    with pytest.raises(Forbidden):
        await send(pw, router, CreateEvent(name="E"), limit)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"name": "x" * 33}, "33 characters; the limit is 32", id="name-33"),
        pytest.param({"name": ""}, "empty", id="name-empty"),
        pytest.param(
            {"name": "E", "description": "d" * 65}, "the limit is 64", id="description-65"
        ),
        pytest.param(
            {"name": "E", "event_attributes": [{"type": 2, "name": "a" * 65}]},
            "the limit is 64",
            id="attribute-name-65",
        ),
        pytest.param(
            {"name": "E", "event_attributes": [{"type": 7, "name": "a"}]},
            "1..6",
            id="attribute-type-7",
        ),
    ],
)
def test_limits(kwargs: dict[str, Any], message: str) -> None:
    """A createEvent over the documented length limits, or with an unknown type, is refused."""
    with pytest.raises(ValidationError, match=message):
        CreateEvent(**kwargs)


async def test_a_reply_without_the_event_id_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """createEvent always answers the new event's id."""
    with pytest.raises(DecodeError):
        await send(pw, router, CreateEvent(name="E"), ok({}))


def test_limits_are_inclusive() -> None:
    """Exactly 32 / 64 characters are accepted."""
    command = CreateEvent(
        name="x" * 32,
        description="d" * 64,
        event_attributes=[{"type": 1, "name": "a" * 64}],
    )
    assert command.event_attributes == (EventAttribute(name="a" * 64, type=1),)
