"""Email: createEmailMessage, the subscriber methods and getBouncedEmails."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.email import (
    BouncedEmailsRequest,
    CreateEmailMessage,
    DeleteEmail,
    EmailNotification,
    EmailSender,
    GetBouncedEmails,
    RegisterEmail,
    RegisterEmailUser,
    SetEmailTags,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import UUID, WireCase, v13_device, v13_server
from tests.support import APPLICATION, ok

LEGACY_NOTE = EmailNotification(
    preset="E1A2B-3C4D5",
    users=["customer-1042"],
    sender={"name": "Shop", "email": "shop@example.com"},
    transaction_id="t-1",
    extra={"email_template": "legacy"},
)


def subscriber(method: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A subscriber method: v1.3 with the Device API token and the client's application."""
    return v13_device(method, {"application": APPLICATION, **fields})


CASES = [
    # Each email gets a generated transactionId (the de-duplication key): any UUID.
    WireCase(
        "createEmailMessage-example",
        CreateEmailMessage(
            notifications=[
                EmailNotification(
                    preset="E1A2B-3C4D5",
                    subject=[{"default": "Your receipt"}, {"de": "Ihre Quittung"}],
                    devices=["jane@example.com"],
                    use_auto_registration=True,
                    dynamic_content_placeholders={"first_name": "Jane"},
                )
            ]
        ),
        **v13_server(
            "createEmailMessage",
            {
                "application": APPLICATION,
                "notifications": [
                    {
                        "send_date": "now",
                        "preset": "E1A2B-3C4D5",
                        "subject": [{"default": "Your receipt"}, {"de": "Ihre Quittung"}],
                        "devices": ["jane@example.com"],
                        "use_auto_registration": True,
                        "dynamic_content_placeholders": {"first_name": "Jane"},
                        "transactionId": UUID,
                    }
                ],
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    # The older documentation's fields: "from", an explicit transactionId, applications_group.
    WireCase(
        "createEmailMessage-older-doc-fields",
        CreateEmailMessage(notifications=[LEGACY_NOTE], applications_group="G-1"),
        **v13_server(
            "createEmailMessage",
            {
                "applications_group": "G-1",
                "notifications": [
                    {
                        "send_date": "now",
                        "preset": "E1A2B-3C4D5",
                        "users": ["customer-1042"],
                        "transactionId": "t-1",
                        "from": {"name": "Shop", "email": "shop@example.com"},
                        "email_template": "legacy",
                    }
                ],
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "registerEmail",
        RegisterEmail(
            email="jane@example.com", user_id="customer-1042", language="en", tz_offset=3600
        ),
        **subscriber(
            "registerEmail",
            {
                "email": "jane@example.com",
                "userId": "customer-1042",
                "language": "en",
                "tz_offset": 3600,
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "registerEmailUser",
        RegisterEmailUser(email="jane@example.com", user_id="customer-1042", tz_offset=0),
        **subscriber(
            "registerEmailUser",
            {"email": "jane@example.com", "userId": "customer-1042", "tz_offset": 0},
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "setEmailTags-extra",
        SetEmailTags(email="jane@example.com", tags={"City": "Berlin"}, extra={"x": 1}),
        **subscriber(
            "setEmailTags", {"email": "jane@example.com", "tags": {"City": "Berlin"}, "x": 1}
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "deleteEmail",
        DeleteEmail(email="jane@example.com"),
        **subscriber("deleteEmail", {"email": "jane@example.com"}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "getBouncedEmails",
        GetBouncedEmails(),
        **v13_server("getBouncedEmails", {}),
        reply=ok({"request_id": "r-1"}),
        result=BouncedEmailsRequest(request_id="r-1"),
    ),
]


def test_create_email_message_is_not_retried_blindly() -> None:
    """createEmailMessage is not idempotent (a retry must reuse the transactionId)."""
    assert not CreateEmailMessage.idempotent


def test_sender_is_read_from_a_wire_dict() -> None:
    """The older docs' sender, given as a dict, becomes an EmailSender."""
    assert LEGACY_NOTE.sender == EmailSender(name="Shop", email="shop@example.com")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({}, "no target", id="no-target"),
        pytest.param(
            {"devices": ["a@example.com"], "broadcast": True}, "contradicts", id="devices-and-all"
        ),
        pytest.param(
            {"devices": [f"u{i}@example.com" for i in range(1001)]}, "1 to 1000", id="1001-devices"
        ),
        pytest.param({"users": []}, "1 to 1000", id="no-users"),
        pytest.param({"filter": "F", "send_date": "soon"}, "send_date", id="bad-send-date"),
    ],
)
def test_email_notification_validation(kwargs: dict[str, Any], message: str) -> None:
    """An email notification without a valid target or send_date is refused."""
    with pytest.raises(ValidationError, match=message):
        EmailNotification(preset="E1A2B-3C4D5", **kwargs)


def test_email_broadcast_is_explicit() -> None:
    """broadcast=True is the way to send to everyone; application and group exclude each other."""
    assert EmailNotification(preset="P", broadcast=True).broadcast
    with pytest.raises(ValidationError):
        CreateEmailMessage(
            notifications=[EmailNotification(preset="P", filter="F")],
            application="A",
            applications_group="G",
        )


def test_subscriber_methods_need_an_email() -> None:
    """registerEmail without an email, or registerEmailUser without a user, is refused."""
    with pytest.raises(ValidationError):
        RegisterEmail(email="")
    with pytest.raises(ValidationError):
        RegisterEmailUser(email="a@example.com", user_id="")


async def test_create_email_message_is_retried_with_the_same_transaction_id(
    make_client: Callable[..., PushwooshClient], router: respx.Router
) -> None:
    """A lost reply is retried, and both attempts carry the same transactionId."""
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) == 1:
            return httpx.Response(503, text="busy")
        return httpx.Response(200, json=ok())

    router.route().mock(side_effect=handler)
    pw = make_client(retry=RetryPolicy(initial_delay=0, jitter=0))
    email = EmailNotification(preset="P-1", devices=["jane@example.com"])
    await pw(CreateEmailMessage(notifications=[email]))
    ids = [b["request"]["notifications"][0]["transactionId"] for b in bodies]
    assert len(ids) == 2
    assert ids[0] == ids[1]


@pytest.mark.parametrize(
    "response", [pytest.param({}, id="missing"), pytest.param({"request_id": ""}, id="empty")]
)
async def test_bounced_emails_reply_without_request_id_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, response: Any
) -> None:
    """getBouncedEmails always answers a request_id: a reply without one is refused."""
    router.route().mock(return_value=httpx.Response(200, json=ok(response)))
    with pytest.raises(DecodeError):
        await pw(GetBouncedEmails())
