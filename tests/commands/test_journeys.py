"""Customer Journey commands: journey.pushwoosh.com, unwrapped bodies, ``Authorization: Api``."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands.journeys import (
    Journey,
    JourneyDropUsers,
    JourneyEntry,
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
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, journey, printed, send
from tests.support import APPLICATION, example

EX = example("customer_journey.examples.json")
UUID = "11111111-2222-3333-4444-555555555555"
RUNNING = Journey(
    info=JourneyInfo(
        uuid=UUID,
        title="Welcome series",
        status=JourneyStatus.RUNNING,
        params={"application_code": APPLICATION},
    )
)


def documented(call: str, body: Any) -> dict[str, Any]:
    """A journey call as the catalogue prints it, with the catalogue's Authorization header."""
    return printed(call, {"Authorization": EX["headers"]["Authorization"]}, body)


LIFECYCLE = [
    ("start", JourneygatewayStart),
    ("pause", JourneygatewayPause),
    ("finish", JourneygatewayFinish),
    ("draft", JourneygatewayDraft),
    ("archive", JourneygatewayArchive),
]

CASES = [
    WireCase(
        "journeygateway-start-example",
        JourneygatewayStart(uuid=UUID),
        **documented(EX["lifecycle_call"], EX["lifecycle_request"]),
        reply=EX["lifecycle_response"],
        result=RUNNING,
    ),
    *(
        WireCase(
            f"journeygateway-{action}",
            command_type(uuid=UUID),
            **journey("POST", f"/api/v3/journeygateway/{action}", EX["lifecycle_request"]),
            reply=EX["lifecycle_response"],
            result=RUNNING,
        )
        for action, command_type in LIFECYCLE
    ),
    WireCase(
        "journeygateway-create",
        JourneygatewayCreate(
            title="Welcome series",
            params={"application_code": APPLICATION},
            points=[{"uuid": "p1", "type": "start"}],
        ),
        **journey(
            "POST",
            "/api/v3/journeygateway",
            {
                "title": "Welcome series",
                "params": {"application_code": APPLICATION},
                "points": [{"uuid": "p1", "type": "start"}],
            },
        ),
        reply={**EX["lifecycle_response"], "info": {"uuid": UUID, "status": "STATUS_DRAFT"}},
        result=Journey(info=JourneyInfo(uuid=UUID, status=JourneyStatus.DRAFT)),
    ),
    WireCase(
        "journeygateway-update-put-uuid-in-path",
        JourneygatewayUpdate(
            uuid=UUID,
            title="Renamed",
            params={"application_code": APPLICATION},
            extra={"comments": []},
        ),
        **journey(
            "PUT",
            f"/api/v3/journeygateway/{UUID}",
            {"title": "Renamed", "params": {"application_code": APPLICATION}, "comments": []},
        ),
        reply=EX["lifecycle_response"],
        result=RUNNING,
    ),
    WireCase(
        "journey-start-by-api-example",
        JourneyStartByAPI(
            id=UUID,
            payload=JourneyStartPayload(
                users=["customer-1042"], attribute_values={"promo_code": "WELCOME10"}
            ),
        ),
        **documented(EX["start_by_api_call"], EX["start_by_api_request"]),
        reply={"request_uuid": "9f8b7c6d-5e4f-3a2b-1c0d-9e8f7a6b5c4d"},
        result=JourneyEntry(request_uuid="9f8b7c6d-5e4f-3a2b-1c0d-9e8f7a6b5c4d"),
    ),
    WireCase(
        "journey-statistics-get-example",
        JourneyStatistics(id=UUID),
        **documented(EX["stats_call"], None),
        reply=EX["stats_response"],
        result=JourneyStats(
            title="Welcome series",
            points=(
                JourneyPointStats(
                    point_title="Send push",
                    campaign_code="AAAAA-00000",
                    preset_code="12345-67890",
                    point_stat={
                        "sent": 1500,
                        "opened": 120,
                        "uniqOpened": 118,
                        "conversion": 0.08,
                    },
                ),
            ),
        ),
    ),
    WireCase(
        "journey-drop-users-example",
        JourneyDropUsers(user_ids=["customer-1042"], all_journeys=True),
        **documented(EX["drop_users_call"], EX["drop_users_request"]),
        reply={},
        result=JourneyReply(),
    ),
]


@pytest.mark.parametrize(("action", "command_type"), [pytest.param(*c, id=c[0]) for c in LIFECYCLE])
def test_lifecycle_commands_are_named_by_their_path(action: str, command_type: type[Any]) -> None:
    """Each life-cycle transition is named "journeygateway/<action>"."""
    assert command_type.method == f"journeygateway/{action}"


def test_unknown_status_is_kept_raw() -> None:
    """A journey status newer than the library is kept as the raw string."""
    assert JourneyInfo(uuid=UUID, status="STATUS_NEW").status == "STATUS_NEW"
    assert JourneyInfo(uuid=UUID, status="STATUS_PAUSED").status is JourneyStatus.PAUSED


def test_create_needs_an_application_code() -> None:
    """A journey created without params.application_code is refused."""
    with pytest.raises(ValidationError, match="application_code"):
        JourneygatewayCreate(title="t", params={})


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="none"),
        pytest.param({"users": ["u"], "hwids": ["h"]}, id="users-and-hwids"),
        pytest.param({"hwids": ["h"], "filter": "A('x')"}, id="hwids-and-filter"),
    ],
)
def test_start_by_api_needs_exactly_one_audience(payload: dict[str, Any]) -> None:
    """Starting a journey names exactly one of users, hwids or filter."""
    with pytest.raises(ValidationError, match="exactly one"):
        JourneyStartByAPI(id=UUID, payload=payload)


def test_drop_users_needs_journeys_or_all() -> None:
    """Dropping users needs users and either journey uuids or all_journeys."""
    with pytest.raises(ValidationError):
        JourneyDropUsers(user_ids=["u"])
    with pytest.raises(ValidationError):
        JourneyDropUsers(user_ids=[], all_journeys=True)
    assert JourneyDropUsers(user_ids=["u"], journey_uuids=[UUID]).journey_uuids == (UUID,)


def test_creating_and_starting_are_not_retried() -> None:
    """Creating a journey or starting one by API is not idempotent."""
    assert JourneygatewayCreate.idempotent is False
    assert JourneyStartByAPI.idempotent is False


def test_names_are_the_catalogue_names() -> None:
    """Commands carry the catalogue's names, which say what they do."""
    assert JourneygatewayCreate.method == "journeygateway (create)"
    assert JourneygatewayUpdate.method == "journeygateway (update)"
    assert JourneyStartByAPI.method == "journey start by API"
    assert JourneyStatistics.method == "journey statistics"
    assert JourneyDropUsers.method == "journey drop users"


def test_update_is_a_replace_so_title_and_params_are_required() -> None:
    """A PUT replaces the journey: title and params.application_code are required, as on create."""
    with pytest.raises(TypeError):
        JourneygatewayUpdate(uuid=UUID, title="t")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        JourneygatewayUpdate(uuid=UUID, params={"application_code": APPLICATION})  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="application_code"):
        JourneygatewayUpdate(uuid=UUID, title="t", params={})
    with pytest.raises(ValidationError):
        JourneygatewayUpdate(uuid=UUID, title="", params={"application_code": APPLICATION})


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(JourneygatewayStart(uuid=UUID), {"points": []}, id="journey-without-info"),
        pytest.param(
            JourneygatewayStart(uuid=UUID), {"info": {"title": "t"}}, id="info-without-uuid"
        ),
        pytest.param(
            JourneyStartByAPI(id=UUID, payload={"users": ["u"]}), {}, id="entry-without-uuid"
        ),
    ],
)
async def test_a_reply_without_its_required_keys_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, command: Any, reply: Any
) -> None:
    """A journey object without info.uuid, or an entry without request_uuid, is a DecodeError."""
    with pytest.raises(DecodeError):
        await send(pw, router, command, reply)
