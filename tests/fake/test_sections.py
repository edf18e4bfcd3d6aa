"""Users, tags, events, test devices and the inbox against the fake: state changes, then reads."""

from __future__ import annotations

import pytest

from pushwoosh_async.commands import (
    AddTag,
    BulkSetTagsLegacy,
    CreateEvent,
    CreateMessage,
    CreateTestDevice,
    DeleteMessage,
    DeleteTag,
    GetInboxMessages,
    GetTags,
    GetUsersDetails,
    InboxMessageStatus,
    InboxStatus,
    ListTags,
    ListTestDevices,
    Notification,
    RegisterUser,
    TagInfo,
    TagType,
    TestDevice,
    UnregisterUser,
)
from pushwoosh_async.errors import ArgumentError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION, fake_client


async def test_tag_definitions_are_created_listed_and_deleted(fake: FakePushwoosh) -> None:
    """addTag, listTags, a refused repeat, deleteTag (which drops the stored values too)."""
    fake.add_device("h1", tags={"Plan": "pro"})
    async with fake_client(fake) as pw:
        await pw(AddTag(tag={"name": "Plan", "type": 2, "application_specific": True}))
        with pytest.raises(ArgumentError):
            await pw(AddTag(tag={"name": "Plan", "type": 2}))
        listed = await pw(ListTags())
        assert listed.tags == (
            TagInfo(name="Plan", type=TagType.STRING, application_specific=True),
        )
        await pw(DeleteTag(tag="Plan"))
        assert (await pw(ListTags())).tags == ()
        assert (await pw(GetTags(hwid="h1"))).values == {}


async def test_legacy_bulk_set_tags_is_a_job_with_a_result(fake: FakePushwoosh) -> None:
    """The legacy bulkSetTags sets the tags and its job, pending then done, counts the devices."""
    fake.add_device("h1")
    async with fake_client(fake) as pw:
        result = await pw.wait(
            BulkSetTagsLegacy(
                devices=[{"hwid": "h1", "tags": {"Plan": "pro"}}, {"hwid": "nobody", "tags": {}}]
            )
        )
        assert (await pw(GetTags(hwid="h1"))).values == {"Plan": "pro"}
    assert result.extra == {"devices_found": 1, "devices_not_found": 1}


async def test_users_details_and_unregister_user(fake: FakePushwoosh) -> None:
    """getUsersDetails reports users from their devices; unregisterUser detaches the user."""
    fake.add_device("h1", tags={"Plan": "pro"})
    fake.add_device("h2")
    async with fake_client(fake) as pw:
        await pw(RegisterUser(hwid="h1", user_id="u1"))
        await pw(RegisterUser(hwid="h2", user_id="u1"))
        details = await pw.wait(GetUsersDetails())
        assert details.extra == {
            "users": [{"userId": "u1", "hwids": ["h1", "h2"], "tags": {"Plan": "pro"}}]
        }
        await pw(UnregisterUser(hwid="h1"))
        assert [d.hwid for d in fake.state.user_devices(APPLICATION, "u1")] == ["h2"]
        await pw(UnregisterUser(user_id="u1"))
        assert (await pw.wait(GetUsersDetails())).extra == {"users": []}


async def test_events_get_ids_and_are_checked(fake: FakePushwoosh) -> None:
    """createEvent answers a new id per event; a repeat or a 33-character name is refused."""
    async with fake_client(fake) as pw:
        first = await pw(CreateEvent(name="Buy", event_attributes=[{"name": "sum", "type": 6}]))
        second = await pw(CreateEvent(name="Open"))
        assert (first.event, second.event) == (1, 2)
        with pytest.raises(ArgumentError):
            await pw(CreateEvent(name="Buy"))
    assert fake.state.events[APPLICATION, "Buy"]["eventAttributes"] == [{"name": "sum", "type": 6}]
    assert "auth" not in fake.state.events[APPLICATION, "Buy"]  # no token kept in the state


async def test_test_devices_are_created_and_listed(fake: FakePushwoosh) -> None:
    """createTestDevice (device token) then listTestDevices (server token) reads it back."""
    async with fake_client(fake) as pw:
        assert (await pw(ListTestDevices())).devices == ()
        await pw(CreateTestDevice(push_token="t1", device_type=1, name="QA", description="iOS"))
        listed = await pw(ListTestDevices())
    assert listed.devices == (
        TestDevice(name="QA", device_type=1, push_token="t1", description="iOS"),
    )


async def test_inbox_lists_pages_and_changes_status(fake: FakePushwoosh) -> None:
    """Messages sent with inbox options fill the user's inbox; inboxStatus reads and deletes."""
    fake.add_device("h1", user_id="u1")
    fake.add_device("h2")
    async with fake_client(fake) as pw:
        for text in ("one", "two", "three"):
            note = Notification(content=text, users=["u1"], extra={"inbox_days": 5})
            await pw(CreateMessage(notifications=[note]))
        await pw(CreateMessage(notifications=[Notification(content="push only", users=["u1"])]))
        first = await pw(GetInboxMessages(user_id="u1", count=2))
        assert [m.text for m in first.messages] == ["three", "two"]
        assert first.new_inbox == 3
        rest = await pw(GetInboxMessages(user_id="u1", count=2, last_code=first.next))
        assert [m.text for m in rest.messages] == ["one"]
        assert rest.next == ""
        newest = first.messages[0]
        assert newest.order is not None
        await pw(InboxStatus(inbox_code=newest.order, user_id="u1", status=InboxMessageStatus.READ))
        after = await pw(GetInboxMessages(user_id="u1"))
        assert [m.status for m in after.messages] == [2, 1, 1]
        assert after.new_inbox == 2
        await pw(InboxStatus(inbox_code=newest.order, user_id="u1", status=4))
        assert [m.text for m in (await pw(GetInboxMessages(user_id="u1"))).messages] == [
            "two",
            "one",
        ]
        assert (await pw(GetInboxMessages(user_id="h2"))).messages == ()
        with pytest.raises(ArgumentError):
            await pw(InboxStatus(inbox_code="nope", user_id="u1", status=2))
        two = first.messages[1]
        assert two.inbox_id is not None
        await pw(DeleteMessage(message=two.inbox_id))
        page = await pw(GetInboxMessages(user_id="u1"))
        assert ([m.text for m in page.messages], page.deleted) == (["one"], (two.order,))
