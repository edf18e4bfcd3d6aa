"""Inbox commands: wire rendering, the catalogue example, message structuring, status values."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command, Result
from pushwoosh_async.commands.inbox import (
    GetInboxMessages,
    InboxMessage,
    InboxMessages,
    InboxMessageStatus,
    InboxStatus,
)
from pushwoosh_async.errors import ValidationError

API = "https://api.pushwoosh.com"
APP = "ABCDE-12345"
HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"


async def send(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], response: Any
) -> tuple[httpx.Request, Result]:
    reply = {"status_code": 200, "status_message": "OK", "response": response}
    route = router.route().mock(return_value=httpx.Response(200, json=reply))
    result = await pw(command)
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Token DEVICE_API_TOKEN"
    return request, result


async def test_get_inbox_messages_catalogue_example(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """The catalogue example: request body and the (empty) page it returns."""
    command = GetInboxMessages(hwid=HWID, user_id="customer-1042", last_code="", count=20)
    response = {"messages": [], "next": "", "deleted": [], "new_inbox": 0}
    request, result = await send(pw, router, command, response)
    assert str(request.url) == f"{API}/json/1.3/getInboxMessages"
    assert json.loads(request.content) == {
        "request": {
            "application": APP,
            "hwid": HWID,
            "userId": "customer-1042",
            "last_code": "",
            "count": 20,
        }
    }
    assert result == InboxMessages()


async def test_inbox_page_structures_messages(pw: PushwooshClient, router: respx.Router) -> None:
    message = {
        "order": "1717243200000-AB12",
        "inbox_id": "AB12-CD34",
        "title": "Sale",
        "text": "50% off",
        "send_date": 1717243200,
        "rt": 1719835200,
        "status": 1,
        "hash": "r7Hd",
        "action_type": 1,
        "action_params": '{"l": "https://shop.example"}',
        "image": "https://cdn.example/sale.png",
        "bulk_code": "X1",
    }
    response = {
        "messages": [message],
        "next": "1717243200000-AB12",
        "deleted": ["OLD-1"],
        "new_inbox": 1,
    }
    _, result = await send(pw, router, GetInboxMessages(user_id=HWID, count=1), response)
    assert isinstance(result, InboxMessages)
    assert result.next == "1717243200000-AB12"
    assert result.deleted == ("OLD-1",)
    assert result.new_inbox == 1
    (got,) = result.messages
    assert got == InboxMessage(
        order="1717243200000-AB12",
        inbox_id="AB12-CD34",
        title="Sale",
        text="50% off",
        send_date=1717243200,
        rt=1719835200,
        status=1,
        hash="r7Hd",
        action_type=1,
        action_params='{"l": "https://shop.example"}',
        image="https://cdn.example/sale.png",
        extra={"bulk_code": "X1"},
    )


@pytest.mark.parametrize("status", [InboxMessageStatus.READ, 2])
async def test_inbox_status(pw: PushwooshClient, router: respx.Router, status: Any) -> None:
    """The status goes out as its number, given as the enum or the raw value."""
    command = InboxStatus(
        inbox_code="1717243200000-AB12",
        user_id="customer-1042",
        status=status,
        hwid=HWID,
        time=1717243200,
    )
    request, result = await send(pw, router, command, None)
    assert str(request.url) == f"{API}/json/1.3/inboxStatus"
    assert json.loads(request.content) == {
        "request": {
            "application": APP,
            "inbox_code": "1717243200000-AB12",
            "userId": "customer-1042",
            "status": 2,
            "hwid": HWID,
            "time": 1717243200,
        }
    }
    assert result == Ack()


def test_inbox_status_is_a_closed_set() -> None:
    with pytest.raises(ValidationError, match="status must be 1-4"):
        InboxStatus(inbox_code="c", user_id="u", status=5)


def test_inbox_commands_need_a_user() -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        GetInboxMessages(user_id="")
