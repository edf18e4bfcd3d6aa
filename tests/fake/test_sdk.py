"""The fake's SDK calls: reads from account state tests fill, tracking calls recorded, channels."""

from __future__ import annotations

import json

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    GetConfig,
    GetInApps,
    GetPopupFormContent,
    GetPopupForms,
    GetTags,
    MergeUser,
    MultiRegisterDevice,
    PageVisit,
    RecordPopupFormEvent,
    RegisterSmsNumber,
    RegisterWhatsappNumber,
    RichMediaAction,
    SetMADID,
    TriggerInAppAction,
)
from pushwoosh_async.errors import APIError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION, fake_account

INAPP = {"code": "A1B2C-3D4E5", "url": "https://cdn.example/inapp.zip", "layout": "topbanner"}
FORM = {"code": "F00D", "name": "Newsletter", "json": '{"fields": []}', "html": "<form/>"}


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    account.add_device("h1", user_id="anon", tags={"Plan": "pro"})
    account.state.in_apps.append(INAPP)
    account.state.web_config.update({"vapid_key": "BPk", "web_in_apps": {"enabled": True}})
    account.state.popup_forms["F00D"] = FORM
    return account


async def test_reads_answer_what_the_account_holds(pw: PushwooshClient) -> None:
    """In-apps, config and pop-up forms come from the state a test filled."""
    assert (await pw(GetInApps(hwid="h1"))).in_apps == (INAPP,)
    config = await pw(GetConfig(hwid="h1", features=["vapid_key", "page_visit"]))
    assert config.features == {"vapid_key": "BPk"}
    (listed,) = (await pw(GetPopupForms(hwid="h1"))).popup_forms
    assert listed == {"code": "F00D", "name": "Newsletter"}
    content = await pw(GetPopupFormContent(hwid="h1", code="F00D"))
    assert (content.code, content.json, content.html) == ("F00D", '{"fields": []}', "<form/>")


async def test_form_content_defaults_to_the_form_itself(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """A form stored without ``json`` is answered as its own JSON; an unknown code is refused."""
    fake.state.popup_forms["BARE"] = {"code": "BARE", "fields": [1]}
    content = await pw(GetPopupFormContent(hwid="h1", code="BARE"))
    assert content.json is not None
    assert json.loads(content.json) == {"code": "BARE", "fields": [1]}
    assert content.html is None
    with pytest.raises(APIError, match="Popup form not found"):
        await pw(GetPopupFormContent(hwid="h1", code="NOPE"))


async def test_tracking_calls_are_recorded(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """In-app, rich media, page visit and pop-up form events land in the account, in order."""
    await pw(TriggerInAppAction(hwid="h1", code="A1B2C-3D4E5"))
    await pw(RichMediaAction(hwid="h1", action_type=2, rich_media_code="R-1"))
    await pw(PageVisit(hwid="h1", title="Shoes", url_path="/shoes", url="https://s.example/shoes"))
    await pw(RecordPopupFormEvent(hwid="h1", code="F00D", event=2))
    state = fake.state
    assert [a["code"] for a in state.inapp_actions] == ["A1B2C-3D4E5"]
    assert state.rich_media_actions[0]["rich_media_code"] == "R-1"
    assert state.page_visits[0]["url_path"] == "/shoes"
    assert state.popup_form_events[0]["event"] == 2
    with pytest.raises(APIError, match="Popup form not found"):
        await pw(RecordPopupFormEvent(hwid="h1", code="NOPE", event=1))


async def test_set_madid_sets_and_clears(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """setMADID remembers the advertising id; ``None`` clears it."""
    await pw(SetMADID(hwid="h1", madid="38400000-8cf0"))
    assert fake.state.advertising_ids[APPLICATION, "h1"] == "38400000-8cf0"
    await pw(SetMADID(hwid="h1", madid=None))
    assert fake.state.advertising_ids[APPLICATION, "h1"] is None


@pytest.mark.parametrize(("merge", "tags"), [(True, {"Plan": "pro"}), (False, {})])
async def test_merge_user_moves_devices(
    pw: PushwooshClient, fake: FakePushwoosh, *, merge: bool, tags: dict[str, str]
) -> None:
    """mergeUser moves the old user's devices to the new one; merge=False drops their tags."""
    await pw(MergeUser(old_user_id="anon", new_user_id="customer-1", merge=merge))
    assert fake.state.user_devices(APPLICATION, "anon") == []
    (moved,) = fake.state.user_devices(APPLICATION, "customer-1")
    assert (moved.hwid, moved.tags) == ("h1", tags)


async def test_numbers_register_as_sms_and_whatsapp_devices(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """registerSmsNumber / registerWhatsappNumber add devices of type 18 / 21 for the user."""
    await pw(RegisterSmsNumber(number="+14155550123", user_id="customer-1"))
    await pw(RegisterWhatsappNumber(number="whatsapp:+14155550123"))
    sms = fake.state.device(APPLICATION, "+14155550123")
    whatsapp = fake.state.device(APPLICATION, "whatsapp:+14155550123")
    assert sms is not None
    assert whatsapp is not None
    assert (sms.device_type, sms.user_id, whatsapp.device_type) == (18, "customer-1", 21)


async def test_multi_register_device_registers_every_channel(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """Email, SMS, WhatsApp and push devices are registered for the user, tags applied by op."""
    await pw(
        MultiRegisterDevice(
            user_id="customer-1",
            email="ann@example.com",
            sms_phone_number="+14155550123",
            whatsapp_phone_number="+14155550124",
            kakao_phone_number="+821012345678",
            language="de",
            tags={
                "Plan": {"operation": 0, "value": "pro"},
                "Sports": {"operation": 1, "values": ["tennis"]},
                "Visits": {"operation": 3, "value": "2"},
            },
            push_devices=[{"hwid": "web-1", "platform": 11, "push_token": "tok"}],
        )
    )
    devices = fake.state.user_devices(APPLICATION, "customer-1")
    assert sorted((d.hwid, d.device_type) for d in devices) == [
        ("+14155550123", 18),
        ("+14155550124", 21),
        ("ann@example.com", 14),
        ("web-1", 11),
    ]
    web = fake.state.device(APPLICATION, "web-1")
    assert web is not None
    assert (web.push_token, web.language) == ("tok", "de")
    assert (await pw(GetTags(hwid="web-1"))).values == {
        "Plan": "pro",
        "Sports": ["tennis"],
        "Visits": 2,
    }
