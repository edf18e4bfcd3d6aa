"""Messages v1.3: createTargetedMessage, cancelMessage, getPushHistory on the wire."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands._base import Command
from pushwoosh_async.commands.messages import (
    AndroidOptions,
    CancelMessage,
    CreateTargetedMessage,
    CreateTargetedMessageResult,
    GetPushHistory,
    IOSOptions,
    PushHistory,
    PushHistoryEntry,
    PushHistorySearch,
    RawResult,
)
from pushwoosh_async.errors import ValidationError

API = "https://api.pushwoosh.com"
FILTER = 'A("ABCDE-12345") * T("age", BETWEEN, [17, 20])'


def ok(response: Any) -> dict[str, Any]:
    return {"status_code": 200, "status_message": "OK", "response": response}


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
    router.clear()
    route = router.route().respond(json=reply)
    result = await client(command)
    assert route.call_count == 1
    request = route.calls.last.request
    return request, json.loads(request.content), result


async def test_create_targeted_message(client: PushwooshClient, router: respx.Router) -> None:
    command = CreateTargetedMessage(
        devices_filter=FILTER,
        content={"en": "Hi", "de": "Hallo"},
        campaign="C1234-56789",
        ios=IOSOptions(sound="ding.caf"),
        android={"android_header": "News"},
        extra={"link": "https://example.com"},
    )
    request, body, result = await send(client, router, command, ok({"messageCode": "ABCD-1"}))

    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/createTargetedMessage"
    assert "Authorization" not in request.headers
    assert body == {
        "request": {
            "auth": "SERVER_API_TOKEN",
            "devices_filter": FILTER,
            "send_date": "now",
            "content": {"en": "Hi", "de": "Hallo"},
            "campaign": "C1234-56789",
            "ios_sound": "ding.caf",
            "android_header": "News",
            "link": "https://example.com",
        }
    }
    assert result == CreateTargetedMessageResult(message_code="ABCD-1")
    assert command.android == AndroidOptions(header="News")
    assert not CreateTargetedMessage.idempotent


def test_create_targeted_message_validation() -> None:
    with pytest.raises(ValidationError):
        CreateTargetedMessage(devices_filter="")
    with pytest.raises(ValidationError, match="send_date"):
        CreateTargetedMessage(devices_filter=FILTER, send_date="tomorrow")


async def test_cancel_message_sends_extra_and_keeps_raw_reply(
    client: PushwooshClient, router: respx.Router
) -> None:
    command = CancelMessage(extra={"message": "ABCD-1"})
    request, body, result = await send(client, router, command, ok(None))

    assert str(request.url) == f"{API}/json/1.3/cancelMessage"
    assert body == {"request": {"auth": "SERVER_API_TOKEN", "message": "ABCD-1"}}
    assert result == RawResult()

    _, _, result = await send(client, router, command, ok({"cancelled": True}))
    assert result.extra == {"cancelled": True}


async def test_get_push_history(client: PushwooshClient, router: respx.Router) -> None:
    row = {
        "id": 2068991743,
        "createDate": "2024-05-02 09:14:20",
        "sendDate": "2024-05-02 09:14:19",
        "content": {"en": "Your order has shipped"},
        "url": "https://shop.example.com",
        "filter": "",
        "richPageId": 0,
        "geozone": '{"lat":52.5,"lng":13.4,"range":100}',
        "platforms": [1, 3],
    }
    command = GetPushHistory(search_by="notificationCode", value="ABCD-1", last_notification_id="9")
    request, body, result = await send(
        client, router, command, ok({"rows": [row], "lastNotificationID": "2068991743"})
    )

    assert str(request.url) == f"{API}/json/1.3/getPushHistory"
    assert body == {
        "request": {
            "auth": "SERVER_API_TOKEN",
            "searchBy": "notificationCode",
            "value": "ABCD-1",
            "lastNotificationID": "9",
        }
    }
    assert command.search_by is PushHistorySearch.NOTIFICATION_CODE
    assert result == PushHistory(
        rows=(
            PushHistoryEntry(
                id=2068991743,
                create_date="2024-05-02 09:14:20",
                send_date="2024-05-02 09:14:19",
                content={"en": "Your order has shipped"},
                url="https://shop.example.com",
                filter="",
                rich_page_id=0,
                geozone='{"lat":52.5,"lng":13.4,"range":100}',
                extra={"platforms": [1, 3]},
            ),
        ),
        extra={"lastNotificationID": "2068991743"},
    )


async def test_get_push_history_empty_reply(client: PushwooshClient, router: respx.Router) -> None:
    _, body, result = await send(client, router, GetPushHistory(), ok(None))
    assert body == {"request": {"auth": "SERVER_API_TOKEN"}}
    assert result == PushHistory()
