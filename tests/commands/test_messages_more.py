"""Messages v1.3: createTargetedMessage, cancelMessage, getPushHistory."""

from __future__ import annotations

import pytest

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
from tests.commands.wire import WireCase, v13_server
from tests.support import ok

FILTER = 'A("ABCDE-12345") * T("age", BETWEEN, [17, 20])'
TARGETED = CreateTargetedMessage(
    devices_filter=FILTER,
    content={"en": "Hi", "de": "Hallo"},
    campaign="C1234-56789",
    ios=IOSOptions(sound="ding.caf"),
    android={"android_header": "News"},
    extra={"link": "https://example.com"},
)
HISTORY = GetPushHistory(search_by="notificationCode", value="ABCD-1", last_notification_id="9")
ROW = {
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

CASES = [
    # Platform options are flattened into the request under their wire names.
    WireCase(
        "createTargetedMessage",
        TARGETED,
        **v13_server(
            "createTargetedMessage",
            {
                "devices_filter": FILTER,
                "send_date": "now",
                "content": {"en": "Hi", "de": "Hallo"},
                "campaign": "C1234-56789",
                "ios_sound": "ding.caf",
                "android_header": "News",
                "link": "https://example.com",
            },
        ),
        reply=ok({"messageCode": "ABCD-1"}),
        result=CreateTargetedMessageResult(message_code="ABCD-1"),
    ),
    WireCase(
        "cancelMessage-extra-null-reply",
        CancelMessage(extra={"message": "ABCD-1"}),
        **v13_server("cancelMessage", {"message": "ABCD-1"}),
        reply=ok(None),
        result=RawResult(),
    ),
    WireCase(
        "cancelMessage-keeps-raw-reply",
        CancelMessage(extra={"message": "ABCD-1"}),
        **v13_server("cancelMessage", {"message": "ABCD-1"}),
        reply=ok({"cancelled": True}),
        result=RawResult(extra={"cancelled": True}),
    ),
    WireCase(
        "getPushHistory",
        HISTORY,
        **v13_server(
            "getPushHistory",
            {"searchBy": "notificationCode", "value": "ABCD-1", "lastNotificationID": "9"},
        ),
        reply=ok({"rows": [ROW], "lastNotificationID": "2068991743"}),
        result=PushHistory(
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
            last_notification_id="2068991743",
        ),
    ),
    WireCase(
        "getPushHistory-empty-reply",
        GetPushHistory(),
        **v13_server("getPushHistory", {}),
        reply=ok(None),
        result=PushHistory(),
    ),
]


def test_targeted_message_options_and_retries() -> None:
    """Android options given as wire dicts become AndroidOptions; sending is not idempotent."""
    assert TARGETED.android == AndroidOptions(header="News")
    assert not CreateTargetedMessage.idempotent


def test_push_history_search_is_an_enum() -> None:
    """getPushHistory's searchBy given as its wire string becomes the enum member."""
    assert HISTORY.search_by is PushHistorySearch.NOTIFICATION_CODE


def test_create_targeted_message_validation() -> None:
    """A targeted message needs a filter and a valid send_date."""
    with pytest.raises(ValidationError):
        CreateTargetedMessage(devices_filter="")
    with pytest.raises(ValidationError, match="send_date"):
        CreateTargetedMessage(devices_filter=FILTER, send_date="tomorrow")
