"""Messaging API v2: notify and cancel (unwrapped body, server token header)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.messaging_v2 import (
    Cancel,
    MessageType,
    Notify,
    NotifyResult,
    Payload,
    Schedule,
    Segment,
)
from pushwoosh_async.errors import ValidationError
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
# Plain dicts with wire names work; unknown schedule/payload keys ride in extra.
WIRE_SEGMENT = {
    **NOTIFY_EXAMPLE["segment"],
    "schedule": {"at": "2025-06-07T09:00:00Z", "tz": "UTC"},
}
FROM_DICTS = Notify(segment=WIRE_SEGMENT)
TRANSACTIONAL = {"application": "ABCDE-12345", "hwids": {"list": ["h1"]}}

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
        "notify-transactional-as-given",
        Notify(transactional=TRANSACTIONAL),
        **messaging_v2("notify", {"transactional": TRANSACTIONAL}),
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
            lambda: Notify(segment={"schedule": {}}, transactional={"hwids": ["h"]}),
            id="segment-and-transactional",
        ),
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
