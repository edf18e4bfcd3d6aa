"""Events commands: createEvent wire rendering, result and documented length limits."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands.events import (
    CreateEvent,
    EventAttribute,
    EventAttributeType,
    EventCreated,
)
from pushwoosh_async.errors import Forbidden, ValidationError

API = "https://api.pushwoosh.com"
TOKEN = "SERVER_API_TOKEN"
APP = "ABCDE-12345"


async def test_create_event(pw: PushwooshClient, router: respx.Router) -> None:
    """The catalogue example: POST /json/1.3/createEvent, auth and application in the body."""
    route = router.route().mock(
        return_value=httpx.Response(
            200, json={"status_code": 200, "status_message": "OK", "response": {"event": 351}}
        )
    )
    command = CreateEvent(
        name="CheckoutCompleted",
        description="Order paid",
        event_attributes=[
            EventAttribute(type=EventAttributeType.PRICE, name="amount"),
            {"type": 2, "name": "currency"},
        ],
        track_revenue=True,
    )
    result = await pw(command)
    request = route.calls.last.request
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/createEvent"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {
        "request": {
            "auth": TOKEN,
            "application": APP,
            "name": "CheckoutCompleted",
            "description": "Order paid",
            "eventAttributes": [{"type": 6, "name": "amount"}, {"type": 2, "name": "currency"}],
            "trackRevenue": True,
        }
    }
    assert result == EventCreated(event=351)


async def test_events_limit_is_a_403(pw: PushwooshClient, router: respx.Router) -> None:
    router.route().mock(
        return_value=httpx.Response(
            200,
            json={"status_code": 403, "status_message": "events limit exceeded", "response": None},
        )
    )
    with pytest.raises(Forbidden):
        await pw(CreateEvent(name="E"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "x" * 33}, "33 characters; the limit is 32"),
        ({"name": ""}, "empty"),
        ({"name": "E", "description": "d" * 65}, "the limit is 64"),
        ({"name": "E", "event_attributes": [{"type": 2, "name": "a" * 65}]}, "the limit is 64"),
        ({"name": "E", "event_attributes": [{"type": 7, "name": "a"}]}, "1..6"),
    ],
)
def test_limits(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CreateEvent(**kwargs)


def test_limits_are_inclusive() -> None:
    command = CreateEvent(
        name="x" * 32,
        description="d" * 64,
        event_attributes=[{"type": 1, "name": "a" * 64}],
    )
    assert command.event_attributes == (EventAttribute(name="a" * 64, type=1),)
