"""The fake's bulkSetTags: who an entry tags, per-entry outcomes, create_missing_tags."""

from __future__ import annotations

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import BulkSetTags, BulkSetTagsStatus, DeviceTags
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.handlers import seglang
from tests.support import APPLICATION, fake_account


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    account.add_device("h1", user_id="u1")
    account.add_device("h2", user_id="u1")
    account.add_device("h3", user_id="u2").push_token = "tok-3"
    account.state.tags["Level"] = 1  # an integer tag
    return account


async def outcomes(pw: PushwooshClient, command: BulkSetTags) -> list[dict[str, object]]:
    status = await pw.wait(command, interval=0)
    assert status.devices is not None  # listed once completed
    return [
        {k: v for k, v in (("status", o.status), ("errors", o.errors)) if v} for o in status.devices
    ]


async def test_entries_tag_every_device_they_name(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    command = BulkSetTags(
        devices=[
            DeviceTags(user_id="u1", tags={"Plan": "pro"}),
            DeviceTags(push_token="tok-3", tags={"Plan": "free"}),
            DeviceTags(hwid="nobody", tags={"Plan": "x"}),
        ]
    )
    assert await outcomes(pw, command) == [
        {"status": "done"},
        {"status": "done"},
        {"status": "not_found"},
    ]
    plans = {d.hwid: d.tags.get("Plan") for d in fake.state.devices.values()}
    assert plans == {"h1": "pro", "h2": "pro", "h3": "free"}


async def test_create_missing_tags_false_fails_the_entry(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    command = BulkSetTags(
        create_missing_tags=False,
        devices=[DeviceTags(user_id="u1", tags={"New": "x"}), DeviceTags(hwid="h3", tags={})],
    )
    result = await outcomes(pw, command)
    assert result[0]["status"] == "failed"
    assert "'New' does not exist" in str(result[0]["errors"])
    assert result[1] == {"status": "done"}
    assert all("New" not in d.tags for d in fake.state.devices.values())
    assert "New" not in fake.state.tags


async def test_create_missing_tags_true_defines_them(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    command = BulkSetTags(
        create_missing_tags=True, devices=[DeviceTags(hwid="h1", tags={"B": True})]
    )
    assert await outcomes(pw, command) == [{"status": "done"}]
    assert fake.state.tags["B"] == 5


async def test_a_value_that_does_not_fit_the_tag_fails(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    command = BulkSetTags(devices=[DeviceTags(hwid="h1", tags={"Level": "high"})])
    result = await outcomes(pw, command)
    assert result[0]["status"] == "failed"
    assert "Level" not in fake.state.devices[APPLICATION, "h1"].tags


async def test_the_user_index_follows_changes(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """A device re-assigned, added or removed after a call is seen by the next one."""
    await outcomes(pw, BulkSetTags(devices=[DeviceTags(user_id="u2", tags={"A": "1"})]))
    fake.state.devices[APPLICATION, "h1"].user_id = "u2"
    fake.add_device("h9", user_id="u2")
    del fake.state.devices[APPLICATION, "h3"]
    await outcomes(pw, BulkSetTags(devices=[DeviceTags(user_id="u2", tags={"A": "2"})]))
    assert [d.hwid for d in fake.state.user_devices(APPLICATION, "u2")] == ["h1", "h9"]
    assert fake.state.devices[APPLICATION, "h1"].tags["A"] == "2"
    assert fake.state.devices[APPLICATION, "h9"].tags["A"] == "2"


async def test_status_counts(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    job = await pw(BulkSetTags(devices=[DeviceTags(hwid="h1", tags={"Level": 3})]))
    await pw(BulkSetTagsStatus(request_id=job.request_id))
    final = await pw(BulkSetTagsStatus(request_id=job.request_id, detailed=True))
    assert (final.devices_success, final.devices_failed, len(final.devices or ())) == (1, 0, 1)


def test_seglang_reads_booleans() -> None:
    node = seglang.parse('T("B", EQ, true) + T("C", EQ, FALSE)')
    assert isinstance(node, seglang.Combined)
    assert node.left == seglang.Call("T", ("B", seglang.Word("EQ"), True))
    assert node.right == seglang.Call("T", ("C", seglang.Word("EQ"), False))
