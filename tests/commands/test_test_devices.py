"""Test device commands: createTestDevice (modelled with the server token), listTestDevices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.test_devices import (
    CreateTestDevice,
    ListTestDevices,
    TestDevice,
    TestDevices,
)
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import ValidationError

EXAMPLES = Path("/work/shared/pushwoosh-api/examples")

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


async def test_create_test_device(pw: PushwooshClient, router: respx.Router) -> None:
    command = CreateTestDevice(
        push_token="e3b0c442", device_type=DeviceType.IOS, name="QA iPhone", description="iOS"
    )
    request, result = await send(pw, router, command)
    v13_server(
        request,
        "createTestDevice",
        {
            "application": APP,
            "push_token": "e3b0c442",
            "device_type": 1,
            "name": "QA iPhone",
            "description": "iOS",
        },
    )
    assert result.warnings == ()


def test_create_test_device_needs_token_and_name() -> None:
    with pytest.raises(ValidationError):
        CreateTestDevice(push_token="", device_type=1, name="n")
    with pytest.raises(ValidationError):
        CreateTestDevice(push_token="t", device_type=1, name="")


async def test_list_test_devices_matches_the_example(
    pw: PushwooshClient, router: respx.Router
) -> None:
    ex = json.loads((EXAMPLES / "test_devices.listTestDevices.json").read_text())
    request, result = await send(pw, router, ListTestDevices(), ex["response"])
    assert json.loads(request.content) == ex["request"]
    v13_server(request, "listTestDevices", {"application": APP})
    assert result == TestDevices(
        devices=(
            TestDevice(
                name="QA iPhone",
                device_type=1,
                push_token="e3b0c442...",
                description="iOS test device",
            ),
        )
    )


def test_command_value_is_not_collected_as_a_test() -> None:
    assert TestDevice.__test__ is False
    assert isinstance(ListTestDevices(application="X"), Command)
