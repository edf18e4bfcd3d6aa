"""The fake's Audience API: bulk tag and registration jobs with per-device outcomes."""

from __future__ import annotations

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    BulkDevice,
    BulkRegisterDevice,
    BulkSetTags,
    BulkSetTagsStatus,
    DeviceTags,
    GetTags,
)
from pushwoosh_async.errors import APIError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION, fake_account


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    account.add_device("h1", user_id="u1", tags={"colors": ["red"]})
    account.add_device("h2", user_id="u1")
    return account


async def test_bulk_set_tags_job_reports_each_device(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """The job goes Pending -> Completed; its counts and per-entry outcomes match the account."""
    job = await pw(
        BulkSetTags(
            create_missing_tags=True,
            devices=[
                DeviceTags(user_id="u1", tags={"Plan": "pro"}),
                DeviceTags(hwid="h1", tags={"colors": ["blue"]}, list_operator="append"),
                DeviceTags(hwid="nobody", tags={"Plan": "free"}),
            ],
        )
    )
    assert job.status == "Pending"
    first = await pw(BulkSetTagsStatus(request_id=job.request_id))
    done = await pw.wait(BulkSetTags(devices=[DeviceTags(hwid="h2", tags={"x": 1})]), interval=0)
    assert first.status == "Pending"
    assert done.status == "Completed"
    final = await pw(BulkSetTagsStatus(request_id=job.request_id))
    assert (final.devices_success, final.devices_not_found, final.devices_failed) == (2, 1, 0)
    outcomes = fake.state.jobs[job.request_id].result["devices"]
    assert outcomes == [
        {"user_id": "u1", "status": "done"},
        {"hwid": "h1", "status": "done"},
        {"hwid": "nobody", "status": "not_found"},
    ]
    assert (await pw(GetTags(hwid="h1"))).values == {"colors": ["red", "blue"], "Plan": "pro"}
    assert fake.state.tags["Plan"] == 2  # created as a string tag


async def test_unknown_job_is_404(pw: PushwooshClient) -> None:
    """A status read for a request id no job has is refused."""
    with pytest.raises(APIError):
        await pw(BulkSetTagsStatus(request_id="no-such-job"))


async def test_bulk_register_device_registers_and_tags(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """bulkRegisterDevice adds or updates every device with its token, platform and tags."""
    started = await pw(
        BulkRegisterDevice(
            devices=[
                BulkDevice(
                    hwid="ann@example.com",
                    push_token="ann@example.com",
                    platform=14,
                    tags={"Plan": "pro"},
                ),
                BulkDevice(
                    hwid="h1",
                    push_token="tok-1",
                    platform=3,
                    tags={"colors": ["green"]},
                    list_operator="append",
                ),
            ]
        )
    )
    assert started.status == "Pending"
    ann = fake.state.device(APPLICATION, "ann@example.com")
    assert ann is not None
    assert (ann.device_type, ann.tags) == (14, {"Plan": "pro"})
    h1 = fake.state.device(APPLICATION, "h1")
    assert h1 is not None
    assert (h1.push_token, h1.tags["colors"]) == ("tok-1", ["red", "green"])
    assert started.request_id is not None
    status = await pw(BulkSetTagsStatus(request_id=started.request_id))
    assert status.status == "Pending"
    status = await pw(BulkSetTagsStatus(request_id=started.request_id))
    assert (status.status, status.devices_success) == ("Completed", 2)
