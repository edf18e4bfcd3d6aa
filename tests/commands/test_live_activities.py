"""iOS Live Activities: startLiveActivity and updateLiveActivity (v1.3, token in the body)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    LiveActivity,
    LiveActivityEvent,
    LiveActivityResult,
    LiveActivityStart,
    LiveActivityUpdate,
    StartLiveActivity,
    UpdateLiveActivity,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, v13_server
from tests.support import APPLICATION, ok

ACTIVITY = "order-1042"
CODE = "C3F8-C3863ED4-334AD4F1"
STATE = {"status": "Preparing", "eta": "25 min"}

CASES = [
    WireCase(
        "startLiveActivity",
        StartLiveActivity(
            notifications=[
                LiveActivityStart(
                    content="Your order is being prepared",
                    live_activity=LiveActivity(
                        event=LiveActivityEvent.START,
                        content_state=STATE,
                        attributes_type="OrderAttributes",
                        attributes={"order": "1042"},
                    ),
                    live_activity_id=ACTIVITY,
                    users=["customer-1042"],
                )
            ]
        ),
        **v13_server(
            "startLiveActivity",
            {
                "application": APPLICATION,
                "notifications": [
                    {
                        "content": "Your order is being prepared",
                        "live_activity": {
                            "event": "start",
                            "content-state": STATE,
                            "attributes-type": "OrderAttributes",
                            "attributes": {"order": "1042"},
                        },
                        "live_activity_id": ACTIVITY,
                        "users": ["customer-1042"],
                    }
                ],
            },
        ),
        reply=ok({"Messages": [CODE]}),
        result=LiveActivityResult(message_codes=(CODE,)),
    ),
    WireCase(
        "updateLiveActivity-end",
        UpdateLiveActivity(
            notifications=[
                {
                    "live_activity": {
                        "event": "end",
                        "content-state": {"status": "Delivered"},
                        "dismissal-date": 1767225600,
                    },
                    "live_activity_id": ACTIVITY,
                }
            ]
        ),
        **v13_server(
            "updateLiveActivity",
            {
                "application": APPLICATION,
                "notifications": [
                    {
                        "live_activity": {
                            "event": "end",
                            "content-state": {"status": "Delivered"},
                            "dismissal-date": 1767225600,
                        },
                        "live_activity_id": ACTIVITY,
                    }
                ],
            },
        ),
        reply=ok({"Messages": [CODE]}),
        result=LiveActivityResult(message_codes=(CODE,)),
    ),
]


def test_live_activity_sends_are_not_retried() -> None:
    """Starting or updating a Live Activity is not idempotent."""
    assert not StartLiveActivity.idempotent
    assert not UpdateLiveActivity.idempotent


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: StartLiveActivity(notifications=[]), id="no-notification"),
        pytest.param(
            lambda: LiveActivityStart(live_activity={"content-state": {}}, live_activity_id=""),
            id="empty-activity-id",
        ),
        pytest.param(
            lambda: LiveActivityUpdate(live_activity={"content-state": {}}), id="update-no-target"
        ),
        pytest.param(lambda: LiveActivity(content_state="x"), id="content-state-not-an-object"),
        pytest.param(
            lambda: LiveActivityUpdate(
                live_activity={"content-state": {}},
                ios_live_activity={"content-state": {}},
                live_activity_id="a",
            ),
            id="update-two-blocks",
        ),
    ],
)
def test_live_activity_validation(make: Any) -> None:
    """A Live Activity without its id, target or content state is refused before sending."""
    with pytest.raises(ValidationError):
        make()


async def test_reply_without_messages_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """The reply always lists the message codes: one without ``Messages`` is refused."""
    router.route().mock(return_value=httpx.Response(200, json=ok({})))
    with pytest.raises(DecodeError):
        await pw(CASES[0].command)
