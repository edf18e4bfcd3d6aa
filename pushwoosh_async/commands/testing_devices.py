"""Test devices: register a device as a test device and list an application's test devices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import Ack, Command, Result, TokenKind
from pushwoosh_async.commands._fields import non_empty
from pushwoosh_async.enums import DeviceType

__all__ = ["CreateTestDevice", "ListTestDevices", "TestDevice", "TestDevices"]


def _device_type(value: DeviceType | int) -> int:
    return int(value)


def _optional_device_type(value: DeviceType | int | str | None) -> int | None:
    # listTestDevices sends the type as a string ("1").
    return None if value is None or value == "" else int(value)


@attrs.frozen(kw_only=True)
class CreateTestDevice(Command[Ack]):
    """Mark a device (by its push token) as a test device of an application.

    A Device API method: the device token goes in the ``Authorization: Token`` header and the body
    carries no ``auth``. Inferred: the page lists no ``auth`` field (its neighbour
    ``listTestDevices`` does) and Pushwoosh's SDKs send this call with the device token.
    ``auto_created`` and ``language`` are seen in the Android SDK.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/test-devices
    """

    path = "/json/1.3/createTestDevice"
    token = TokenKind.DEVICE

    push_token: str = attrs.field(validator=non_empty)
    device_type: int = attrs.field(converter=_device_type)
    name: str = attrs.field(validator=non_empty)
    application: str | None = None
    description: str | None = None
    auto_created: bool | None = None
    language: str | None = None


@attrs.frozen(kw_only=True)
class TestDevice:
    """One test device: its name, platform code (wire ``type``) and push token."""

    __test__ = False  # not a pytest test class, whatever its name

    name: str | None = None
    device_type: int | None = attrs.field(
        default=None, converter=_optional_device_type, metadata=wire("type")
    )
    push_token: str | None = attrs.field(default=None, metadata=wire("pushtoken"))
    description: str | None = None


def _devices(value: Iterable[TestDevice | Mapping[str, Any]]) -> tuple[TestDevice, ...]:
    return structure_many(value, TestDevice)


@attrs.frozen(kw_only=True)
class TestDevices(Result):
    """The test devices of an application (``TestDevices`` is always in the reply)."""

    __test__ = False

    devices: tuple[TestDevice, ...] = attrs.field(converter=_devices, metadata=wire("TestDevices"))


@attrs.frozen(kw_only=True)
class ListTestDevices(Command[TestDevices]):
    """List the test devices of an application.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/test-devices
    """

    path = "/json/1.3/listTestDevices"
    token = TokenKind.SERVER

    application: str | None = None
