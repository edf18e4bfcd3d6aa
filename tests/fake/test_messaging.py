"""The fake's messaging sections end to end: every channel records messages in ``fake.state``.

Each test drives the library's own client against ``FakePushwoosh`` and checks both what the
account now holds and what the read methods answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    Cancel,
    CancelMessage,
    CreateEmailMessage,
    CreateKakaoMessage,
    CreateMessage,
    CreateSMSMessage,
    CreateTargetedMessage,
    CreateWhatsAppMessage,
    DeleteEmail,
    EmailNotification,
    GetBouncedEmails,
    GetMessageDetails,
    GetPushHistory,
    KakaoNotification,
    LiveActivityStart,
    LiveActivityUpdate,
    Notification,
    Notify,
    RegisterEmail,
    RegisterEmailUser,
    Schedule,
    Segment,
    SetEmailTags,
    SMSNotification,
    StartLiveActivity,
    Transactional,
    UpdateLiveActivity,
    WhatsAppNotification,
)
from pushwoosh_async.errors import APIError, PushwooshError
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.handlers.messages import HISTORY_PAGE
from tests.support import API_TOKEN, APPLICATION, raw_client

LATER = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(tzinfo=None)
LATER_V13 = LATER.strftime("%Y-%m-%d %H:%M")
LATER_V2 = LATER.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_every_channel_is_recorded_with_its_channel(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """Push, email, SMS, WhatsApp, Kakao, v2 and Live Activities all land in state.messages."""
    fake.add_device("h1", user_id="u1")
    await pw(RegisterEmail(email="jane@example.com", user_id="u1"))
    await pw(CreateMessage(notifications=[Notification(content="Hi", devices=["h1"])]))
    await pw(CreateEmailMessage(notifications=[EmailNotification(preset="P", users=["u1"])]))
    await pw(
        CreateSMSMessage(
            notifications=[
                SMSNotification(content="x", devices=["+1555"], use_auto_registration=True)
            ]
        )
    )
    await pw(
        CreateWhatsAppMessage(
            notifications=[WhatsAppNotification(content="x", devices=["whatsapp:+1555"])]
        )
    )
    await pw(CreateKakaoMessage(notifications=[KakaoNotification(template="t", users=["u1"])]))
    await pw(
        Notify(transactional=Transactional(schedule={}, application=APPLICATION, hwids=["h1"]))
    )
    await pw(
        StartLiveActivity(
            notifications=[
                LiveActivityStart(
                    live_activity={"content-state": {"s": 1}}, live_activity_id="a1", devices=["h1"]
                )
            ]
        )
    )
    channels = [(m.channel, m.method) for m in fake.state.messages.values()]
    assert channels == [
        ("push", "createMessage"),
        ("email", "createEmailMessage"),
        ("sms", "createSMSMessage"),
        ("whatsapp", "createWhatsAppMessage"),
        ("kakao", "createKakaoMessage"),
        ("v2", "notify"),
        ("push", "startLiveActivity"),
    ]
    by_method = {m.method: m for m in fake.state.messages.values()}
    assert by_method["createEmailMessage"].devices == ("jane@example.com",)
    assert by_method["createMessage"].devices == ("h1",)
    assert by_method["notify"].devices == ("h1",)
    assert by_method["createSMSMessage"].devices == ("+1555",)  # auto-registered
    assert by_method["createWhatsAppMessage"].unknown_devices == ("whatsapp:+1555",)
    rows = [row async for row in pw.paginate(GetPushHistory())]
    assert [row.extra["channel"] for row in rows] == [
        m.channel for m in fake.state.messages.values()
    ]


async def test_email_transaction_ids_are_deduplicated(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """A repeated email transactionId creates nothing, like createMessage's."""
    note = EmailNotification(preset="P", devices=["a@example.com"], transaction_id="t-1")
    await pw(CreateEmailMessage(notifications=[note]))
    await pw(CreateEmailMessage(notifications=[note]))
    (message,) = fake.state.messages.values()
    assert message.transaction_id == "t-1"
    assert fake.state.transactions == {"t-1": [message.code]}


async def test_v2_scheduled_message_is_cancelled_once(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """A scheduled notify is cancellable; a second cancel, or an unknown code, is refused."""
    segment = Segment(application=APPLICATION, code="all", schedule=Schedule(at=LATER_V2))
    code = (await pw(Notify(segment=segment))).message_code
    assert fake.state.messages[code].scheduled
    await pw(Cancel(message_code=code))
    assert fake.state.messages[code].cancelled
    assert (await pw(GetMessageDetails(message=code))).status == "cancelled"
    with pytest.raises(APIError) as again:
        await pw(Cancel(message_code=code))
    assert again.value.status_code == 400
    with pytest.raises(APIError) as unknown:
        await pw(Cancel(message_code="NO-SUCH"))
    assert unknown.value.status_code == 404


async def test_v2_immediate_message_cannot_be_cancelled(pw: PushwooshClient) -> None:
    """A message sent now is past cancelling: 400, as documented."""
    code = (
        await pw(
            Notify(transactional=Transactional(schedule={}, application=APPLICATION, users=["u"]))
        )
    ).message_code
    with pytest.raises(APIError) as refused:
        await pw(Cancel(message_code=code))
    assert refused.value.status_code == 400


async def test_v13_cancel_message_cancels_a_scheduled_push(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """cancelMessage stops a push scheduled for later; a sent one is refused (210)."""
    later = Notification(content="Later", filter="F", send_date=LATER_V13)
    (code,) = (await pw(CreateMessage(notifications=[later]))).message_codes
    await pw(CancelMessage(extra={"message": code}))
    assert fake.state.messages[code].cancelled
    with pytest.raises(APIError):
        await pw(CancelMessage(extra={"message": code}))


async def test_transactional_unknown_identifiers(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """return_unknown_identifiers lists the hwids the application does not know."""
    fake.add_device("h1")
    result = await pw(
        Notify(
            transactional=Transactional(
                schedule={},
                application=APPLICATION,
                hwids=["h1", "ghost"],
                return_unknown_identifiers=True,
            )
        )
    )
    assert result.extra["unknown_identifiers"]["hwids"] == ["ghost"]
    assert fake.state.messages[result.message_code].devices == ("h1",)


async def test_push_history_pages_by_last_notification_id(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """More messages than a page: paginate follows lastNotificationID and reads each once."""
    count = HISTORY_PAGE + 5
    notes = [Notification(content=f"n{i}", filter="F") for i in range(count)]
    for start in range(0, count, 50):
        await pw(CreateMessage(notifications=notes[start : start + 50]))
    first = await pw(GetPushHistory())
    assert len(first.rows) == HISTORY_PAGE
    assert first.last_notification_id == str(HISTORY_PAGE)
    rows = [row async for row in pw.paginate(GetPushHistory())]
    assert [row.id for row in rows] == list(range(1, count + 1))
    code = next(iter(fake.state.messages))
    (found,) = [
        r async for r in pw.paginate(GetPushHistory(search_by="notificationCode", value=code))
    ]
    assert found.extra["code"] == code


async def test_targeted_message_reaches_its_application(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """createTargetedMessage records a message for the A("...") application of its filter."""
    fake.add_device("h1")
    fake.add_device("h2")
    result = await pw(CreateTargetedMessage(devices_filter=f'A("{APPLICATION}")', content="Hi"))
    assert result.message_code is not None
    assert fake.state.messages[result.message_code].devices == ("h1", "h2")


async def test_email_subscriber_lifecycle(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """registerEmail adds a type-14 device; user, tags and deletion change it; bounces are read."""
    await pw(RegisterEmail(email="jane@example.com", language="en", tz_offset=3600))
    device = fake.state.device(APPLICATION, "jane@example.com")
    assert device is not None
    assert (device.device_type, device.language, device.tags) == (
        14,
        "en",
        {"TimezoneOffset": 3600},
    )
    await pw(RegisterEmailUser(email="jane@example.com", user_id="u1"))
    await pw(SetEmailTags(email="jane@example.com", tags={"City": "Berlin"}))
    assert (device.user_id, device.tags["City"]) == ("u1", "Berlin")
    await pw(DeleteEmail(email="jane@example.com"))
    assert fake.state.device(APPLICATION, "jane@example.com") is None
    with pytest.raises(PushwooshError):
        await pw(DeleteEmail(email="jane@example.com"))
    fake.state.bounced_emails.update({"b@example.com", "a@example.com"})
    report = await pw.wait(GetBouncedEmails(), interval=0)
    assert report.entries == ({"email": "a@example.com"}, {"email": "b@example.com"})


async def test_live_activity_start_update_end(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """An update reaches the devices the start reached; an unknown activity is refused."""
    fake.add_device("h1")
    start = LiveActivityStart(
        live_activity={"content-state": {"s": 1}, "attributes-type": "A", "attributes": {}},
        live_activity_id="order-1",
        devices=["h1"],
    )
    await pw(StartLiveActivity(notifications=[start]))
    end = LiveActivityUpdate(
        live_activity={"event": "end", "content-state": {"s": 2}}, live_activity_id="order-1"
    )
    (code,) = (await pw(UpdateLiveActivity(notifications=[end]))).message_codes
    assert len(fake.state.live_activities["order-1"]) == 2
    assert fake.state.messages[code].devices == ("h1",)
    ghost = LiveActivityUpdate(live_activity={"content-state": {}}, live_activity_id="nope")
    with pytest.raises(APIError):
        await pw(UpdateLiveActivity(notifications=[ghost]))


@pytest.mark.parametrize(
    ("method", "notification"),
    [
        pytest.param("createKakaoMessage", {"template": "t", "users": ["u"], "filter": "F"}),
        pytest.param("createSMSMessage", {"content": "x", "devices": ["+1", "+2"]}),
        pytest.param("createWhatsAppMessage", {"devices": ["whatsapp:+1"]}),
    ],
)
async def test_channel_rules_are_refused_by_the_fake(
    fake: FakePushwoosh, method: str, notification: dict[str, Any]
) -> None:
    """What a channel's page forbids is a 210 at the fake, and nothing is recorded."""
    body = {
        "request": {"auth": API_TOKEN, "application": APPLICATION, "notifications": [notification]}
    }
    async with raw_client(fake) as raw:
        response = await raw.post(f"/json/1.3/{method}", json=body)
    assert response.json()["status_code"] == 210
    assert fake.state.messages == {}
