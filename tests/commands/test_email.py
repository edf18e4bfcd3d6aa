"""Email: createEmailMessage, the subscriber methods and getBouncedEmails on the wire."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands._base import Ack, Command
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
from pushwoosh_async.errors import ValidationError

API = "https://api.pushwoosh.com"
OK_NULL: dict[str, Any] = {"status_code": 200, "status_message": "OK", "response": None}


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
    client: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any = OK_NULL
) -> tuple[httpx.Request, Any, Any]:
    route = router.route().respond(json=reply)
    result = await client(command)
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "POST"
    return request, json.loads(request.content), result


async def test_create_email_message_example(client: PushwooshClient, router: respx.Router) -> None:
    command = CreateEmailMessage(
        notifications=[
            EmailNotification(
                preset="E1A2B-3C4D5",
                subject=[{"default": "Your receipt"}, {"de": "Ihre Quittung"}],
                devices=["jane@example.com"],
                use_auto_registration=True,
                dynamic_content_placeholders={"first_name": "Jane"},
            )
        ]
    )
    request, body, result = await send(client, router, command)

    assert str(request.url) == f"{API}/json/1.3/createEmailMessage"
    assert "Authorization" not in request.headers
    # Each email gets a generated transactionId (the de-duplication key); checked, then compared.
    transaction_id = body["request"]["notifications"][0].pop("transactionId")
    assert re.fullmatch(r"[0-9a-f-]{36}", transaction_id)
    assert body == {
        "request": {
            "auth": "SERVER_API_TOKEN",
            "application": "ABCDE-12345",
            "notifications": [
                {
                    "send_date": "now",
                    "preset": "E1A2B-3C4D5",
                    "subject": [{"default": "Your receipt"}, {"de": "Ihre Quittung"}],
                    "devices": ["jane@example.com"],
                    "use_auto_registration": True,
                    "dynamic_content_placeholders": {"first_name": "Jane"},
                }
            ],
        }
    }
    assert result == Ack()
    assert not CreateEmailMessage.idempotent


async def test_create_email_message_older_doc_fields(
    client: PushwooshClient, router: respx.Router
) -> None:
    note = EmailNotification(
        preset="E1A2B-3C4D5",
        users=["customer-1042"],
        sender={"name": "Shop", "email": "shop@example.com"},
        transaction_id="t-1",
        extra={"email_template": "legacy"},
    )
    assert note.sender == EmailSender(name="Shop", email="shop@example.com")
    _, body, _ = await send(
        client, router, CreateEmailMessage(notifications=[note], applications_group="G-1")
    )
    assert body["request"] == {
        "auth": "SERVER_API_TOKEN",
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
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "no target"),
        ({"devices": ["a@example.com"], "broadcast": True}, "contradicts"),
        ({"devices": [f"u{i}@example.com" for i in range(1001)]}, "1 to 1000"),
        ({"users": []}, "1 to 1000"),
        ({"filter": "F", "send_date": "soon"}, "send_date"),
    ],
)
def test_email_notification_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EmailNotification(preset="E1A2B-3C4D5", **kwargs)


def test_email_broadcast_is_explicit() -> None:
    assert EmailNotification(preset="P", broadcast=True).broadcast
    with pytest.raises(ValidationError):
        CreateEmailMessage(
            notifications=[EmailNotification(preset="P", filter="F")],
            application="A",
            applications_group="G",
        )


DEVICE_CASES = [
    pytest.param(
        RegisterEmail(
            email="jane@example.com", user_id="customer-1042", language="en", tz_offset=3600
        ),
        "/json/1.3/registerEmail",
        {
            "email": "jane@example.com",
            "userId": "customer-1042",
            "language": "en",
            "tz_offset": 3600,
        },
        id="registerEmail",
    ),
    pytest.param(
        RegisterEmailUser(email="jane@example.com", user_id="customer-1042", tz_offset=0),
        "/json/1.3/registerEmailUser",
        {"email": "jane@example.com", "userId": "customer-1042", "tz_offset": 0},
        id="registerEmailUser",
    ),
    pytest.param(
        SetEmailTags(email="jane@example.com", tags={"City": "Berlin"}, extra={"x": 1}),
        "/json/1.3/setEmailTags",
        {"email": "jane@example.com", "tags": {"City": "Berlin"}, "x": 1},
        id="setEmailTags",
    ),
    pytest.param(
        DeleteEmail(email="jane@example.com"),
        "/json/1.3/deleteEmail",
        {"email": "jane@example.com"},
        id="deleteEmail",
    ),
]


@pytest.mark.parametrize(("command", "path", "fields"), DEVICE_CASES)
async def test_subscriber_methods_use_the_device_token(
    client: PushwooshClient,
    router: respx.Router,
    command: Command[Any],
    path: str,
    fields: dict[str, Any],
) -> None:
    request, body, result = await send(client, router, command)

    assert str(request.url) == API + path
    assert request.headers["Authorization"] == "Token DEVICE_API_TOKEN"
    assert b"SERVER_API_TOKEN" not in request.content
    assert body == {"request": {"application": "ABCDE-12345", **fields}}
    assert result == Ack()


def test_subscriber_methods_need_an_email() -> None:
    with pytest.raises(ValidationError):
        RegisterEmail(email="")
    with pytest.raises(ValidationError):
        RegisterEmailUser(email="a@example.com", user_id="")


async def test_get_bounced_emails(client: PushwooshClient, router: respx.Router) -> None:
    reply = {"status_code": 200, "status_message": "OK", "response": {"request_id": "r-1"}}
    request, body, result = await send(client, router, GetBouncedEmails(), reply)

    assert str(request.url) == f"{API}/json/1.3/getBouncedEmails"
    assert "Authorization" not in request.headers
    assert body == {"request": {"auth": "SERVER_API_TOKEN"}}
    assert result == BouncedEmailsRequest(request_id="r-1")


async def test_create_email_message_is_retried_with_the_same_transaction_id() -> None:
    """A lost reply is retried, and both attempts carry the same transactionId."""
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) == 1:
            return httpx.Response(503, text="busy")
        return httpx.Response(
            200, json={"status_code": 200, "status_message": "OK", "response": None}
        )

    policy = RetryPolicy(initial_delay=0, jitter=0)
    email = EmailNotification(preset="P-1", devices=["jane@example.com"])
    async with PushwooshClient(
        "T", application="ABCDE-12345", transport=httpx.MockTransport(handler), retry=policy
    ) as pw:
        await pw(CreateEmailMessage(notifications=[email]))
    ids = [b["request"]["notifications"][0]["transactionId"] for b in bodies]
    assert len(ids) == 2
    assert ids[0] == ids[1]
