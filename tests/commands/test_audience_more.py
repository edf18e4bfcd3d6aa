"""Audience v2 commands beyond bulkSetTags: job status (GET) and bulkRegisterDevice."""

from __future__ import annotations

import json

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands.audience import (
    BulkDevice,
    BulkRegisterDevice,
    BulkRegisterDeviceResult,
    BulkSetTagsJobStatus,
    BulkSetTagsStatus,
)
from pushwoosh_async.enums import DeviceType
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import API, APP, TOKEN, send

REQUEST_ID = "3f2b9d0e-6a1c-4b7e-8f21-9c0d5e4a3b12"


async def test_bulk_set_tags_status_is_a_get_with_the_id_in_the_path(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """GET /api/v2/audience/bulkSetTags/{request_id}; the id is not repeated in the query."""
    request, result = await send(
        pw, router, BulkSetTagsStatus(request_id=REQUEST_ID), {"status": "Pending", "done": 10}
    )
    assert request.method == "GET"
    assert request.url.host == "api.pushwoosh.com"
    assert request.url.path == f"/api/v2/audience/bulkSetTags/{REQUEST_ID}"
    assert "request_id" not in request.url.params
    assert request.content == b""
    # Where the token goes on this GET is not documented: it must travel somehow.
    assert TOKEN in str(request.url) or TOKEN in request.headers.get("authorization", "")
    assert result == BulkSetTagsJobStatus(status="Pending", extra={"done": 10})


async def test_bulk_set_tags_status_extra_goes_to_the_query(
    pw: PushwooshClient, router: respx.Router
) -> None:
    request, _ = await send(
        pw, router, BulkSetTagsStatus(request_id="r-1", extra={"verbose": "1"}), {"status": "x"}
    )
    assert request.url.path == "/api/v2/audience/bulkSetTags/r-1"
    assert request.url.params["verbose"] == "1"


async def test_bulk_register_device_wire_and_result(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """Unwrapped body with auth and the client's application; unknown reply keys in extra."""
    command = BulkRegisterDevice(
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
                "language": "de",
            },
        ]
    )
    request, result = await send(
        pw, router, command, {"request_id": "R-9", "status": "Pending", "queued": 2}
    )
    assert request.method == "POST"
    assert str(request.url) == f"{API}/api/v2/audience/bulkRegisterDevice"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {
        "auth": TOKEN,
        "application": APP,
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
    }
    assert result == BulkRegisterDeviceResult(
        request_id="R-9", status="Pending", extra={"queued": 2}
    )


def test_validation_and_flags() -> None:
    with pytest.raises(ValidationError, match="empty"):
        BulkRegisterDevice(devices=[])
    with pytest.raises(ValidationError, match="empty"):
        BulkSetTagsStatus(request_id="")
    assert BulkRegisterDevice.idempotent is False
    assert BulkSetTagsStatus.name == "bulkSetTags status"
    assert BulkSetTagsStatus.http_method == "GET"
