"""The fake's methods that have no command class yet, called with raw httpx requests."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pushwoosh_async.testing import FakePushwoosh
from tests.support import API_TOKEN, DEVICE_TOKEN, fake_account, raw_client, refused
from tests.support import APPLICATION as APP

DEVICE_AUTH = {"Authorization": f"Token {DEVICE_TOKEN}"}
EVERYONE = f'A("{APP}")'
"""A filter expression matching every device of the application."""


@pytest.fixture
def fake() -> FakePushwoosh:
    """A fake account with the test tokens and application, and device h1 of user u1."""
    fake = fake_account()
    fake.add_device("h1", user_id="u1")
    return fake


async def call(fake: FakePushwoosh, method: str, device: bool = False, **body: Any) -> Any:
    """POST a v1.3 method with the right token; the decoded JSON answer."""
    headers = DEVICE_AUTH if device else {}
    request = body if device else {**body, "auth": API_TOKEN}
    async with raw_client(fake) as client:
        response = await client.post(
            f"/json/1.3/{method}", json={"request": request}, headers=headers
        )
    return response.json()


def unwrap(answer: Any) -> Any:
    """The ``response`` of a v1.3 answer that must be a success (status_code 200)."""
    assert answer["status_code"] == 200, answer
    return answer["response"]


async def test_tags_are_created_listed_and_deleted(fake: FakePushwoosh) -> None:
    """addTag stores a typed tag, listTags shows it, a repeat is refused, deleteTag removes it."""
    unwrap(await call(fake, "addTag", tag={"name": "Plan", "type": 2}))
    assert (await call(fake, "addTag", tag={"name": "Plan", "type": 2}))["status_code"] == 210
    listed = unwrap(await call(fake, "listTags"))
    assert listed == {"tags": [{"name": "Plan", "type": 2, "isApplicationSpecific": False}]}
    unwrap(await call(fake, "deleteTag", tag={"name": "Plan"}))
    assert fake.state.tags == {}


async def test_filters_and_presets(fake: FakePushwoosh) -> None:
    """Filters and presets live in the account and are listed back."""
    unwrap(await call(fake, "createFilter", name="VIP", filter_expression=EVERYONE))
    listed = unwrap(await call(fake, "listFilters", application=APP))
    (entry,) = listed["filters"]
    assert entry == {
        "code": entry["code"],  # the documented listing carries the filter's code
        "name": "VIP",
        "filter_expression": EVERYONE,
        "expiration_date": None,
    }
    unwrap(await call(fake, "deleteFilter", name="VIP"))
    preset = {"content": {"message": "Hi"}, "segmentation": {"platforms": [1]}}
    code = unwrap(await call(fake, "createPreset", name="P", applicationCode=APP, **preset))["code"]
    presets = unwrap(await call(fake, "listPresets", application=APP))["presets"]
    assert presets == [{"code": code, "name": "P"}]


async def test_events_must_exist_before_they_are_posted(fake: FakePushwoosh) -> None:
    """postEvent (device token) needs an event createEvent (server token) defined."""
    posted = {"application": APP, "hwid": "h1", "userId": "u1", "event": "Buy", "attributes": {}}
    assert (await call(fake, "postEvent", device=True, **posted))["status_code"] == 210
    unwrap(await call(fake, "createEvent", application=APP, name="Buy"))
    unwrap(await call(fake, "postEvent", device=True, **posted))
    assert fake.state.posted_events == [posted]
    too_long = await call(fake, "createEvent", application=APP, name="x" * 33)
    assert too_long["status_code"] == 210


async def test_statistics_job_is_pending_then_done(fake: FakePushwoosh) -> None:
    """getMsgStats schedules a job; getResults answers 210 once, then the statistics."""
    fake.add_device("h2")
    sent = unwrap(
        await call(
            fake,
            "createMessage",
            application=APP,
            notifications=[{"content": "Hi", "devices": ["h1", "h2"]}],
        )
    )
    (code,) = fake.state.messages
    assert sent["Messages"] == ["CODE_NOT_AVAILABLE"]
    request_id = unwrap(await call(fake, "getMsgStats", message=code))["request_id"]
    assert (await call(fake, "getResults", request_id=request_id))["status_code"] == 210
    report = unwrap(await call(fake, "getResults", request_id=request_id))
    assert [(row["action"], row["count"]) for row in report["rows"]] == [("send", 2)]
    assert report["conversion"] == {"send": 2, "delivery": 0, "open": 0, "events": []}


async def test_unregister_and_register_user(fake: FakePushwoosh) -> None:
    """registerUser sets a user id; unregisterDevice drops the token; deleteDevice forgets it."""
    unwrap(await call(fake, "registerUser", device=True, application=APP, hwid="h1", userId="u9"))
    assert fake.state.devices[APP, "h1"].user_id == "u9"
    unwrap(await call(fake, "unregisterDevice", device=True, application=APP, hwid="h1"))
    assert fake.state.devices[APP, "h1"].push_token is None  # documented: the device stays
    unwrap(await call(fake, "deleteDevice", device=True, application=APP, hwid="h1"))
    assert (APP, "h1") not in fake.state.devices
    again = await call(fake, "unregisterDevice", device=True, application=APP, hwid="h1")
    assert again["status_code"] == 210


async def test_text_plain_json_is_accepted_like_the_web_sdk_sends_it(fake: FakePushwoosh) -> None:
    """The content type does not matter, only the JSON: Pushwoosh's Web SDK posts text/plain."""
    body = json.dumps({"request": {"application": APP, "hwid": "h1"}}).encode()
    headers = {**DEVICE_AUTH, "Content-Type": "text/plain;charset=UTF-8"}
    async with raw_client(fake) as client:
        response = await client.post("/json/1.3/getTags", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["response"] == {"result": {}}


async def audience(fake: FakePushwoosh, op: str, **body: Any) -> httpx.Response:
    """POST an Audience v2 method with the server token; the raw response."""
    async with raw_client(fake) as client:
        return await client.post(f"/api/v2/audience/{op}", json={**body, "auth": API_TOKEN})


async def test_export_segment_goes_from_in_progress_to_completed(fake: FakePushwoosh) -> None:
    """exportSegment answers a task id; its result reads in-progress once, then completed."""
    started = await audience(fake, "exportSegment", filterExpression=EVERYONE)
    task_id = started.json()["task_id"]
    first = (await audience(fake, "exportSegment/result", task_id=task_id)).json()
    second = (await audience(fake, "exportSegment/result", task_id=task_id)).json()
    assert first["status"] == "in-progress"
    assert second["status"] == "completed"
    assert second["devices_count"] == 1
    methods = [c.method for c in fake.calls]
    assert methods == ["exportSegment", "exportSegment/result", "exportSegment/result"]
    missing = await audience(fake, "exportSegment/result", task_id="nope")
    assert missing.status_code == 404


async def test_restricted_methods_answer_403(fake: FakePushwoosh) -> None:
    """A method the token may not use answers 403 'Token restrictions forbid this operation'."""
    fake.restricted_methods.add("listTags")
    answer = await call(fake, "listTags")
    assert answer == refused(403, "Token restrictions forbid this operation")
