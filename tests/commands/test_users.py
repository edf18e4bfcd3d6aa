"""Undocumented user-centric commands: unregisterUser (device token), getUsersDetails."""

from __future__ import annotations

import json

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands.statistics import ScheduledRequest
from pushwoosh_async.commands.users import GetUsersDetails, UnregisterUser
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (  # the shared helpers
    API,
    APP,
    DEVICE_TOKEN,
    ok,
    send,
    v13_server,
)


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
