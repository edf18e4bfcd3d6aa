"""The fake's methods that have no command class yet, called with raw httpx requests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pushwoosh_async.testing import FakePushwoosh

APP = "ABCDE-12345"


@pytest.fixture
def fake() -> FakePushwoosh:
    fake = FakePushwoosh(api_token="T", device_token="D", applications=[APP])
    fake.add_device("h1", user_id="u1")
    return fake


async def call(fake: FakePushwoosh, method: str, device: bool = False, **body: Any) -> Any:
    """POST a v1.3 method with the right token; the decoded JSON answer."""
    headers = {"Authorization": "Token D"} if device else {}
    request = body if device else {**body, "auth": "T"}
    async with httpx.AsyncClient(transport=fake.transport, base_url="https://fake") as client:
        response = await client.post(
            f"/json/1.3/{method}", json={"request": request}, headers=headers
        )
    return response.json()


def ok(answer: Any) -> Any:
    assert answer["status_code"] == 200, answer
    return answer["response"]


async def test_tags_are_created_listed_and_deleted(fake: FakePushwoosh) -> None:
    """addTag stores a typed tag, listTags shows it, a repeat is refused, deleteTag removes it."""
    ok(await call(fake, "addTag", tag={"name": "Plan", "type": 2}))
    assert (await call(fake, "addTag", tag={"name": "Plan", "type": 2}))["status_code"] == 210
    assert ok(await call(fake, "listTags")) == {"tags": [{"name": "Plan", "type": 2}]}
    ok(await call(fake, "deleteTag", tag={"name": "Plan"}))
    assert fake.state.tags == {}


async def test_filters_and_presets(fake: FakePushwoosh) -> None:
    """Filters and presets live in the account and are listed back."""
    ok(await call(fake, "createFilter", name="VIP", filter_expression='A("ABCDE-12345")'))
    listed = ok(await call(fake, "listFilters", application=APP))
    assert listed == {"filters": [{"name": "VIP", "filter_expression": 'A("ABCDE-12345")'}]}
    ok(await call(fake, "deleteFilter", name="VIP"))
    code = ok(await call(fake, "createPreset", name="P", applicationCode=APP, content={}))["code"]
    presets = ok(await call(fake, "listPresets", application=APP))["presets"]
    assert presets == [{"code": code, "name": "P"}]


async def test_events_must_exist_before_they_are_posted(fake: FakePushwoosh) -> None:
    """postEvent (device token) needs an event createEvent (server token) defined."""
    posted = {"application": APP, "hwid": "h1", "userId": "u1", "event": "Buy", "attributes": {}}
    assert (await call(fake, "postEvent", device=True, **posted))["status_code"] == 210
    ok(await call(fake, "createEvent", application=APP, name="Buy"))
    ok(await call(fake, "postEvent", device=True, **posted))
    assert fake.state.posted_events == [posted]
    too_long = await call(fake, "createEvent", application=APP, name="x" * 33)
    assert too_long["status_code"] == 210


async def test_statistics_job_is_pending_then_done(fake: FakePushwoosh) -> None:
    """getMsgStats schedules a job; getResults answers 210 once, then the statistics."""
    fake.add_device("h2")
    sent = ok(
        await call(
            fake,
            "createMessage",
            application=APP,
            notifications=[{"content": "Hi", "devices": ["h1", "h2"]}],
        )
    )
    (code,) = fake.state.messages
    assert sent["Messages"] == ["CODE_NOT_AVAILABLE"]
    request_id = ok(await call(fake, "getMsgStats", message=code))["request_id"]
    assert (await call(fake, "getResults", request_id=request_id))["status_code"] == 210
    assert ok(await call(fake, "getResults", request_id=request_id)) == {"sent": 2, "opened": 0}


async def test_unregister_and_register_user(fake: FakePushwoosh) -> None:
    """registerUser attaches a user id; unregisterDevice forgets the device."""
    ok(await call(fake, "registerUser", device=True, application=APP, hwid="h1", userId="u9"))
    assert fake.state.devices[APP, "h1"].user_id == "u9"
    ok(await call(fake, "unregisterDevice", device=True, application=APP, hwid="h1"))
    assert (APP, "h1") not in fake.state.devices
    again = await call(fake, "unregisterDevice", device=True, application=APP, hwid="h1")
    assert again["status_code"] == 210


async def test_text_plain_json_is_accepted_like_the_web_sdk_sends_it(fake: FakePushwoosh) -> None:
    """The content type does not matter, only the JSON: Pushwoosh's Web SDK posts text/plain."""
    body = b'{"request":{"application":"ABCDE-12345","hwid":"h1"}}'
    headers = {"Authorization": "Token D", "Content-Type": "text/plain;charset=UTF-8"}
    async with httpx.AsyncClient(transport=fake.transport, base_url="https://fake") as client:
        response = await client.post("/json/1.3/getTags", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["response"] == {"result": {}}


async def audience(fake: FakePushwoosh, op: str, **body: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=fake.transport, base_url="https://fake") as client:
        return await client.post(f"/api/v2/audience/{op}", json={**body, "auth": "T"})


async def test_export_segment_goes_from_in_progress_to_completed(fake: FakePushwoosh) -> None:
    """exportSegment answers a task id; its result reads in-progress once, then completed."""
    started = await audience(fake, "exportSegment", filterExpression='A("ABCDE-12345")')
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
    assert answer == {
        "status_code": 403,
        "status_message": "Token restrictions forbid this operation",
        "response": None,
    }
