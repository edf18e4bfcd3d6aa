"""Successful replies that carry a warning: issued to the caller and kept on the result.

The suite runs with ``filterwarnings = error``, so any warning a test does not expect fails it.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import respx

from pushwoosh_async import CODE_NOT_AVAILABLE, CreateMessage, Notification, PushwooshClient
from pushwoosh_async.errors import LimitWarning, PushwooshWarning, UnknownDevicesWarning
from tests.support import ok

CODE = "7D1E-4C9A2B10-5F3E8A77"
SUBSCRIBER_LIMIT = (
    "Warnings: You have reached the subscriber limit. "
    "Push Message will be sent to 1 random device only"
)
ACTIVE_DEVICES_LIMIT = (
    "Warnings: You have exceeded the number of active devices allowed on your current "
    "subscription plan."
)
UNKNOWN = {CODE: ["hwid-unknown-1", "hwid-unknown-2"]}


def create() -> CreateMessage:
    return CreateMessage(
        notifications=[Notification(content="Hi", devices=["hwid-1", "hwid-unknown-1"])]
    )


async def send_warned(
    pw: PushwooshClient, router: respx.Router, reply: dict[str, Any], warning: type[Warning]
) -> tuple[Any, list[warnings.WarningMessage]]:
    """Send ``create()`` answered by ``reply``; the result and the ``warning``s it issued."""
    router.route().respond(json=reply)
    with pytest.warns(warning) as record:
        result = await pw(create())
    return result, list(record)


async def test_unknown_devices_warns_at_the_caller(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """UnknownDevices issues one UnknownDevicesWarning pointing at the caller's line."""
    result, record = await send_warned(
        pw, router, ok({"Messages": [CODE], "UnknownDevices": UNKNOWN}), UnknownDevicesWarning
    )

    assert len(record) == 1
    assert Path(record[0].filename) == Path(__file__)
    assert "2" in str(record[0].message)
    assert result.message_codes == (CODE,)


async def test_unknown_devices_kept_on_the_result(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """The warning is also on result.warnings, and the unknown devices on unknown_devices."""
    result, record = await send_warned(
        pw, router, ok({"Messages": [CODE], "UnknownDevices": UNKNOWN}), UnknownDevicesWarning
    )

    assert len(result.warnings) == 1
    assert type(result.warnings[0]) is UnknownDevicesWarning
    assert result.warnings[0] is record[0].message
    assert result.unknown_devices == {CODE: ("hwid-unknown-1", "hwid-unknown-2")}


@pytest.mark.parametrize(
    "message", [SUBSCRIBER_LIMIT, ACTIVE_DEVICES_LIMIT], ids=["subscriber", "active-devices"]
)
async def test_documented_limit_messages_warn(
    pw: PushwooshClient, router: respx.Router, message: str
) -> None:
    """Each documented "Warnings: ..." status_message issues a LimitWarning with that text."""
    result, record = await send_warned(pw, router, ok({"Messages": [CODE]}, message), LimitWarning)

    assert len(record) == 1
    assert str(record[0].message) == message
    assert Path(record[0].filename) == Path(__file__)
    assert result.message_codes == (CODE,)
    assert [type(w) for w in result.warnings] == [LimitWarning]
    assert str(result.warnings[0]) == message


async def test_limit_and_unknown_devices_together(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A reply with both a limit message and UnknownDevices issues and keeps both warnings."""
    reply = ok({"Messages": [CODE], "UnknownDevices": UNKNOWN}, SUBSCRIBER_LIMIT)
    result, record = await send_warned(pw, router, reply, PushwooshWarning)

    assert sorted(type(w.message).__name__ for w in record) == [
        "LimitWarning",
        "UnknownDevicesWarning",
    ]
    assert sorted(type(w).__name__ for w in result.warnings) == [
        "LimitWarning",
        "UnknownDevicesWarning",
    ]


@pytest.mark.parametrize(
    "response",
    [
        {"Messages": [CODE]},
        {"Messages": [CODE], "UnknownDevices": []},
        {"Messages": [CODE], "UnknownDevices": {}},
    ],
    ids=["no-unknown-devices", "unknown-devices-empty-list", "unknown-devices-empty-object"],
)
async def test_clean_reply_issues_no_warning(
    pw: PushwooshClient, router: respx.Router, response: dict[str, Any]
) -> None:
    """A plain OK reply (UnknownDevices absent or empty) issues no warning and keeps none."""
    router.route().respond(json=ok(response))

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = await pw(create())

    assert [str(w.message) for w in record] == []
    assert result.warnings == ()
    assert result.unknown_devices == {}


async def test_code_not_available_is_kept(pw: PushwooshClient, router: respx.Router) -> None:
    """CODE_NOT_AVAILABLE placeholders stay in message_codes, in order, next to real codes."""
    # The wire spelling, written out: the reply must not be built from the constant under test.
    router.route().respond(json=ok({"Messages": ["CODE_NOT_AVAILABLE", CODE]}))
    notification = Notification(content="Hi", devices=["hwid-1"])

    result = await pw(CreateMessage(notifications=[notification, notification]))

    assert result.message_codes == (CODE_NOT_AVAILABLE, CODE)
    assert CODE_NOT_AVAILABLE == "CODE_NOT_AVAILABLE"
