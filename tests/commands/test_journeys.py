"""Customer Journey commands: journey.pushwoosh.com, unwrapped bodies, ``Authorization: Api``."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands.journeys import (
    Journey,
    JourneyDropUsers,
    JourneygatewayArchive,
    JourneygatewayCreate,
    JourneygatewayDraft,
    JourneygatewayFinish,
    JourneygatewayPause,
    JourneygatewayStart,
    JourneygatewayUpdate,
    JourneyInfo,
    JourneyPointStats,
    JourneyReply,
    JourneyStartByAPI,
    JourneyStartPayload,
    JourneyStatistics,
    JourneyStats,
    JourneyStatus,
)
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (  # the shared helpers
    APP,
    EXAMPLES,
    JOURNEY,
    TOKEN,
    send,
)

EX = json.loads((EXAMPLES / "customer_journey.examples.json").read_text())
UUID = "11111111-2222-3333-4444-555555555555"


def journey_call(request: httpx.Request, method: str, path: str) -> Any:
    """Method, journey host and path, ``Api`` scheme; returns the decoded (unwrapped) body."""
    assert request.method == method
    assert str(request.url) == f"{JOURNEY}{path}"
    assert request.headers["authorization"] == f"Api {TOKEN}"
    return json.loads(request.content) if request.content else None


@pytest.mark.parametrize(
    ("command_type", "action"),
    [
        (JourneygatewayStart, "start"),
        (JourneygatewayPause, "pause"),
        (JourneygatewayFinish, "finish"),
        (JourneygatewayDraft, "draft"),
        (JourneygatewayArchive, "archive"),
    ],
)
async def test_lifecycle(
    pw: PushwooshClient, router: respx.Router, command_type: type[Any], action: str
) -> None:
    request, result = await send(pw, router, command_type(uuid=UUID), EX["lifecycle_response"])
    assert (
        journey_call(request, "POST", f"/api/v3/journeygateway/{action}") == EX["lifecycle_request"]
    )
    assert "auth" not in request.content.decode()
    assert command_type.name == f"journeygateway/{action}"
    assert result == Journey(
        info=JourneyInfo(
            uuid=UUID,
            title="Welcome series",
            status=JourneyStatus.RUNNING,
            params={"application_code": "ABCDE-12345"},
        )
    )


def test_unknown_status_is_kept_raw() -> None:
    assert JourneyInfo(status="STATUS_NEW").status == "STATUS_NEW"
    assert JourneyInfo(status="STATUS_PAUSED").status is JourneyStatus.PAUSED


async def test_create(pw: PushwooshClient, router: respx.Router) -> None:
    point = {"uuid": "p1", "type": "start"}
    command = JourneygatewayCreate(
        title="Welcome series", params={"application_code": APP}, points=[point]
    )
    draft = {**EX["lifecycle_response"], "info": {"uuid": UUID, "status": "STATUS_DRAFT"}}
    request, result = await send(pw, router, command, draft)
    assert journey_call(request, "POST", "/api/v3/journeygateway") == {
        "title": "Welcome series",
        "params": {"application_code": APP},
        "points": [point],
    }
    assert result.info is not None
    assert result.info.status is JourneyStatus.DRAFT
    assert JourneygatewayCreate.name == "journeygateway (create)"
    assert JourneygatewayCreate.idempotent is False


def test_create_needs_an_application_code() -> None:
    with pytest.raises(ValidationError, match="application_code"):
        JourneygatewayCreate(title="t", params={})


async def test_update_is_a_put_with_the_uuid_in_the_path(
    pw: PushwooshClient, router: respx.Router
) -> None:
    command = JourneygatewayUpdate(uuid=UUID, title="Renamed", extra={"comments": []})
    request, result = await send(pw, router, command, EX["lifecycle_response"])
    assert journey_call(request, "PUT", f"/api/v3/journeygateway/{UUID}") == {
        "title": "Renamed",
        "comments": [],
    }
    assert isinstance(result, Journey)
    assert JourneygatewayUpdate.name == "journeygateway (update)"


async def test_start_by_api(pw: PushwooshClient, router: respx.Router) -> None:
    payload = JourneyStartPayload(
        users=["customer-1042"], attribute_values={"promo_code": "WELCOME10"}
    )
    command = JourneyStartByAPI(id=UUID, payload=payload)
    request, result = await send(pw, router, command, {"accepted": True})
    body = journey_call(request, "POST", f"/api/journey/{UUID}/start/external")
    assert body == EX["start_by_api_request"]
    assert EX["start_by_api_call"] == f"POST {request.url}"
    assert result == JourneyReply(extra={"accepted": True})
    assert JourneyStartByAPI.idempotent is False


@pytest.mark.parametrize(
    "payload", [{}, {"users": ["u"], "hwids": ["h"]}, {"hwids": ["h"], "filter": "A('x')"}]
)
def test_start_by_api_needs_exactly_one_audience(payload: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        JourneyStartByAPI(id=UUID, payload=payload)


async def test_statistics_is_a_get(pw: PushwooshClient, router: respx.Router) -> None:
    request, result = await send(pw, router, JourneyStatistics(id=UUID), EX["stats_response"])
    assert journey_call(request, "GET", f"/api/journey/{UUID}/statistics/external") is None
    assert EX["stats_call"] == f"GET {request.url}"
    assert result == JourneyStats(
        title="Welcome series",
        points=(
            JourneyPointStats(
                point_title="Send push",
                campaign_code="AAAAA-00000",
                preset_code="12345-67890",
                point_stat={"sent": 1500, "opened": 120, "uniqOpened": 118, "conversion": 0.08},
            ),
        ),
    )


async def test_drop_users(pw: PushwooshClient, router: respx.Router) -> None:
    command = JourneyDropUsers(user_ids=["customer-1042"], all_journeys=True)
    request, result = await send(pw, router, command, {})
    body = journey_call(request, "POST", "/api/journey/drop-users/external")
    assert body == EX["drop_users_request"]
    assert result == JourneyReply()


def test_drop_users_needs_journeys_or_all() -> None:
    with pytest.raises(ValidationError):
        JourneyDropUsers(user_ids=["u"])
    with pytest.raises(ValidationError):
        JourneyDropUsers(user_ids=[], all_journeys=True)
    assert JourneyDropUsers(user_ids=["u"], journey_uuids=[UUID]).journey_uuids == (UUID,)


def test_names_are_the_catalogue_names() -> None:
    assert JourneyStartByAPI.name == "journey start by API"
    assert JourneyStatistics.name == "journey statistics"
    assert JourneyDropUsers.name == "journey drop users"
