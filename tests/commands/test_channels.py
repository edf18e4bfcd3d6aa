"""SMS, WhatsApp and Kakao: createSMSMessage, createWhatsAppMessage, createKakaoMessage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async._converter import structure_one
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.channels import (
    ChannelMessageResult,
    CreateKakaoMessage,
    CreateSMSMessage,
    CreateWhatsAppMessage,
    KakaoNotification,
    SMSNotification,
    WhatsAppNotification,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, v13_server
from tests.support import APPLICATION, ok

CODE = "9648-0B10ECB6-0D9F214D"
SENT = ok({"Messages": [CODE]})


def one_notification(method: str, notification: dict[str, Any]) -> dict[str, Any]:
    """The v1.3 server-token shape of a channel message with the client's application."""
    return v13_server(method, {"application": APPLICATION, "notifications": [notification]})


CASES = [
    WireCase(
        "createSMSMessage",
        CreateSMSMessage(
            notifications=[
                SMSNotification(
                    content="Your code is 482913",
                    devices=["+14155550123"],
                    use_auto_registration=True,
                )
            ]
        ),
        **one_notification(
            "createSMSMessage",
            {
                "send_date": "now",
                "content": "Your code is 482913",
                "devices": ["+14155550123"],
                "use_auto_registration": True,
            },
        ),
        reply=SENT,
        result=ChannelMessageResult(message_codes=(CODE,)),
    ),
    WireCase(
        "createWhatsAppMessage",
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
        **one_notification(
            "createWhatsAppMessage",
            {
                "send_date": "now",
                "content_id": "order_update",
                "content_variables": {"1": "Jane"},
                "language": "en_US",
                "devices": ["whatsapp:+14155550123"],
            },
        ),
        reply=SENT,
        result=ChannelMessageResult(message_codes=(CODE,)),
    ),
    WireCase(
        "createKakaoMessage",
        CreateKakaoMessage(
            notifications=[
                KakaoNotification(
                    template="order_shipped",
                    users=["customer-1042"],
                    kakao_content_variables={"order": "1042"},
                )
            ]
        ),
        **one_notification(
            "createKakaoMessage",
            {
                "send_date": "now",
                "template": "order_shipped",
                "users": ["customer-1042"],
                "kakao_content_variables": {"order": "1042"},
            },
        ),
        reply=SENT,
        result=ChannelMessageResult(message_codes=(CODE,)),
    ),
]


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(CreateSMSMessage, id="createSMSMessage"),
        pytest.param(CreateWhatsAppMessage, id="createWhatsAppMessage"),
        pytest.param(CreateKakaoMessage, id="createKakaoMessage"),
    ],
)
def test_channel_messages_are_not_retried(command: type[Command[Any]]) -> None:
    """Sending a message is not idempotent: a retry could deliver it twice."""
    assert command.idempotent is False


def test_result_keeps_unknown_keys() -> None:
    """A channel message reply's keys beyond Messages are kept in extra."""
    reply = {"Messages": ["a"], "UnknownDevices": {"a": ["+1"]}}
    result = structure_one(reply, ChannelMessageResult)
    assert result == ChannelMessageResult(
        message_codes=("a",), extra={"UnknownDevices": {"a": ["+1"]}}
    )


def test_notifications_from_wire_dicts() -> None:
    """Notifications given as plain dicts with wire names become notification values."""
    command = CreateWhatsAppMessage(
        notifications=[{"content": "Hi", "devices": ["whatsapp:+4915112345678"]}]
    )
    assert command.notifications[0] == WhatsAppNotification(
        content="Hi", devices=["whatsapp:+4915112345678"]
    )


def test_kakao_datetime_send_date_has_seconds_in_utc() -> None:
    """An aware datetime send_date is sent as UTC "YYYY-MM-DD HH:MM:SS"."""
    when = dt.datetime(2025, 6, 7, 11, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert KakaoNotification(template="t", devices=["kakao:x"], send_date=when).send_date == (
        "2025-06-07 09:00:05"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: SMSNotification(content="x", devices=["+1", "+2"]),
            "exactly one recipient",
            id="sms-two-recipients",
        ),
        pytest.param(
            lambda: SMSNotification(content="x", devices=[]),
            "exactly one recipient",
            id="sms-no-recipient",
        ),
        pytest.param(
            lambda: SMSNotification(devices=["+1"]), "content or a preset", id="sms-no-content"
        ),
        pytest.param(
            lambda: SMSNotification(content="x", devices=["+1"], send_date="x"),
            "send_date",
            id="sms-bad-send-date",
        ),
        pytest.param(
            lambda: CreateSMSMessage(
                notifications=[
                    SMSNotification(content="x", devices=["+1"]),
                    SMSNotification(content="y", devices=["+2"]),
                ]
            ),
            "one notification",
            id="sms-two-notifications",
        ),
        pytest.param(
            lambda: CreateSMSMessage(notifications=[]), "one notification", id="sms-no-notification"
        ),
        pytest.param(
            lambda: WhatsAppNotification(content="x", devices=["+1"]),
            "whatsapp:",
            id="whatsapp-device-without-prefix",
        ),
        pytest.param(
            lambda: WhatsAppNotification(devices=["whatsapp:+1"]),
            "content_id",
            id="whatsapp-no-content",
        ),
        pytest.param(
            lambda: KakaoNotification(template="t"), "devices or users", id="kakao-no-target"
        ),
        pytest.param(
            lambda: KakaoNotification(template="", users=["u"]),
            "template",
            id="kakao-empty-template",
        ),
        pytest.param(
            lambda: CreateKakaoMessage(notifications=[]),
            "notifications",
            id="kakao-no-notification",
        ),
    ],
)
def test_validation(make: Any, message: str) -> None:
    """A channel message breaking a documented rule is refused before anything is sent."""
    with pytest.raises(ValidationError, match=message):
        make()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
async def test_reply_without_messages_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, case: WireCase
) -> None:
    """A channel send always answers its codes (``Messages``): a reply without them is refused."""
    router.route().mock(return_value=httpx.Response(200, json=ok({})))
    with pytest.raises(DecodeError):
        await pw(case.command)
