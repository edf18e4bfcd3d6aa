"""Messaging API v2: notify and cancel (unwrapped body, server token header)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.messaging_v2 import (
    Cancel,
    MessageType,
    Notify,
    NotifyResult,
    Payload,
    Schedule,
    Segment,
    Transactional,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, messaging_v2

CODE = "9A41-77B0C2D3-E4F5A6B7"
SALE = {"title": "Weekend sale", "body": "20% off until Sunday"}
OFERTA = {"title": "Oferta", "body": "20% de descuento"}
NOTIFY_EXAMPLE: dict[str, Any] = {
    "segment": {
        "application": "ABCDE-12345",
        "platforms": ["IOS", "ANDROID"],
        "code": "active_users",
        "message_type": "MESSAGE_TYPE_MARKETING",
        "payload": {
            "content": {
                "localized_content": {
                    "default": {"ios": SALE, "android": SALE},
                    "es": {"ios": OFERTA, "android": OFERTA},
                }
            },
            "custom_data": {"promo": "WKND20"},
        },
        "schedule": {"at": "2025-06-07T09:00:00Z"},
    }
}


SEGMENT = Notify(
    segment=Segment(
        application="ABCDE-12345",
        platforms=["IOS", "ANDROID"],
        code="active_users",
        message_type=MessageType.MARKETING,
        payload=Payload(
            content={
                "localized_content": {
                    "default": {"ios": SALE, "android": SALE},
                    "es": {"ios": OFERTA, "android": OFERTA},
                }
            },
            custom_data={"promo": "WKND20"},
        ),
        schedule=Schedule(at=dt.datetime(2025, 6, 7, 9, tzinfo=dt.timezone.utc)),
    )
)
# Plain dicts with wire names work; schedule keys the model lacks go in its extra, sent as given.
WIRE_SEGMENT = {
    **NOTIFY_EXAMPLE["segment"],
    "schedule": {"at": "2025-06-07T09:00:00Z", "tz": "UTC"},
}
FROM_DICTS = Notify(
    segment={
        **NOTIFY_EXAMPLE["segment"],
        "schedule": {"at": "2025-06-07T09:00:00Z", "extra": {"tz": "UTC"}},
    }
)
TRANSACTIONAL_WIRE: dict[str, Any] = {
    "schedule": {"after": "90s"},
    "application": "ABCDE-12345",
    "platforms": ["IOS"],
    "users": {"list": ["customer-1042"]},
    "payload": {"content": {"localized_content": {"default": {"ios": SALE}}}},
    "message_type": "MESSAGE_TYPE_TRANSACTIONAL",
    "return_unknown_identifiers": True,
}
TRANSACTIONAL = Transactional(
    schedule=Schedule(after=dt.timedelta(seconds=90)),
    application="ABCDE-12345",
    platforms=["IOS"],
    users=["customer-1042"],
    payload=Payload(content={"localized_content": {"default": {"ios": SALE}}}),
    message_type=MessageType.TRANSACTIONAL,
    return_unknown_identifiers=True,
)

CASES = [
    WireCase(
        "notify-segment-example",
        SEGMENT,
        **messaging_v2("notify", NOTIFY_EXAMPLE),
        reply={"result": {"message_code": CODE}},
        result=NotifyResult(message_code=CODE),
    ),
    WireCase(
        "notify-from-wire-dicts-and-extra",
        FROM_DICTS,
        **messaging_v2("notify", {"segment": WIRE_SEGMENT}),
        reply={"result": {"message_code": CODE, "status": "queued"}},
        result=NotifyResult(message_code=CODE, extra={"status": "queued"}),
    ),
    WireCase(
        "notify-transactional-typed",
        Notify(transactional=TRANSACTIONAL),
        **messaging_v2("notify", {"transactional": TRANSACTIONAL_WIRE}),
        reply={"result": {"message_code": CODE, "unknown_identifiers": {"users": []}}},
        result=NotifyResult(message_code=CODE, extra={"unknown_identifiers": {"users": []}}),
    ),
    # Wire dicts work, and keys the model lacks (test_devices), given in extra, go as given.
    WireCase(
        "notify-transactional-from-wire-dicts",
        Notify(
            transactional={
                "schedule": {},
                "hwids": {"list": ["h1"]},
                "extra": {"test_devices": True},
            }
        ),
        **messaging_v2(
            "notify",
            {"transactional": {"schedule": {}, "hwids": {"list": ["h1"]}, "test_devices": True}},
        ),
        reply={"result": {"message_code": CODE}},
        result=NotifyResult(message_code=CODE),
    ),
    WireCase(
        "cancel",
        Cancel(message_code=CODE),
        **messaging_v2("cancel", {"message_code": CODE}),
        reply={},
        result=Ack(),
    ),
]


def test_notify_is_not_retried() -> None:
    """Sending a notification is not idempotent."""
    assert not Notify.idempotent


def test_wire_dicts_become_values_with_extra() -> None:
    """A segment given as wire dicts is structured; the unknown schedule key lands in extra."""
    assert FROM_DICTS.segment is not None
    assert FROM_DICTS.segment.schedule.extra == {"tz": "UTC"}
    assert FROM_DICTS.segment.message_type is MessageType.MARKETING


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(Notify, id="neither-segment-nor-transactional"),
        pytest.param(
            lambda: Notify(
                segment={"schedule": {}}, transactional={"schedule": {}, "hwids": ["h"]}
            ),
            id="segment-and-transactional",
        ),
        pytest.param(
            lambda: Transactional(schedule={}, hwids=["h"], users=["u"]),
            id="transactional-two-lists",
        ),
        pytest.param(lambda: Transactional(schedule={}), id="transactional-no-list"),
        pytest.param(lambda: Transactional(schedule={}, hwids=[]), id="transactional-empty-list"),
        pytest.param(
            lambda: Schedule(at="2025-06-07T09:00:00Z", after="60s"), id="schedule-at-and-after"
        ),
        pytest.param(lambda: Schedule(after=-1), id="schedule-negative-delay"),
        pytest.param(
            lambda: Segment(schedule=Schedule(), code="a", expression='T("x", EQ, 1)'),
            id="code-and-expression",
        ),
        pytest.param(
            lambda: Segment(schedule=Schedule(), payload=Payload(), email_payload={}),
            id="payload-and-email-payload",
        ),
        pytest.param(
            lambda: Payload(silent=True, content={"localized_content": {}}),
            id="silent-with-content",
        ),
    ],
)
def test_notify_one_of_rules(make: Any) -> None:
    """Where the API allows exactly one of several members, two (or none) are refused."""
    with pytest.raises(ValidationError):
        make()


def test_naive_schedule_time_is_utc() -> None:
    """A naive schedule time is taken as UTC."""
    assert Schedule(at=dt.datetime(2025, 6, 7, 9, 30)).at == "2025-06-07T09:30:00Z"


def test_cancel_needs_a_code() -> None:
    """cancel with an empty message code is refused."""
    with pytest.raises(ValidationError):
        Cancel(message_code="")


def test_schedule_delay_is_a_protobuf_duration() -> None:
    """A delay in seconds or as a timedelta is sent as "<seconds>s"."""
    assert Schedule(after=dt.timedelta(minutes=2)).after == "120s"
    assert Schedule(after=1.5).after == "1.5s"


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param({"result": {}}, id="no-message-code"),
        pytest.param({"result": {"message_code": ""}}, id="empty-message-code"),
        pytest.param({}, id="no-result"),
    ],
)
async def test_notify_reply_without_a_code_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, reply: Any
) -> None:
    """notify always answers result.message_code: a reply without it is refused."""
    router.route().mock(return_value=httpx.Response(200, json=reply))
    with pytest.raises(DecodeError):
        await pw(Notify(transactional=TRANSACTIONAL))
