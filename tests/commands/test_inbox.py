"""Inbox commands: the catalogue example, message structuring, status values (Device API)."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.inbox import (
    GetInboxMessages,
    InboxMessage,
    InboxMessages,
    InboxMessageStatus,
    InboxStatus,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import DEVICE_AUTH, WireCase, send, v13_device
from tests.support import API, APPLICATION, example, ok

HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"
EX = example("inbox.getInboxMessages.json")
MESSAGE = {
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


def inbox_status(status: Any) -> InboxStatus:
    """The catalogue's inboxStatus call, with ``status`` given as the caller has it."""
    return InboxStatus(
        inbox_code="1717243200000-AB12",
        user_id="customer-1042",
        status=status,
        hwid=HWID,
        time=1717243200,
    )


READ = v13_device(
    "inboxStatus",
    {
        "application": APPLICATION,
        "inbox_code": "1717243200000-AB12",
        "userId": "customer-1042",
        "status": 2,
        "hwid": HWID,
        "time": 1717243200,
    },
)

CASES = [
    # The catalogue example: request body and the (empty) page it returns.
    WireCase(
        "getInboxMessages-example",
        GetInboxMessages(hwid=HWID, user_id="customer-1042", last_code="", count=20),
        http_method="POST",
        url=f"{API}/json/1.3/getInboxMessages",
        headers=DEVICE_AUTH,
        body=EX["request"],
        reply=EX["response"],
        result=InboxMessages(messages=(), next="", deleted=(), new_inbox=0),
    ),
    # The documentation page's two request examples (their reply examples are truncated with
    # "...", so they are not vendored under tests/data/documented).
    WireCase(
        "getInboxMessages-documented-device-type",
        GetInboxMessages(application="XXXXX-XXXXX", user_id="user_name_1", device_type=1),
        **v13_device(
            "getInboxMessages",
            {"application": "XXXXX-XXXXX", "userId": "user_name_1", "device_type": 1},
        ),
        reply=EX["response"],
        result=InboxMessages(messages=(), next="", deleted=(), new_inbox=0),
    ),
    WireCase(
        "getInboxMessages-documented-paging",
        GetInboxMessages(
            application="XXXXX-XXXXX",
            user_id="user_name_1",
            hwid="some_hwid",
            last_code="",
            count=20,
        ),
        **v13_device(
            "getInboxMessages",
            {
                "application": "XXXXX-XXXXX",
                "userId": "user_name_1",
                "hwid": "some_hwid",
                "last_code": "",
                "count": 20,
            },
        ),
        reply=EX["response"],
        result=InboxMessages(messages=(), next="", deleted=(), new_inbox=0),
    ),
    # A page's messages are structured; keys not modelled land in the message's extra.
    WireCase(
        "getInboxMessages-page-structures-messages",
        GetInboxMessages(user_id=HWID, count=1),
        **v13_device("getInboxMessages", {"application": APPLICATION, "userId": HWID, "count": 1}),
        reply=ok(
            {
                "messages": [MESSAGE],
                "next": "1717243200000-AB12",
                "deleted": ["OLD-1"],
                "new_inbox": 1,
            }
        ),
        result=InboxMessages(
            messages=(
                InboxMessage(
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
                ),
            ),
            next="1717243200000-AB12",
            deleted=("OLD-1",),
            new_inbox=1,
        ),
    ),
    # The status goes out as its number, given as the enum or the raw value.
    WireCase(
        "inboxStatus-enum",
        inbox_status(InboxMessageStatus.READ),
        **READ,
        reply=ok(),
        result=Ack(),
    ),
    WireCase("inboxStatus-raw-int", inbox_status(2), **READ, reply=ok(), result=Ack()),
]


@pytest.mark.parametrize("missing", ["messages", "next", "deleted", "new_inbox"])
async def test_a_page_without_one_of_its_keys_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, missing: str
) -> None:
    """Every documented key of an inbox page is required: a reply lacking one is refused."""
    page = {"messages": [], "next": "", "deleted": [], "new_inbox": 0}
    del page[missing]
    with pytest.raises(DecodeError):
        await send(pw, router, GetInboxMessages(user_id=HWID), ok(page))


def test_inbox_status_is_a_closed_set() -> None:
    """A status outside 1-4 is refused."""
    with pytest.raises(ValidationError, match="status must be 1-4"):
        InboxStatus(inbox_code="c", user_id="u", status=5)


def test_inbox_commands_need_a_user() -> None:
    """getInboxMessages with an empty user id is refused."""
    with pytest.raises(ValidationError, match="must not be empty"):
        GetInboxMessages(user_id="")
