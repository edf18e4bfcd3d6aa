"""Customer journeys against the fake: definitions, the life cycle, API entries and drops."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    CreateMessage,
    JourneyDropUsers,
    JourneygatewayArchive,
    JourneygatewayCreate,
    JourneygatewayDraft,
    JourneygatewayFinish,
    JourneygatewayPause,
    JourneygatewayStart,
    JourneygatewayUpdate,
    JourneyStartByAPI,
    JourneyStatistics,
    JourneyStatus,
    Notification,
)
from pushwoosh_async.errors import APIError, BadRequest, NotFound
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing._state import Interaction
from tests.support import APPLICATION, fake_account, fake_client

PARAMS = {"application_code": APPLICATION}
ENTRY = {"uuid": "p1", "point_type": "POINT_TYPE_START_BY_API", "point_data": {"start_by_api": {}}}
PUSH = {
    "uuid": "p2",
    "title": "Send push",
    "point_type": "POINT_TYPE_SEND_PUSH",
    "point_data": {"send_push": {"campaign_code": "CAMP1-00000", "preset_code": "PRE-1"}},
}


@pytest.fixture
def account() -> FakePushwoosh:
    return fake_account()


@pytest.fixture
async def pw(account: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    async with fake_client(account) as client:
        yield client


async def running(pw: PushwooshClient, points: list[dict[str, Any]]) -> str:
    created = await pw(JourneygatewayCreate(title="Welcome", params=PARAMS, points=points))
    await pw(JourneygatewayStart(uuid=created.info.uuid))
    return created.info.uuid


async def test_the_documented_life_cycle(pw: PushwooshClient, account: FakePushwoosh) -> None:
    """Draft -> running -> paused -> running -> finished -> archived; each reply has the status."""
    created = await pw(JourneygatewayCreate(title="Welcome", params=PARAMS))
    uuid = created.info.uuid
    assert created.info.status is JourneyStatus.DRAFT
    steps = [
        (JourneygatewayStart, JourneyStatus.RUNNING),
        (JourneygatewayPause, JourneyStatus.PAUSED),
        (JourneygatewayStart, JourneyStatus.RUNNING),
        (JourneygatewayFinish, JourneyStatus.FINISHED),
        (JourneygatewayArchive, JourneyStatus.ARCHIVED),
    ]
    for command, status in steps:
        assert (await pw(command(uuid=uuid))).info.status is status
        assert account.state.journeys[uuid].status == status.value


@pytest.mark.parametrize(
    ("path", "command"),
    [
        pytest.param(["finish"], JourneygatewayStart, id="start-a-finished-journey"),
        pytest.param([], JourneygatewayPause, id="pause-a-draft"),
        pytest.param(["finish"], JourneygatewayDraft, id="draft-a-finished-journey"),
        pytest.param([], JourneygatewayFinish, id="finish-a-draft"),
        pytest.param(["archive"], JourneygatewayArchive, id="archive-twice"),
    ],
)
async def test_a_transition_its_status_does_not_allow_is_a_400(
    pw: PushwooshClient, path: list[str], command: Any
) -> None:
    """The gateway validates the current status: the refusal is gRPC style, HTTP 400."""
    uuid = (await pw(JourneygatewayCreate(title="t", params=PARAMS))).info.uuid
    await pw(JourneygatewayStart(uuid=uuid))
    await pw(JourneygatewayPause(uuid=uuid))
    transitions = {"finish": JourneygatewayFinish, "archive": JourneygatewayArchive}
    if not path:
        await pw(JourneygatewayDraft(uuid=uuid))
    for step in path:
        await pw(transitions[step](uuid=uuid))
    with pytest.raises(BadRequest) as refused:
        await pw(command(uuid=uuid))
    assert refused.value.http_status == 400
    assert refused.value.response["code"] == 3


async def test_update_replaces_the_definition(pw: PushwooshClient, account: FakePushwoosh) -> None:
    """A PUT is a replace: points left out are gone; a running journey cannot be edited."""
    created = await pw(JourneygatewayCreate(title="t", params=PARAMS, points=[ENTRY, PUSH]))
    uuid = created.info.uuid
    updated = await pw(JourneygatewayUpdate(uuid=uuid, title="Renamed", params=PARAMS))
    assert (updated.info.title, updated.points) == ("Renamed", ())
    assert account.state.journeys[uuid].points == []
    await pw(JourneygatewayStart(uuid=uuid))
    with pytest.raises(BadRequest, match="cannot be edited"):
        await pw(JourneygatewayUpdate(uuid=uuid, title="again", params=PARAMS))
    with pytest.raises(NotFound):
        await pw(JourneygatewayStart(uuid="00000000-0000-0000-0000-000000000000"))


async def test_start_by_api_enters_users_and_statistics_count_them(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """Users entered by API are in the journey; its messaging point's stats count them."""
    uuid = await running(pw, [ENTRY, PUSH])
    entry = await pw(JourneyStartByAPI(id=uuid, payload={"users": ["u1", "u2"]}))
    assert entry.request_uuid
    assert account.state.journeys[uuid].users == ["u1", "u2"]
    account.add_device("h1", user_id="u1")
    await pw(
        CreateMessage(
            notifications=[Notification(content="Hi", devices=["h1"], campaign="CAMP1-00000")]
        )
    )
    (code,) = account.state.messages
    account.state.opens.append(Interaction(code, "h1"))
    stats = await pw(JourneyStatistics(id=uuid))
    (point,) = stats.points
    assert (point.point_title, point.campaign_code, point.preset_code) == (
        "Send push",
        "CAMP1-00000",
        "PRE-1",
    )
    assert point.point_stat == {"sent": 2, "opened": 1, "uniqOpened": 1, "conversion": 0.5}


async def test_start_by_api_needs_a_running_journey_with_an_api_entry(
    pw: PushwooshClient,
) -> None:
    without_entry = await running(pw, [PUSH])
    with pytest.raises(BadRequest, match="API entry point"):
        await pw(JourneyStartByAPI(id=without_entry, payload={"users": ["u1"]}))
    draft = (await pw(JourneygatewayCreate(title="t", params=PARAMS, points=[ENTRY]))).info.uuid
    with pytest.raises(BadRequest, match="not running"):
        await pw(JourneyStartByAPI(id=draft, payload={"hwids": ["h1"]}))


async def test_drop_users_takes_them_out_of_active_journeys(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    first, second = await running(pw, [ENTRY]), await running(pw, [ENTRY])
    for uuid in (first, second):
        await pw(JourneyStartByAPI(id=uuid, payload={"users": ["u1", "u2"]}))
    await pw(JourneyDropUsers(user_ids=["u1"], journey_uuids=[first]))
    assert account.state.journeys[first].users == ["u2"]
    assert account.state.journeys[second].users == ["u1", "u2"]
    await pw(JourneyDropUsers(user_ids=["u2"], all_journeys=True))
    assert [account.state.journeys[u].users for u in (first, second)] == [[], ["u1"]]
    assert account.state.journeys[first].dropped == ["u1", "u2"]
    with pytest.raises(APIError):
        await pw(JourneyDropUsers(user_ids=["u1"], journey_uuids=["missing"]))
