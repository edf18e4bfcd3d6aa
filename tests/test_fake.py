"""End-to-end tests of the client against ``FakePushwoosh``, in process through ``fake.transport``.

Every command runs against the fake's account, so the tests check what a call *did* (devices,
tags, messages, jobs in ``fake.state``), not only what it answered. Retries run with no backoff
or on the virtual clock, so nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pushwoosh_async import (
    CODE_NOT_AVAILABLE,
    BulkSetTags,
    CreateMessage,
    DeleteMessage,
    DeviceType,
    GetMessageDetails,
    GetTags,
    Notification,
    PushwooshClient,
    RegisterDevice,
    RetryPolicy,
    SetTags,
)
from pushwoosh_async.commands import Command, DeviceTags
from pushwoosh_async.errors import (
    APIError,
    ArgumentError,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    UnknownDevicesWarning,
)
from pushwoosh_async.testing import FakePushwoosh, Fault, When
from tests.support import (
    API_TOKEN,
    APPLICATION,
    DEVICE_TOKEN,
    fake_account,
    fake_client,
    raw_client,
    transaction_ids,
)
from tests.virtual_clock import run_virtual, virtual_now

NO_WAIT = RetryPolicy(initial_delay=0, jitter=0)
"""Retries on, with no backoff (a 429's ``Retry-After`` is still honoured)."""
FILTERED = Notification(content="Hi", filter="everyone")


@pytest.fixture
async def pw(fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    """A client wired to ``fake``, retrying without backoff."""
    async with fake_client(fake, retry=NO_WAIT) as client:
        yield client


@pytest.fixture
async def raw(fake: FakePushwoosh) -> AsyncIterator[httpx.AsyncClient]:
    """A bare httpx client into ``fake`` (no library code between the test and the fake)."""
    async with raw_client(fake) as client:
        yield client


async def register(pw: PushwooshClient, count: int, **fields: Any) -> list[str]:
    """Register ``count`` Android devices ``hwid-0`` ... and return their hwids."""
    hwids = [f"hwid-{i}" for i in range(count)]
    for hwid in hwids:
        await pw(RegisterDevice(hwid=hwid, device_type=DeviceType.ANDROID, **fields))
    return hwids


# --- every command, and the state it changes ----------------------------------------------------


async def test_register_device_then_tags_round_trip(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """registerDevice stores the device; getTags returns its tags plus what setTags stored."""
    await pw(
        RegisterDevice(
            hwid="hwid-1",
            device_type=DeviceType.IOS,
            push_token="tok-1",
            user_id="user-1",
            language="de",
            tags={"plan": "free"},
        )
    )
    await pw(SetTags(hwid="hwid-1", tags={"age": 42, "plan": "pro"}))

    assert (await pw(GetTags(hwid="hwid-1"))).values == {"plan": "pro", "age": 42}
    assert (await pw(GetTags(user_id="user-1"))).values == {"plan": "pro", "age": 42}
    device = fake.state.device(APPLICATION, "hwid-1")
    assert device is not None
    assert (device.device_type, device.push_token, device.user_id, device.language) == (
        1,
        "tok-1",
        "user-1",
        "de",
    )


async def test_create_details_delete_message(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """createMessage creates a message that getMessageDetails reads and deleteMessage deletes."""
    hwids = await register(pw, 10)
    result = await pw(CreateMessage(notifications=[Notification(content="Hi", devices=hwids)]))
    (code,) = result.message_codes
    assert list(fake.state.messages) == [code]
    assert fake.state.messages[code].devices == tuple(sorted(hwids))

    details = await pw(GetMessageDetails(message=code))
    assert (details.code, details.status, details.content) == (code, "done", {"default": "Hi"})

    await pw(DeleteMessage(message=code))
    assert fake.state.messages[code].deleted
    assert (await pw(GetMessageDetails(message=code))).status == "deleted"


@pytest.mark.parametrize(
    ("devices", "gets_code"),
    [(1, False), (9, False), (10, True), (11, True)],
    ids=["1-device-no-code", "9-devices-no-code", "10-devices-code", "11-devices-code"],
)
async def test_immediate_send_to_few_devices_has_no_code(
    pw: PushwooshClient, fake: FakePushwoosh, devices: int, gets_code: bool
) -> None:
    """An immediate send to < 10 devices answers CODE_NOT_AVAILABLE; >= 10 get a real code."""
    hwids = await register(pw, devices)
    result = await pw(CreateMessage(notifications=[Notification(content="Hi", devices=hwids)]))
    (code,) = result.message_codes
    assert (code != CODE_NOT_AVAILABLE) is gets_code
    assert len(fake.state.messages) == 1
    if gets_code:
        assert code in fake.state.messages


async def test_unknown_devices_are_reported(pw: PushwooshClient) -> None:
    """Devices the account does not know come back in UnknownDevices and as a warning."""
    await register(pw, 1)
    note = Notification(content="Hi", devices=["hwid-0", "stranger"])
    with pytest.warns(UnknownDevicesWarning):
        result = await pw(CreateMessage(notifications=[note]))
    assert list(result.unknown_devices.values()) == [("stranger",)]
    assert len(result.warnings) == 1


@pytest.mark.parametrize("devices", [1, 10], ids=["1-device", "10-devices"])
async def test_repeated_transaction_id_creates_no_second_message(
    pw: PushwooshClient, fake: FakePushwoosh, devices: int
) -> None:
    """A repeated transactionId answers what the first call answered and creates nothing."""
    hwids = await register(pw, devices)
    note = Notification(content="Hi", devices=hwids, transaction_id="tx-1")
    first = await pw(CreateMessage(notifications=[note]))
    second = await pw(CreateMessage(notifications=[note]))
    assert first.message_codes == second.message_codes
    assert len(fake.state.messages) == 1
    assert len(fake.calls_to("createMessage")) == 2


async def test_bulk_set_tags_appends_and_removes_list_tags(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """bulkSetTags sets scalars and appends to / removes from list tags, on every target."""
    await pw(RegisterDevice(hwid="h1", device_type=3, user_id="u", tags={"colors": ["red"]}))
    await pw(RegisterDevice(hwid="h2", device_type=3, user_id="u", tags={"colors": ["red"]}))
    job = await pw(
        BulkSetTags(
            devices=[
                DeviceTags(user_id="u", tags={"colors": ["blue", "green"]}, list_operator="append"),
                DeviceTags(hwid="h1", tags={"colors": ["red"]}, list_operator="remove"),
                DeviceTags(hwid="h2", tags={"score": 7}),
            ]
        )
    )
    assert job.request_id in fake.state.jobs
    assert job.status == "Pending"
    assert (await pw(GetTags(hwid="h1"))).values == {"colors": ["blue", "green"]}
    assert (await pw(GetTags(hwid="h2"))).values == {
        "colors": ["red", "blue", "green"],
        "score": 7,
    }


async def test_bulk_set_tags_job_status(
    pw: PushwooshClient, fake: FakePushwoosh, raw: httpx.AsyncClient
) -> None:
    """The job's status (GET /api/v2/audience/bulkSetTags/{id}) reads Pending, then Completed."""
    await register(pw, 1)
    job = await pw(BulkSetTags(devices=[DeviceTags(hwid="hwid-0", tags={"a": 1})]))
    url = f"/api/v2/audience/bulkSetTags/{job.request_id}"
    headers = {"Authorization": f"Token {API_TOKEN}"}
    statuses = []
    for _ in range(3):
        response = await raw.get(url, headers=headers)
        assert response.status_code == 200, response.text
        statuses.append(response.json()["status"])
    assert statuses == ["Pending", "Completed", "Completed"]


# --- errors -------------------------------------------------------------------------------------


UNKNOWN_APP = {"application": "NOPE0-00000"}


@pytest.mark.parametrize(
    ("client_options", "command", "expected"),
    [
        pytest.param(
            {"api_token": "wrong"}, CreateMessage(notifications=[FILTERED]),
            (Unauthorized, 401, "Unauthorized"), id="wrong server token",
        ),
        pytest.param(
            {"device_token": API_TOKEN}, GetTags(hwid="hwid-1"),
            (Unauthorized, 401, "Unauthorized"), id="server token on a device method",
        ),
        pytest.param(
            UNKNOWN_APP, CreateMessage(notifications=[FILTERED]),
            (ArgumentError, 210, "Application not found"), id="unknown application (server)",
        ),
        pytest.param(
            UNKNOWN_APP, GetTags(hwid="hwid-1"),
            (ArgumentError, 210, "Application not found"), id="unknown application (device)",
        ),
        pytest.param(
            {}, DeleteMessage(message="NO-SUCH-CODE"),
            (ArgumentError, 210, "Message not found"), id="deleteMessage of an unknown code",
        ),
        pytest.param(
            {}, GetTags(hwid="never-registered"),
            (ArgumentError, 210, "Device not found"), id="getTags of an unknown device",
        ),
    ],
)  # fmt: skip
async def test_refusals_become_typed_errors(
    fake: FakePushwoosh,
    client_options: dict[str, Any],
    command: Command[Any],
    expected: tuple[type[APIError], int, str],
) -> None:
    """What the fake refuses arrives as the library's typed error, with its status and message."""
    error, status_code, message = expected
    async with fake_client(fake, retry=NO_WAIT, **client_options) as pw:
        with pytest.raises(error) as caught:
            await pw(command)
    assert (caught.value.status_code, caught.value.status_message) == (status_code, message)
    assert len(fake.calls) == 1, "a refusal is final: no retry"


async def test_device_method_without_device_token_is_unauthorized(
    raw: httpx.AsyncClient,
) -> None:
    """A device method with no Authorization header (only a body token) is refused with 401."""
    request = {"application": APPLICATION, "hwid": "h", "device_type": 3, "auth": API_TOKEN}
    body = {"request": request}
    response = await raw.post("/json/1.3/registerDevice", json=body)
    assert response.status_code == 401
    assert response.json()["status_code"] == 401


# --- retries against injected faults ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "min_wait"),
    [
        pytest.param(Fault.reset(When.AFTER), 0, id="reset after"),
        pytest.param(Fault.reset(When.BEFORE), 0, id="reset before"),
        pytest.param(Fault.timeout(), 0, id="timeout"),
        pytest.param(Fault.truncated(), 0, id="truncated"),
        pytest.param(Fault.empty(), 0, id="empty"),
        pytest.param(Fault.http_error(503), 0, id="503"),
        pytest.param(Fault.html_page(502), 0, id="502 html"),
        pytest.param(Fault.rate_limited(2), 2, id="429 retry-after 2"),
    ],
)
def test_create_message_is_retried_and_sent_once(fault: Fault, min_wait: float) -> None:
    """A retried createMessage reuses its transactionId: the account holds exactly one message."""
    fake = fake_account(clock=virtual_now)

    async def main() -> float:
        async with fake_client(fake, retry=NO_WAIT) as pw:
            fake.inject(fault, method="createMessage", times=1)
            started = virtual_now()
            result = await pw(CreateMessage(notifications=[FILTERED]))
            assert len(result.message_codes) == 1
            return virtual_now() - started

    waited = run_virtual(main())
    assert len(fake.state.messages) == 1
    assert [c.fault for c in fake.calls_to("createMessage")] == [fault.kind, None]
    first, second = (transaction_ids(c.body) for c in fake.calls_to("createMessage"))
    assert first == second
    assert waited >= min_wait


async def test_lost_reply_without_dedup_retries_raises(fake: FakePushwoosh) -> None:
    """With retry_with_dedup_keys off, a reply lost after processing raises; the message exists."""
    fake.inject(Fault.reset(When.AFTER), method="createMessage", times=1)
    async with fake_client(fake, retry=RetryPolicy(retry_with_dedup_keys=False)) as pw:
        with pytest.raises(TransportError):
            await pw(CreateMessage(notifications=[FILTERED]))
    assert len(fake.calls_to("createMessage")) == 1
    assert len(fake.state.messages) == 1


async def test_reset_before_processing_leaves_no_message(fake: FakePushwoosh) -> None:
    """A connection dropped before the fake processed the call leaves the account unchanged."""
    fake.inject(Fault.reset(When.BEFORE), method="createMessage", times=1)
    async with fake_client(fake, retry=RetryPolicy.off()) as pw:
        with pytest.raises(TransportError):
            await pw(CreateMessage(notifications=[FILTERED]))
    assert fake.state.messages == {}
    assert fake.state.transactions == {}


async def test_bulk_set_tags_is_never_retried(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """bulkSetTags has no de-duplication key: a 503 is raised after one call."""
    fake.inject(Fault.http_error(503), method="bulkSetTags", times=1)
    with pytest.raises(ServerError):
        await pw(BulkSetTags(devices=[DeviceTags(hwid="h", tags={"a": 1})]))
    assert len(fake.calls_to("bulkSetTags")) == 1
    assert fake.state.jobs == {}


async def test_idempotent_command_is_retried(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """getTags after a 503 is simply tried again."""
    await register(pw, 1, tags={"a": 1})
    fake.inject(Fault.http_error(503), method="getTags", times=2)
    assert (await pw(GetTags(hwid="hwid-0"))).values == {"a": 1}
    assert len(fake.calls_to("getTags")) == 3


# --- the fake's own rate limit ------------------------------------------------------------------


def test_fake_refuses_the_601st_create_message_in_a_minute() -> None:
    """With the client's limiter lifted, the fake answers the 601st createMessage with a 429."""
    fake = fake_account(clock=virtual_now)

    async def main() -> RateLimited:
        async with fake_client(fake, rate_limits={}, retry=RetryPolicy.off()) as pw:
            for _ in range(600):
                await pw(CreateMessage(notifications=[FILTERED]))
            with pytest.raises(RateLimited) as caught:
                await pw(CreateMessage(notifications=[FILTERED]))
            return caught.value

    error = run_virtual(main())
    assert error.retry_after is not None
    assert error.retry_after > 0
    assert len(fake.state.messages) == 600
    assert fake.calls[-1].status == 429


def test_client_limiter_never_trips_the_fake_limit() -> None:
    """1,200 createMessage calls from 32 tasks under the default limiter all succeed."""
    fake = fake_account(clock=virtual_now)

    async def main() -> float:
        remaining = iter(range(1200))
        async with fake_client(fake, retry=RetryPolicy.off()) as pw:

            async def worker() -> None:
                for _ in remaining:
                    await pw(CreateMessage(notifications=[FILTERED]))

            await asyncio.gather(*(worker() for _ in range(32)))
        return virtual_now()

    elapsed = run_virtual(main())
    assert len(fake.state.messages) == 1200
    assert {c.status for c in fake.calls} == {200}
    assert elapsed >= 60, "the second 600 had to wait for the window"


# --- bad input to the fake itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("http_method", "path", "content", "status"),
    [
        pytest.param("POST", "/json/1.3/noSuchMethod", b'{"request":{}}', 404, id="unknown method"),
        pytest.param("POST", "/api/v2/audience/noSuchMethod", b"{}", 404, id="unknown v2 method"),
        pytest.param("POST", "/nowhere", b"{}", 404, id="unknown path"),
        pytest.param("POST", "/json/1.3/createMessage", b"not json", 400, id="non-JSON body"),
        pytest.param("POST", "/json/1.3/createMessage", b"", 400, id="empty body"),
        pytest.param("POST", "/json/1.3/createMessage", b'{"auth":"T"}', 400, id="no wrapper"),
        pytest.param("POST", "/json/1.3/createMessage", b'{"request":[]}', 400, id="list request"),
        pytest.param("POST", "/api/v2/audience/bulkSetTags", b"{", 400, id="non-JSON v2 body"),
        pytest.param("GET", "/json/1.3/createMessage", b"", 405, id="GET on a v1.3 method"),
    ],
)
async def test_fake_answers_bad_requests_with_json(
    raw: httpx.AsyncClient, http_method: str, path: str, content: bytes, status: int
) -> None:
    """Malformed requests get an HTTP error with a JSON body, never a traceback."""
    response = await raw.request(http_method, path, content=content)
    assert response.status_code == status
    assert isinstance(response.json(), dict)
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    ("method", "request_body"),
    [
        pytest.param(
            "createMessage",
            {"auth": API_TOKEN, "application": [APPLICATION], "notifications": [{"content": "x"}]},
            id="application is a list",
        ),
        pytest.param(
            "createMessage",
            {
                "auth": API_TOKEN,
                "application": APPLICATION,
                "notifications": [{"content": "x", "transactionId": ["t"]}],
            },
            id="transactionId is a list",
        ),
        pytest.param(
            "registerDevice",
            {"application": APPLICATION, "hwid": "h", "device_type": 3, "tags": "abc"},
            id="tags is a string",
        ),
    ],
)
async def test_fake_refuses_wrongly_typed_arguments(
    raw: httpx.AsyncClient, method: str, request_body: dict[str, Any]
) -> None:
    """Well-formed JSON with a wrongly typed argument is refused (210), not a crash in the fake."""
    headers = {"Authorization": f"Token {DEVICE_TOKEN}"}
    response = await raw.post(
        f"/json/1.3/{method}", json={"request": request_body}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["status_code"] == 210
    assert "Traceback" not in response.text


# --- recording ----------------------------------------------------------------------------------


async def test_calls_record_parsed_bodies_and_lowercased_headers(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """fake.calls holds each request's parsed JSON body and lower-cased headers, in order."""
    await pw(RegisterDevice(hwid="h1", device_type=3))
    await pw(CreateMessage(notifications=[FILTERED]))

    register_call, create_call = fake.calls
    assert (register_call.method, register_call.http_method, register_call.status) == (
        "registerDevice",
        "POST",
        200,
    )
    assert register_call.path == "/json/1.3/registerDevice"
    assert register_call.headers["authorization"] == f"Token {DEVICE_TOKEN}"
    assert register_call.body == {
        "request": {"hwid": "h1", "device_type": 3, "application": APPLICATION}
    }
    assert all(name == name.lower() for name in create_call.headers)
    assert create_call.headers["content-type"].startswith("application/json")
    assert create_call.headers["user-agent"].startswith("pushwoosh-async/")
    request = create_call.body["request"]
    assert (request["auth"], request["application"]) == (API_TOKEN, APPLICATION)
    assert request["notifications"][0]["filter"] == "everyone"
    # Plain JSON data: a tuple or an object in the recorded body would not survive the round trip.
    assert json.loads(json.dumps(create_call.body)) == create_call.body
    assert fake.calls_to("createMessage") == [create_call]


async def test_each_recorded_call_says_when_it_arrived_on_the_fakes_clock() -> None:
    """``RecordedCall.at`` is the fake's clock at arrival: limits can be checked server-side."""
    ticks = iter([10.0, 12.5])
    account = fake_account(clock=lambda: next(ticks))
    account.add_device("hwid-1")
    async with fake_client(account, rate_limits={}) as pw:
        await pw(GetTags(hwid="hwid-1"))
        await pw(GetTags(hwid="hwid-1"))
    assert [call.at for call in account.calls] == [10.0, 12.5]
