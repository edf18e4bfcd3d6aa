"""Messages v1.3, the core calls: createMessage, deleteMessage, getMessageDetails.

Requests and replies are the catalogue's examples (vendored in tests/data/examples/), copied
here so the cases do not depend on that folder.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import (
    CreateMessage,
    DeleteMessage,
    GetMessageDetails,
    Notification,
    PushwooshClient,
)
from pushwoosh_async.commands import Ack, CreateMessageResult, MessageDetails
from pushwoosh_async.errors import DecodeError
from tests.commands.wire import UUID, WireCase, v13_server
from tests.support import APPLICATION, ok

MESSAGE_CODE = "7D1E-4C9A2B10-5F3E8A77"
DETAILS: dict[str, Any] = {
    "id": 2068991743,
    "created": "2024-05-02 09:14:20",
    "send_date": "2024-05-02 09:14:19",
    "status": "done",
    "content": {"en": "Your order has shipped"},
    "platforms": "[1,3]",
    "ignore_user_timezone": "1",
    "code": MESSAGE_CODE,
}
EXPECTED_DETAILS = MessageDetails(
    id=2068991743,
    code=MESSAGE_CODE,
    created="2024-05-02 09:14:20",
    send_date="2024-05-02 09:14:19",
    status="done",
    content={"en": "Your order has shipped"},
    platforms=(1, 3),
    ignore_user_timezone=True,
)

CASES = [
    # The catalogue example; each notification gets a generated UUID transactionId.
    WireCase(
        "createMessage",
        CreateMessage(
            notifications=[
                Notification(
                    send_date="now",
                    ignore_user_timezone=True,
                    content={
                        "en": "Your order has shipped",
                        "de": "Ihre Bestellung ist unterwegs",
                    },
                    title={"en": "Order #1042"},
                    users=["customer-1042"],
                    data={"order_id": 1042},
                    link="https://shop.example.com/orders/1042",
                    minimize_link=0,
                    platforms=[1, 3],
                )
            ]
        ),
        **v13_server(
            "createMessage",
            {
                "application": APPLICATION,
                "notifications": [
                    {
                        "send_date": "now",
                        "ignore_user_timezone": True,
                        "content": {
                            "en": "Your order has shipped",
                            "de": "Ihre Bestellung ist unterwegs",
                        },
                        "title": {"en": "Order #1042"},
                        "users": ["customer-1042"],
                        "data": {"order_id": 1042},
                        "link": "https://shop.example.com/orders/1042",
                        "minimize_link": 0,
                        "platforms": [1, 3],
                        "transactionId": UUID,
                    }
                ],
            },
        ),
        reply=ok({"Messages": [MESSAGE_CODE]}),
        result=CreateMessageResult(message_codes=(MESSAGE_CODE,), unknown_devices={}),
    ),
    # message_codes is a tuple in reply order, one code per notification.
    WireCase(
        "createMessage-two-codes-in-order",
        CreateMessage(
            notifications=[
                Notification(content="Hi", users=["customer-1042"]),
                Notification(content="Hi", users=["customer-1042"]),
            ]
        ),
        **v13_server(
            "createMessage",
            {
                "application": APPLICATION,
                "notifications": [
                    {
                        "send_date": "now",
                        "content": "Hi",
                        "users": ["customer-1042"],
                        "transactionId": UUID,
                    },
                ]
                * 2,
            },
        ),
        reply=ok({"Messages": [MESSAGE_CODE, "AAAA-BBBBBBBB-CCCCCCCC"]}),
        result=CreateMessageResult(
            message_codes=(MESSAGE_CODE, "AAAA-BBBBBBBB-CCCCCCCC"), unknown_devices={}
        ),
    ),
    # deleteMessage has no application field: none is sent although the client has one.
    WireCase(
        "deleteMessage",
        DeleteMessage(message=MESSAGE_CODE),
        **v13_server("deleteMessage", {"message": MESSAGE_CODE}),
        reply=ok(None),
        result=Ack(),
    ),
    # The details arrive as the response itself, or nested under "message".
    *(
        WireCase(
            f"getMessageDetails{suffix}",
            GetMessageDetails(message=MESSAGE_CODE),
            **v13_server("getMessageDetails", {"message": MESSAGE_CODE}),
            reply=ok(response),
            result=EXPECTED_DETAILS,
        )
        for suffix, response in (("", DETAILS), ("-nested", {"message": DETAILS}))
    ),
]


async def test_create_message_reply_without_messages_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A successful createMessage reply always lists the codes: one without them is refused."""
    router.route().mock(return_value=httpx.Response(200, json=ok({"UnknownDevices": []})))
    with pytest.raises(DecodeError):
        await pw(CreateMessage(notifications=[Notification(content="Hi", users=["u"])]))
