"""Test device commands: createTestDevice (modelled with the server token), listTestDevices."""

from __future__ import annotations

import json

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.testing_devices import (
    CreateTestDevice,
    ListTestDevices,
    TestDevice,
    TestDevices,
)
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (  # the shared helpers
    APP,
    EXAMPLES,
    send,
    v13_server,
)


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
