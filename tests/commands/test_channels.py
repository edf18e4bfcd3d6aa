"""SMS, WhatsApp and Kakao: createSMSMessage, createWhatsAppMessage, createKakaoMessage."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async._converter import structure_one
from pushwoosh_async.commands._base import Command
from pushwoosh_async.commands.channels import (
    ChannelMessageResult,
    CreateKakaoMessage,
    CreateSMSMessage,
    CreateWhatsAppMessage,
    KakaoNotification,
    SMSNotification,
    WhatsAppNotification,
)
from pushwoosh_async.errors import ValidationError

API = "https://api.pushwoosh.com"
CODE = "9648-0B10ECB6-0D9F214D"
REPLY: dict[str, Any] = {
    "status_code": 200,
    "status_message": "OK",
    "response": {"Messages": [CODE]},
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


CASES = [
    pytest.param(
        CreateSMSMessage(
            notifications=[
                SMSNotification(
                    content="Your code is 482913",
                    devices=["+14155550123"],
                    use_auto_registration=True,
                )
            ]
        ),
        "/json/1.3/createSMSMessage",
        {
            "send_date": "now",
            "content": "Your code is 482913",
            "devices": ["+14155550123"],
            "use_auto_registration": True,
        },
        id="createSMSMessage",
    ),
    pytest.param(
        CreateWhatsAppMessage(
            notifications=[
                WhatsAppNotification(
                    content_id="order_update",
                    content_variables={"1": "Jane"},
                    language="en_US",
                    devices=["whatsapp:+14155550123"],
                )
            ]
        ),
        "/json/1.3/createWhatsAppMessage",
        {
            "send_date": "now",
            "content_id": "order_update",
            "content_variables": {"1": "Jane"},
            "language": "en_US",
            "devices": ["whatsapp:+14155550123"],
        },
        id="createWhatsAppMessage",
    ),
    pytest.param(
        CreateKakaoMessage(
            notifications=[
                KakaoNotification(
                    template="order_shipped",
                    users=["customer-1042"],
                    kakao_content_variables={"order": "1042"},
                )
            ]
        ),
        "/json/1.3/createKakaoMessage",
        {
            "send_date": "now",
            "template": "order_shipped",
            "users": ["customer-1042"],
            "kakao_content_variables": {"order": "1042"},
        },
        id="createKakaoMessage",
    ),
]


@pytest.mark.parametrize(("command", "path", "notification"), CASES)
async def test_channel_message_wire_and_result(
    client: PushwooshClient,
    router: respx.Router,
    command: Command[Any],
    path: str,
    notification: dict[str, Any],
) -> None:
    route = router.route().respond(json=REPLY)
    result = await client(command)

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "POST"
    assert str(request.url) == API + path
    assert "Authorization" not in request.headers
    assert json.loads(request.content) == {
        "request": {
            "auth": "SERVER_API_TOKEN",
            "application": "ABCDE-12345",
            "notifications": [notification],
        }
    }
    assert result == ChannelMessageResult(message_codes=(CODE,))
    assert not type(command).idempotent


def test_result_keeps_unknown_keys() -> None:
    reply = {"Messages": ["a"], "UnknownDevices": {"a": ["+1"]}}
    result = structure_one(reply, ChannelMessageResult)
    assert result == ChannelMessageResult(
        message_codes=("a",), extra={"UnknownDevices": {"a": ["+1"]}}
    )


def test_notifications_from_wire_dicts() -> None:
    command = CreateWhatsAppMessage(
        notifications=[{"content": "Hi", "devices": ["whatsapp:+4915112345678"]}]
    )
    assert command.notifications[0] == WhatsAppNotification(
        content="Hi", devices=["whatsapp:+4915112345678"]
    )


def test_kakao_datetime_send_date_has_seconds_in_utc() -> None:
    when = dt.datetime(2025, 6, 7, 11, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert KakaoNotification(template="t", devices=["kakao:x"], send_date=when).send_date == (
        "2025-06-07 09:00:05"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SMSNotification(content="x", devices=["+1", "+2"]), "exactly one recipient"),
        (lambda: SMSNotification(content="x", devices=[]), "exactly one recipient"),
        (lambda: SMSNotification(devices=["+1"]), "content or a preset"),
        (lambda: SMSNotification(content="x", devices=["+1"], send_date="x"), "send_date"),
        (
            lambda: CreateSMSMessage(
                notifications=[
                    SMSNotification(content="x", devices=["+1"]),
                    SMSNotification(content="y", devices=["+2"]),
                ]
            ),
            "one notification",
        ),
        (lambda: CreateSMSMessage(notifications=[]), "one notification"),
        (lambda: WhatsAppNotification(content="x", devices=["+1"]), "whatsapp:"),
        (lambda: WhatsAppNotification(devices=["whatsapp:+1"]), "content_id"),
        (lambda: KakaoNotification(template="t"), "devices or users"),
        (lambda: KakaoNotification(template="", users=["u"]), "template"),
        (lambda: CreateKakaoMessage(notifications=[]), "notifications"),
    ],
)
def test_validation(make: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()
