"""Device API commands (v1.3 with the Device API token, and device API v2): wire and results."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pushwoosh_async import GetTags, PushwooshClient, RegisterDevice, SetTags
from pushwoosh_async.commands import Ack, Tags
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
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, device_v2, send, v13_device
from tests.support import APPLICATION, ok

HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"
PUSH_TOKEN = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def device_call(method: str, fields: dict[str, Any]) -> dict[str, Any]:
    """v1.3 with the Device API token, the client's application filled in."""
    return v13_device(method, {**fields, "application": APPLICATION})


CASES = [
    # The catalogue examples of the three core device calls: no ``auth`` anywhere in the body.
    WireCase(
        "registerDevice",
        RegisterDevice(
            hwid=HWID,
            push_token=PUSH_TOKEN,
            device_type=1,
            language="en",
            timezone=7200,
            user_id="customer-1042",
            tags={
                "Plan": "pro",
                "Favorite categories": ["shoes", "bags"],
                "Signup date": "2024-11-03 10:00",
            },
        ),
        **device_call(
            "registerDevice",
            {
                "hwid": HWID,
                "push_token": PUSH_TOKEN,
                "device_type": 1,
                "language": "en",
                "timezone": 7200,
                "userId": "customer-1042",
                "tags": {
                    "Plan": "pro",
                    "Favorite categories": ["shoes", "bags"],
                    "Signup date": "2024-11-03 10:00",
                },
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "setTags",
        SetTags(hwid=HWID, tags={"Plan": "enterprise", "Orders count": 12}),
        **device_call(
            "setTags", {"hwid": HWID, "tags": {"Plan": "enterprise", "Orders count": 12}}
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "getTags",
        GetTags(user_id="customer-1042"),
        **device_call("getTags", {"userId": "customer-1042"}),
        reply=ok({"result": {"Language": "en", "Plan": "enterprise"}}),
        result=Tags(values={"Language": "en", "Plan": "enterprise"}),
    ),
    WireCase(
        "unregisterDevice",
        UnregisterDevice(hwid=HWID),
        **device_call("unregisterDevice", {"hwid": HWID}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "setBadge-zero",
        SetBadge(hwid=HWID, badge=0),
        **device_call("setBadge", {"hwid": HWID, "badge": 0}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "setBadge-badge",
        SetBadge(hwid=HWID, badge=3),
        **device_call("setBadge", {"hwid": HWID, "badge": 3}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "applicationOpen-wire-names",
        ApplicationOpen(
            hwid=HWID,
            device_type=DeviceType.ANDROID,
            user_id="customer-1042",
            timezone=7200,
            notification_types=7,
            sdk_version="6.7.1",
            extra={"android_package": "com.example.app"},
        ),
        **device_call(
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
        ),
        reply=ok({"required_inapps": []}),
        result=ApplicationOpened(extra={"required_inapps": []}),
    ),
    WireCase(
        "pushStat",
        PushStat(hwid=HWID, hash="r7Hd", meta_data={"source": "notification"}),
        **device_call(
            "pushStat", {"hwid": HWID, "hash": "r7Hd", "metaData": {"source": "notification"}}
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "messageDeliveryEvent",
        MessageDeliveryEvent(hwid=HWID, hash="r7Hd"),
        **device_call("messageDeliveryEvent", {"hwid": HWID, "hash": "r7Hd"}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "setPurchase-wire-names",
        SetPurchase(
            hwid=HWID,
            transaction_date="2024-06-01 12:00",
            quantity=2,
            currency="EUR",
            product_identifier="com.example.gems",
            price=4.99,
        ),
        **device_call(
            "setPurchase",
            {
                "hwid": HWID,
                "transactionDate": "2024-06-01 12:00",
                "quantity": 2,
                "currency": "EUR",
                "productIdentifier": "com.example.gems",
                "price": 4.99,
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "checkDevice",
        CheckDevice(hwid=HWID),
        **device_call("checkDevice", {"hwid": HWID}),
        reply=ok({"exist": True, "push_token_exist": False}),
        result=DeviceStatus(exist=True, push_token_exist=False),
    ),
    WireCase(
        "deleteDevice",
        DeleteDevice(hwid=HWID),
        **device_call("deleteDevice", {"hwid": HWID}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "registerUser",
        RegisterUser(hwid=HWID, user_id="customer-1042", tz_offset=7200, device_type=1),
        **device_call(
            "registerUser",
            {"hwid": HWID, "userId": "customer-1042", "tz_offset": 7200, "device_type": 1},
        ),
        reply=ok(),
        result=Ack(),
    ),
    # The catalogue example, request and response.
    WireCase(
        "postEvent-catalogue-example",
        PostEvent(
            hwid=HWID,
            user_id="customer-1042",
            event="CheckoutCompleted",
            attributes={"amount": 59.9, "currency": "EUR"},
            timestamp_utc=1717243200,
        ),
        **device_call(
            "postEvent",
            {
                "hwid": HWID,
                "userId": "customer-1042",
                "event": "CheckoutCompleted",
                "attributes": {"amount": 59.9, "currency": "EUR"},
                "timestampUTC": 1717243200,
            },
        ),
        reply=ok({"code": "61BC9-84DD0"}),
        result=EventHit(code="61BC9-84DD0"),
    ),
    # attributes "may be {} but must be present".
    WireCase(
        "postEvent-always-sends-attributes",
        PostEvent(user_id="u1", event="Login"),
        **device_call("postEvent", {"userId": "u1", "event": "Login", "attributes": {}}),
        reply=ok({"code": "61BC9-84DD1"}),
        result=EventHit(code="61BC9-84DD1"),
    ),
    # deleteUser: the v2 device API path, unwrapped body (snake_case user_id), header token.
    WireCase(
        "deleteUser-device-api-v2",
        DeleteUser(user_id="customer-1042"),
        **device_v2("deleteUser", {"application": APPLICATION, "user_id": "customer-1042"}),
        reply={},
        result=Accepted(),
    ),
]


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(GetTags(hwid=HWID), ok({}), id="getTags-without-result"),
        pytest.param(GetTags(hwid=HWID), ok(), id="getTags-null-response"),
        pytest.param(PostEvent(hwid=HWID, event="Login"), ok({}), id="postEvent-without-code"),
        pytest.param(PostEvent(hwid=HWID, event="Login"), ok({"code": ""}), id="postEvent-empty"),
    ],
)
async def test_a_reply_without_its_required_key_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, command: Any, reply: Any
) -> None:
    """getTags always answers ``result`` and postEvent a non-empty ``code``: anything less fails."""
    with pytest.raises(DecodeError):
        await send(pw, router, command, reply)


def test_set_badge_needs_the_badge() -> None:
    """setBadge without a badge number is a programming error, not a silent no-op."""
    with pytest.raises(TypeError, match="badge"):
        SetBadge(hwid=HWID)  # type: ignore[call-arg]


def test_accepted_reads_any_body() -> None:
    """The undocumented deleteUser reply: object keys are kept, anything else is ignored."""
    assert Accepted.unwrap("OK") is None
    assert Accepted.unwrap({"status": "queued"}) == {"status": "queued"}


def test_post_event_needs_hwid_or_user() -> None:
    """A postEvent naming neither a device nor a user is refused."""
    with pytest.raises(ValidationError, match="hwid, user_id or both"):
        PostEvent(event="Login")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: UnregisterDevice(hwid=""), id="unregisterDevice-hwid"),
        pytest.param(lambda: PushStat(hwid="h", hash=""), id="pushStat-hash"),
    ],
)
def test_required_ids_must_not_be_empty(make: Any) -> None:
    """An empty hwid or message hash is refused before anything is sent."""
    with pytest.raises(ValidationError, match="must not be empty"):
        make()


def test_recording_calls_are_not_idempotent() -> None:
    """Calls that record an occurrence would count it twice if retried."""
    for command in (ApplicationOpen, PushStat, MessageDeliveryEvent, SetPurchase, PostEvent):
        assert command.idempotent is False
    for command in (UnregisterDevice, CheckDevice, DeleteDevice, RegisterUser, DeleteUser):
        assert command.idempotent is True
