"""Messaging API v2: notify and cancel on the wire (unwrapped body, server token header)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands._base import Ack, Command
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

API = "https://api.pushwoosh.com"
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


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_called=False)


@pytest.fixture
async def client(router: respx.Router) -> AsyncIterator[PushwooshClient]:
    client = PushwooshClient(
        "SERVER_API_TOKEN",
        device_token="DEVICE_API_TOKEN",
        application="ABCDE-12345",
        transport=httpx.MockTransport(router.async_handler),
        retry=RetryPolicy.off(),
    )
    yield client
    await client.aclose()


async def send(
    client: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any
) -> tuple[httpx.Request, Any, Any]:
    route = router.route().respond(json=reply)
    result = await client(command)
    assert route.call_count == 1
    request = route.calls.last.request
    return request, json.loads(request.content), result


def assert_v2_call(request: httpx.Request, path: str) -> None:
    assert request.method == "POST"
    assert str(request.url) == API + path
    assert request.headers["Authorization"] == "Token SERVER_API_TOKEN"
    assert b"DEVICE_API_TOKEN" not in request.content


async def test_notify_segment_example(client: PushwooshClient, router: respx.Router) -> None:
    command = Notify(
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
    request, body, result = await send(client, router, command, {"result": {"message_code": CODE}})

    assert_v2_call(request, "/messaging/v2/notify")
    assert body == NOTIFY_EXAMPLE
    assert "auth" not in body
    assert result == NotifyResult(message_code=CODE)
    assert not Notify.idempotent


async def test_notify_from_wire_dicts_and_extra(
    client: PushwooshClient, router: respx.Router
) -> None:
    """Plain dicts with wire names work; unknown schedule/payload keys ride in extra."""
    segment = {**NOTIFY_EXAMPLE["segment"], "schedule": {"at": "2025-06-07T09:00:00Z", "tz": "UTC"}}
    command = Notify(segment=segment)
    assert command.segment is not None
    assert command.segment.schedule.extra == {"tz": "UTC"}
    assert command.segment.message_type is MessageType.MARKETING

    _, body, result = await send(
        client, router, command, {"result": {"message_code": CODE, "status": "queued"}}
    )
    assert body == {"segment": segment}
    assert result.extra == {"status": "queued"}


async def test_notify_transactional_is_sent_as_given(
    client: PushwooshClient, router: respx.Router
) -> None:
    transactional = {"application": "ABCDE-12345", "hwids": {"list": ["h1"]}}
    _, body, _ = await send(
        client, router, Notify(transactional=transactional), {"result": {"message_code": CODE}}
    )
    assert body == {"transactional": transactional}


@pytest.mark.parametrize(
    "make",
    [
        Notify,
        lambda: Notify(segment={"schedule": {}}, transactional={"hwids": ["h"]}),
        lambda: Segment(schedule=Schedule(), code="a", expression='T("x", EQ, 1)'),
        lambda: Segment(schedule=Schedule(), payload=Payload(), email_payload={}),
        lambda: Payload(silent=True, content={"localized_content": {}}),
    ],
)
def test_notify_one_of_rules(make: Any) -> None:
    with pytest.raises(ValidationError):
        make()


def test_naive_schedule_time_is_utc() -> None:
    assert Schedule(at=dt.datetime(2025, 6, 7, 9, 30)).at == "2025-06-07T09:30:00Z"


async def test_cancel(client: PushwooshClient, router: respx.Router) -> None:
    request, body, result = await send(client, router, Cancel(message_code=CODE), {})

    assert_v2_call(request, "/messaging/v2/cancel")
    assert body == {"message_code": CODE}
    assert result == Ack()


def test_cancel_needs_a_code() -> None:
    with pytest.raises(ValidationError):
        Cancel(message_code="")
