"""Undocumented user-centric commands: unregisterUser (device token), getUsersDetails."""

from __future__ import annotations

import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.statistics import ScheduledRequest
from pushwoosh_async.commands.users import GetUsersDetails, UnregisterUser
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import WireCase, v13_device, v13_server
from tests.support import APPLICATION, ok

CASES = [
    WireCase(
        "unregisterUser-device-token",
        UnregisterUser(hwid="h1", user_id="customer-1042"),
        **v13_device(
            "unregisterUser", {"application": APPLICATION, "hwid": "h1", "userId": "customer-1042"}
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "getUsersDetails-is-scheduled",
        GetUsersDetails(extra={"users": ["customer-1042"]}),
        **v13_server("getUsersDetails", {"application": APPLICATION, "users": ["customer-1042"]}),
        reply=ok({"request_id": "r-9"}),
        result=ScheduledRequest(request_id="r-9"),
    ),
]


def test_unregister_user_needs_an_identity() -> None:
    """unregisterUser naming neither a device nor a user is refused."""
    with pytest.raises(ValidationError):
        UnregisterUser()
