"""Audience v2 commands: bulkSetTags, its job status (GET) and bulkRegisterDevice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pushwoosh_async import BulkSetTags
from pushwoosh_async.commands import BulkSetTagsJob, DeviceTags
from pushwoosh_async.commands.audience import (
    BulkDevice,
    BulkDeviceOutcome,
    BulkRegisterDevice,
    BulkRegisterDeviceResult,
    BulkSetTagsJobStatus,
    BulkSetTagsStatus,
)
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, audience_v2, server_get
from tests.support import APPLICATION, mock_client

REQUEST_ID = "3f2b9d0e-6a1c-4b7e-8f21-9c0d5e4a3b12"
HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"
BULK = BulkSetTags(devices=[DeviceTags(hwid=HWID, tags={"Plan": "pro"})])

CASES = [
    # The catalogue example: unwrapped body, server token as ``auth``, no header.
    WireCase(
        "bulkSetTags",
        BulkSetTags(
            create_missing_tags=False,
            devices=[
                DeviceTags(hwid=HWID, tags={"Plan": "pro"}),
                DeviceTags(
                    user_id="customer-2077",
                    list_operator="append",
                    tags={"Favorite categories": ["hats"]},
                ),
            ],
        ),
        **audience_v2(
            "bulkSetTags",
            {
                "application": APPLICATION,
                "create_missing_tags": False,
                "devices": [
                    {"hwid": HWID, "tags": {"Plan": "pro"}},
                    {
                        "user_id": "customer-2077",
                        "list_operator": "append",
                        "tags": {"Favorite categories": ["hats"]},
                    },
                ],
            },
        ),
        reply={"request_id": REQUEST_ID, "status": "Pending"},
        result=BulkSetTagsJob(request_id=REQUEST_ID, status="Pending"),
    ),
    # The id is in the path and not repeated in the query; a GET has no body, so the token
    # travels in the header (where it goes is not documented: it must travel somehow).
    WireCase(
        "bulkSetTags-status-get",
        BulkSetTagsStatus(request_id=REQUEST_ID),
        **server_get(f"/api/v2/audience/bulkSetTags/{REQUEST_ID}"),
        reply={"request_id": REQUEST_ID, "status": "Pending", "progress": 10, "eta": 3},
        result=BulkSetTagsJobStatus(
            request_id=REQUEST_ID, status="Pending", progress=10, extra={"eta": 3}
        ),
    ),
    # detailed=True is a JSON boolean in the query, as the page writes ?detailed=false.
    WireCase(
        "bulkSetTags-status-detailed",
        BulkSetTagsStatus(request_id="r-1", detailed=True, extra={"verbose": "1"}),
        **server_get("/api/v2/audience/bulkSetTags/r-1?detailed=true&verbose=1"),
        reply={
            "request_id": "r-1",
            "status": "Completed",
            "progress": 100,
            "devices_success": 1,
            "devices_not_found": 1,
            "devices_failed": 0,
            "devices": [
                {"hwid": HWID, "status": "done"},
                {"user_id": "u-9", "status": "not_found", "errors": ["user not found"]},
            ],
        },
        result=BulkSetTagsJobStatus(
            request_id="r-1",
            status="Completed",
            progress=100,
            devices_success=1,
            devices_not_found=1,
            devices_failed=0,
            devices=(
                BulkDeviceOutcome(hwid=HWID, status="done"),
                BulkDeviceOutcome(user_id="u-9", status="not_found", errors=("user not found",)),
            ),
        ),
    ),
    # Unwrapped body with auth and the client's application; unknown reply keys in extra.
    WireCase(
        "bulkRegisterDevice",
        BulkRegisterDevice(
            devices=[
                BulkDevice(
                    hwid="ann@example.com",
                    push_token="ann@example.com",
                    platform=DeviceType.EMAIL,
                    tags={"Plan": "pro"},
                ),
                {
                    "hwid": "h2",
                    "push_token": "tok",
                    "platform": 3,
                    "list_operator": "append",
                    "tags": {"Favorite categories": ["hats"]},
                    "extra": {"language": "de"},
                },
            ]
        ),
        **audience_v2(
            "bulkRegisterDevice",
            {
                "application": APPLICATION,
                "devices": [
                    {
                        "hwid": "ann@example.com",
                        "push_token": "ann@example.com",
                        "platform": 14,
                        "tags": {"Plan": "pro"},
                    },
                    {
                        "hwid": "h2",
                        "push_token": "tok",
                        "platform": 3,
                        "list_operator": "append",
                        "tags": {"Favorite categories": ["hats"]},
                        "language": "de",
                    },
                ],
            },
        ),
        reply={"request_id": "R-9", "status": "Pending", "queued": 2},
        result=BulkRegisterDeviceResult(request_id="R-9", status="Pending", extra={"queued": 2}),
    ),
]


def test_empty_devices_and_request_ids_are_refused() -> None:
    """bulkRegisterDevice without devices, or a status query without an id, is refused."""
    with pytest.raises(ValidationError, match="empty"):
        BulkRegisterDevice(devices=[])
    with pytest.raises(ValidationError, match="empty"):
        BulkSetTagsStatus(request_id="")


def test_bulk_register_is_not_retried_and_status_is_a_named_get() -> None:
    """bulkRegisterDevice is not idempotent; the status query is the GET "bulkSetTags status"."""
    assert BulkRegisterDevice.idempotent is False
    assert BulkSetTagsStatus.method == "bulkSetTags status"
    assert BulkSetTagsStatus.http_method == "GET"


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(BULK, {"status": "Pending"}, id="bulkSetTags-no-request-id"),
        pytest.param(BULK, {"request_id": "", "status": "Pending"}, id="bulkSetTags-empty-id"),
        pytest.param(BULK, {"request_id": "r"}, id="bulkSetTags-no-status"),
        pytest.param(BulkSetTagsStatus(request_id="r"), {"progress": 5}, id="status-no-status"),
    ],
)
async def test_replies_without_their_documented_keys_are_decode_errors(
    command: Any, reply: Any
) -> None:
    """A bulk reply missing the documented request_id or status is a DecodeError."""
    async with mock_client(lambda _: httpx.Response(200, json=reply)) as pw:
        with pytest.raises(DecodeError):
            await pw(command)
