"""The Device API against the fake: registration, tags, badges, opens, deliveries, users."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pushwoosh_async import GetTags, PushwooshClient, RegisterDevice, SetTags
from pushwoosh_async.commands import (
    AddTag,
    ApplicationOpen,
    CheckDevice,
    CreateEvent,
    CreateMessage,
    DeleteDevice,
    DeleteUser,
    DeviceStatus,
    MessageDeliveryEvent,
    Notification,
    PostEvent,
    PushStat,
    RegisterUser,
    SetBadge,
    SetPurchase,
    UnregisterDevice,
)
from pushwoosh_async.errors import ArgumentError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION, fake_client


async def test_register_check_unregister_delete(fake: FakePushwoosh) -> None:
    """registerDevice creates; unregisterDevice drops the token only; deleteDevice removes it."""
    async with fake_client(fake) as pw:
        assert await pw(CheckDevice(hwid="h1")) == DeviceStatus(exist=False, push_token_exist=False)
        await pw(RegisterDevice(hwid="h1", device_type=1, push_token="t1", language="en"))
        assert await pw(CheckDevice(hwid="h1")) == DeviceStatus(exist=True, push_token_exist=True)
        await pw(UnregisterDevice(hwid="h1"))
        assert await pw(CheckDevice(hwid="h1")) == DeviceStatus(exist=True, push_token_exist=False)
        await pw(DeleteDevice(hwid="h1"))
        assert await pw(CheckDevice(hwid="h1")) == DeviceStatus(exist=False, push_token_exist=False)
        with pytest.raises(ArgumentError):
            await pw(UnregisterDevice(hwid="h1"))


async def test_tags_are_set_read_and_checked_against_their_type(fake: FakePushwoosh) -> None:
    """setTags writes values getTags reads; a value of the wrong type for a defined tag is a 210."""
    async with fake_client(fake) as pw:
        await pw(AddTag(tag={"name": "Age", "type": 1}))
        await pw(AddTag(tag={"name": "Topics", "type": 3}))
        await pw(RegisterDevice(hwid="h1", device_type=3, user_id="u1", tags={"Age": 30}))
        await pw(SetTags(hwid="h1", tags={"Topics": ["news"], "Free": "any"}))
        await pw(SetTags(user_id="u1", tags={"Age": {"operation": "increment", "value": 2}}))
        await pw(SetTags(hwid="h1", tags={"Topics": {"operation": "append", "value": ["sport"]}}))
        tags = await pw(GetTags(user_id="u1"))
        assert tags.values == {"Age": 32, "Topics": ["news", "sport"], "Free": "any"}
        with pytest.raises(ArgumentError, match="Age"):
            await pw(SetTags(hwid="h1", tags={"Age": "thirty"}))
        with pytest.raises(ArgumentError, match="Topics"):
            await pw(SetTags(hwid="h1", tags={"Topics": "news"}))
        with pytest.raises(ArgumentError):
            await pw(RegisterDevice(hwid="h2", device_type=3, tags={"Age": True}))
        await pw(SetTags(hwid="h1", tags={"Free": None}))
        assert (await pw(GetTags(hwid="h1"))).values == {"Age": 32, "Topics": ["news", "sport"]}
    assert (APPLICATION, "h2") not in fake.state.devices  # a refused call changes nothing


async def test_badge_and_app_open_are_kept_per_device(fake: FakePushwoosh) -> None:
    """applicationOpen creates the record of a new hwid and stamps the open; setBadge keeps it."""
    async with fake_client(fake) as pw:
        await pw(ApplicationOpen(hwid="h1", device_type=1))
        await pw(SetBadge(hwid="h1", badge=4))
        with pytest.raises(ArgumentError):
            await pw(SetBadge(hwid="unknown", badge=1))
    assert fake.state.device(APPLICATION, "h1") is not None
    assert fake.state.badges == {(APPLICATION, "h1"): 4}
    assert (APPLICATION, "h1") in fake.state.last_opens


async def test_deliveries_and_opens_are_recorded_per_message(fake: FakePushwoosh) -> None:
    """messageDeliveryEvent and pushStat land in account.deliveries / account.opens by message."""
    fake.add_device("h1")
    fake.add_device("h2")
    async with fake_client(fake) as pw:
        await pw(CreateMessage(notifications=[Notification(content="Hi", devices=["h1", "h2"])]))
        (code,) = fake.state.messages
        await pw(MessageDeliveryEvent(hwid="h1", hash=code))
        await pw(MessageDeliveryEvent(hwid="h2", hash=code))
        await pw(PushStat(hwid="h1", hash=code))
        await pw(PushStat(hwid="h1", hash="not-a-message"))
    delivered = [(d.hwid, d.message_code) for d in fake.state.deliveries]
    opened = [(o.hwid, o.message_code) for o in fake.state.opens]
    assert delivered == [("h1", code), ("h2", code)]
    assert opened == [("h1", code)]  # a hash no message has counts for nothing


async def test_purchases_are_recorded(fake: FakePushwoosh) -> None:
    """setPurchase keeps each purchase with its device."""
    fake.add_device("h1")
    purchase = SetPurchase(
        hwid="h1",
        transaction_date="2024-06-01 12:00",
        quantity=2,
        currency="EUR",
        product_identifier="gems",
        price=4.99,
    )
    async with fake_client(fake) as pw:
        await pw(purchase)
        await pw(purchase)
    assert len(fake.state.purchases) == 2
    assert fake.state.purchases[0]["productIdentifier"] == "gems"


async def test_users_and_their_deletion(fake: FakePushwoosh) -> None:
    """registerUser links (or creates) a device; deleteUser removes every device of the user."""
    fake.add_device("h1")
    async with fake_client(fake) as pw:
        await pw(RegisterUser(hwid="h1", user_id="u1"))
        await pw(RegisterUser(hwid="h2", user_id="u1", device_type=3))  # before registerDevice
        await pw(RegisterUser(hwid="h3"))  # no user id: the hwid is the user
        assert {d.hwid for d in fake.state.user_devices(APPLICATION, "u1")} == {"h1", "h2"}
        await pw(DeleteUser(user_id="u1"))
    assert set(fake.state.devices) == {(APPLICATION, "h3")}
    assert fake.state.devices[APPLICATION, "h3"].user_id == "h3"


async def test_post_event_needs_the_event_and_answers_a_code(pw_fake: PushwooshClient) -> None:
    """postEvent is refused for an event never created; afterwards each hit gets a code."""
    with pytest.raises(ArgumentError):
        await pw_fake(PostEvent(hwid="h1", event="Buy"))
    await pw_fake(CreateEvent(name="Buy"))
    first = await pw_fake(PostEvent(hwid="h1", event="Buy", attributes={"sum": 3}))
    second = await pw_fake(PostEvent(user_id="u1", event="Buy"))
    assert first.code != second.code


@pytest.fixture
async def pw_fake(fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    async with fake_client(fake) as pw:
        yield pw
