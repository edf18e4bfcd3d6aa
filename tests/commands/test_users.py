"""Undocumented user-centric commands: unregisterUser (device token), getUsersDetails."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.statistics import ScheduledRequest
from pushwoosh_async.commands.users import GetUsersDetails, UnregisterUser
from pushwoosh_async.errors import ValidationError

API = "https://api.pushwoosh.com"
JOURNEY = "https://journey.pushwoosh.com"
TOKEN = "SERVER_API_TOKEN"
DEVICE_TOKEN = "DEVICE_API_TOKEN"
APP = "ABCDE-12345"


@pytest.fixture
def router() -> respx.Router:
    """No base URL: these tests assert the full URL, host included."""
    return respx.Router(assert_all_called=False)


async def send(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any = None
) -> tuple[httpx.Request, Any]:
    """Send ``command`` against ``reply`` (default: an OK v1.3 envelope with no data)."""
    if reply is None:
        reply = {"status_code": 200, "status_message": "OK", "response": None}
    router.clear()
    route = router.route().mock(return_value=httpx.Response(200, json=reply))
    result = await pw(command)
    assert route.call_count == 1
    return route.calls.last.request, result


def ok(response: Any) -> dict[str, Any]:
    return {"status_code": 200, "status_message": "OK", "response": response}


def v13_server(request: httpx.Request, method: str, fields: dict[str, Any]) -> None:
    """POST /json/1.3/<method>, {"request": {...}} with the server token as auth, no header."""
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"request": {**fields, "auth": TOKEN}}


async def test_unregister_user_uses_the_device_token(
    pw: PushwooshClient, router: respx.Router
) -> None:
    request, _ = await send(pw, router, UnregisterUser(hwid="h1", user_id="customer-1042"))
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/unregisterUser"
    assert request.headers["authorization"] == f"Token {DEVICE_TOKEN}"
    assert json.loads(request.content) == {
        "request": {"application": APP, "hwid": "h1", "userId": "customer-1042"}
    }


def test_unregister_user_needs_an_identity() -> None:
    with pytest.raises(ValidationError):
        UnregisterUser()


async def test_get_users_details_is_scheduled(pw: PushwooshClient, router: respx.Router) -> None:
    command = GetUsersDetails(extra={"users": ["customer-1042"]})
    request, result = await send(pw, router, command, ok({"request_id": "r-9"}))
    v13_server(request, "getUsersDetails", {"application": APP, "users": ["customer-1042"]})
    assert result == ScheduledRequest(request_id="r-9")
