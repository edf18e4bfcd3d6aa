"""Test device commands: createTestDevice (a Device API call), listTestDevices (server token)."""

from __future__ import annotations

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command
from pushwoosh_async.commands.testing_devices import (
    CreateTestDevice,
    ListTestDevices,
    TestDevice,
    TestDevices,
)
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import NO_AUTH, WireCase, send, v13_device
from tests.support import API, APPLICATION, example, ok

EX = example("test_devices.listTestDevices.json")

CASES = [
    WireCase(
        "createTestDevice",
        CreateTestDevice(
            push_token="e3b0c442", device_type=DeviceType.IOS, name="QA iPhone", description="iOS"
        ),
        **v13_device(
            "createTestDevice",
            {
                "application": APPLICATION,
                "push_token": "e3b0c442",
                "device_type": 1,
                "name": "QA iPhone",
                "description": "iOS",
            },
        ),
        reply=ok(),
        result=Ack(warnings=()),
    ),
    # The catalogue example, as it is.
    WireCase(
        "listTestDevices-example",
        ListTestDevices(),
        http_method="POST",
        url=f"{API}/json/1.3/listTestDevices",
        headers=NO_AUTH,
        body=EX["request"],
        reply=EX["response"],
        result=TestDevices(
            devices=(
                TestDevice(
                    name="QA iPhone",
                    device_type=1,
                    push_token="e3b0c442...",
                    description="iOS test device",
                ),
            )
        ),
    ),
]


async def test_a_listing_without_test_devices_key_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """listTestDevices always answers ``TestDevices``; a reply without it is not an empty list."""
    with pytest.raises(DecodeError):
        await send(pw, router, ListTestDevices(), ok({}))


def test_create_test_device_needs_token_and_name() -> None:
    """createTestDevice with an empty push token or name is refused."""
    with pytest.raises(ValidationError):
        CreateTestDevice(push_token="", device_type=1, name="n")
    with pytest.raises(ValidationError):
        CreateTestDevice(push_token="t", device_type=1, name="")


def test_command_value_is_not_collected_as_a_test() -> None:
    """TestDevice is not mistaken for a pytest test class; ListTestDevices is a Command."""
    assert TestDevice.__test__ is False
    assert isinstance(ListTestDevices(application="X"), Command)
