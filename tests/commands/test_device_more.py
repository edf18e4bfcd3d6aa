"""Device API commands beyond registerDevice/setTags/getTags: wire rendering and results."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command, Result
from pushwoosh_async.commands.device import (
    Accepted,
    ApplicationOpen,
    ApplicationOpened,
    CheckDevice,
    DeleteDevice,
    DeleteUser,
    DeviceStatus,
    EventHit,
    MessageDeliveryEvent,
    PostEvent,
    PushStat,
    RegisterUser,
    SetBadge,
    SetPurchase,
    UnregisterDevice,
)
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import API, APP, ok, send

HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"


# (command, path, request body without "application", response data, expected result)
V13_CASES: list[tuple[Command[Any], str, dict[str, Any], Any, Result]] = [
    (UnregisterDevice(hwid=HWID), "unregisterDevice", {"hwid": HWID}, None, Ack()),
    (SetBadge(hwid=HWID, badge=0), "setBadge", {"hwid": HWID, "badge": 0}, None, Ack()),
    (
        SetBadge(hwid=HWID, extra={"badges": 3}),
        "setBadge",
        {"hwid": HWID, "badges": 3},
        None,
        Ack(),
    ),
    (
        ApplicationOpen(
            hwid=HWID,
            device_type=DeviceType.ANDROID,
            user_id="customer-1042",
            timezone=7200,
            notification_types=7,
            sdk_version="6.7.1",
            extra={"android_package": "com.example.app"},
        ),
        "applicationOpen",
        {
            "hwid": HWID,
            "device_type": 3,
            "userId": "customer-1042",
            "timezone": 7200,
            "notificationTypes": 7,
            "v": "6.7.1",
            "android_package": "com.example.app",
        },
        {"required_inapps": []},
        ApplicationOpened(extra={"required_inapps": []}),
    ),
    (
        PushStat(hwid=HWID, hash="r7Hd", meta_data={"source": "notification"}),
        "pushStat",
        {"hwid": HWID, "hash": "r7Hd", "metaData": {"source": "notification"}},
        None,
        Ack(),
    ),
    (
        MessageDeliveryEvent(hwid=HWID, hash="r7Hd"),
        "messageDeliveryEvent",
        {"hwid": HWID, "hash": "r7Hd"},
        None,
        Ack(),
    ),
    (
        SetPurchase(
            hwid=HWID,
            transaction_date="2024-06-01 12:00",
            quantity=2,
            currency="EUR",
            product_identifier="com.example.gems",
            price=4.99,
        ),
        "setPurchase",
        {
            "hwid": HWID,
            "transactionDate": "2024-06-01 12:00",
            "quantity": 2,
            "currency": "EUR",
            "productIdentifier": "com.example.gems",
            "price": 4.99,
        },
        None,
        Ack(),
    ),
    (
        CheckDevice(hwid=HWID),
        "checkDevice",
        {"hwid": HWID},
        {"exist": True, "push_token_exist": False},
        DeviceStatus(exist=True, push_token_exist=False),
    ),
    (DeleteDevice(hwid=HWID), "deleteDevice", {"hwid": HWID}, None, Ack()),
    (
        RegisterUser(hwid=HWID, user_id="customer-1042", tz_offset=7200, device_type=1),
        "registerUser",
        {"hwid": HWID, "userId": "customer-1042", "tz_offset": 7200, "device_type": 1},
        None,
        Ack(),
    ),
    # The catalogue example, request and response.
    (
        PostEvent(
            hwid=HWID,
            user_id="customer-1042",
            event="CheckoutCompleted",
            attributes={"amount": 59.9, "currency": "EUR"},
            timestamp_utc=1717243200,
        ),
        "postEvent",
        {
            "hwid": HWID,
            "userId": "customer-1042",
            "event": "CheckoutCompleted",
            "attributes": {"amount": 59.9, "currency": "EUR"},
            "timestampUTC": 1717243200,
        },
        {"code": "61BC9-84DD0"},
        EventHit(code="61BC9-84DD0"),
    ),
]


@pytest.mark.parametrize(
    "case",
    V13_CASES,
    ids=[f"{type(c[0]).__name__}-{i}" for i, c in enumerate(V13_CASES)],
)
async def test_v13_device_call(
    pw: PushwooshClient,
    router: respx.Router,
    case: tuple[Command[Any], str, dict[str, Any], Any, Result],
) -> None:
    """POST to /json/1.3/<method>, device token in the header, wrapped body with the app filled."""
    command, method, body, data, expected = case
    request, result = await send(pw, router, command, ok(data))
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert request.headers["Authorization"] == "Token DEVICE_API_TOKEN"
    assert json.loads(request.content) == {"request": {**body, "application": APP}}
    assert result == expected


async def test_delete_user_goes_to_device_api_v2_unwrapped(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """deleteUser: the v2 device API path, unwrapped body (snake_case user_id), header token."""
    request, result = await send(pw, router, DeleteUser(user_id="customer-1042"), {})
    assert request.method == "POST"
    assert str(request.url) == f"{API}/api/v2/device-api/deleteUser"
    assert request.headers["Authorization"] == "Token DEVICE_API_TOKEN"
    assert json.loads(request.content) == {"application": APP, "user_id": "customer-1042"}
    assert result == Accepted()


def test_accepted_reads_any_body() -> None:
    """The undocumented deleteUser reply: object keys are kept, anything else is ignored."""
    assert Accepted.unwrap("OK") is None
    assert Accepted.unwrap({"status": "queued"}) == {"status": "queued"}


async def test_post_event_always_sends_attributes(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """attributes "may be {} but must be present"."""
    request, _ = await send(pw, router, PostEvent(user_id="u1", event="Login"), ok(None))
    sent = json.loads(request.content)["request"]
    assert sent == {"application": APP, "userId": "u1", "event": "Login", "attributes": {}}


def test_post_event_needs_hwid_or_user() -> None:
    with pytest.raises(ValidationError, match="hwid, user_id or both"):
        PostEvent(event="Login")


@pytest.mark.parametrize(
    "make", [lambda: UnregisterDevice(hwid=""), lambda: PushStat(hwid="h", hash="")]
)
def test_required_ids_must_not_be_empty(make: Any) -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        make()


def test_recording_calls_are_not_idempotent() -> None:
    """Calls that record an occurrence would count it twice if retried."""
    for command in (ApplicationOpen, PushStat, MessageDeliveryEvent, SetPurchase, PostEvent):
        assert command.idempotent is False
    for command in (UnregisterDevice, CheckDevice, DeleteDevice, RegisterUser, DeleteUser):
        assert command.idempotent is True
