"""SDK-internal Device API commands: wire rendering, results and the extra escape hatch."""

from __future__ import annotations

from typing import Any

import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.sdk import (
    Config,
    GetConfig,
    GetInApps,
    GetPopupFormContent,
    GetPopupForms,
    InApps,
    MergeUser,
    MultiRegisterDevice,
    PageVisit,
    PopupFormContent,
    PopupFormEvent,
    PopupForms,
    RecordPopupFormEvent,
    RegisterSmsNumber,
    RegisterWhatsappNumber,
    RichMediaAction,
    SetMADID,
    TriggerInAppAction,
)
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import WireCase, device_v2, v13_device
from tests.support import APPLICATION, ok

HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"
INAPP = {
    "code": "A1B2C-3D4E5",
    "url": "https://cdn.example/inapp.zip",
    "hash": "ab12",
    "layout": "topbanner",
}
FORM = {"code": "F00D-CAFE", "name": "Newsletter"}
CONFIG = {
    "page_visit": {"entrypoint": "https://pv.example", "enabled": True},
    "vapid_key": "BPk...",
}


def sdk_call(method: str, fields: dict[str, Any]) -> dict[str, Any]:
    """v1.3 with the Device API token, the client's application filled in."""
    return v13_device(method, {**fields, "application": APPLICATION})


CASES = [
    WireCase(
        "getInApps",
        GetInApps(hwid=HWID, language="en"),
        **sdk_call("getInApps", {"hwid": HWID, "language": "en"}),
        reply=ok({"inApps": [INAPP], "updated": 1717243200}),
        result=InApps(in_apps=(INAPP,), extra={"updated": 1717243200}),
    ),
    WireCase(
        "mergeUser",
        MergeUser(old_user_id="anon-1", new_user_id="customer-1042", merge=True, ts=1717243200),
        **sdk_call(
            "mergeUser",
            {"oldUserId": "anon-1", "newUserId": "customer-1042", "merge": True, "ts": 1717243200},
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "triggerInAppAction",
        TriggerInAppAction(hwid=HWID, code="A1B2C-3D4E5", message_hash="r7Hd", timestamp_utc=1),
        **sdk_call(
            "triggerInAppAction",
            {
                "hwid": HWID,
                "action": "show",
                "code": "A1B2C-3D4E5",
                "messageHash": "r7Hd",
                "timestampUTC": 1,
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "richMediaAction",
        RichMediaAction(
            hwid=HWID,
            action_type=1,
            rich_media_code="R-1",
            inapp_code="I-1",
            message_hash="r7Hd",
            action_attributes='{"url": "https://shop.example"}',
        ),
        **sdk_call(
            "richMediaAction",
            {
                "hwid": HWID,
                "action_type": 1,
                "rich_media_code": "R-1",
                "inapp_code": "I-1",
                "message_hash": "r7Hd",
                "action_attributes": '{"url": "https://shop.example"}',
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "setMADID",
        SetMADID(hwid=HWID, madid="38400000-8cf0"),
        # Unwrapped on the Device API v2 path, as both SDKs send it.
        **device_v2(
            "setMADID", {"hwid": HWID, "madid": "38400000-8cf0", "application": APPLICATION}
        ),
        reply={},
        result=Ack(),
    ),
    WireCase(
        "setMADID-null-clears",
        SetMADID(hwid=HWID, madid=None),
        **device_v2("setMADID", {"hwid": HWID, "madid": None, "application": APPLICATION}),
        reply={},
        result=Ack(),
    ),
    WireCase(
        "getConfig",
        GetConfig(hwid=HWID, features=["page_visit", "vapid_key"]),
        **sdk_call("getConfig", {"hwid": HWID, "features": ["page_visit", "vapid_key"]}),
        reply=ok({"features": CONFIG}),
        result=Config(features=CONFIG),
    ),
    WireCase(
        "pageVisit",
        PageVisit(hwid=HWID, title="Shoes", url_path="/shoes", url="https://shop.example/shoes"),
        **sdk_call(
            "pageVisit",
            {
                "hwid": HWID,
                "title": "Shoes",
                "url_path": "/shoes",
                "url": "https://shop.example/shoes",
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "getPopupForms",
        GetPopupForms(hwid=HWID),
        **sdk_call("getPopupForms", {"hwid": HWID}),
        reply=ok({"popup_forms": [FORM]}),
        result=PopupForms(popup_forms=(FORM,)),
    ),
    WireCase(
        "getPopupFormContent",
        GetPopupFormContent(hwid=HWID, code="F00D-CAFE"),
        **sdk_call("getPopupFormContent", {"hwid": HWID, "code": "F00D-CAFE"}),
        reply=ok({"code": "F00D-CAFE", "json": '{"fields": []}', "html": None, "version": 3}),
        result=PopupFormContent(code="F00D-CAFE", json='{"fields": []}', extra={"version": 3}),
    ),
    WireCase(
        "recordPopupFormEvent",
        RecordPopupFormEvent(hwid=HWID, code="F00D-CAFE", event=2),
        **sdk_call("recordPopupFormEvent", {"hwid": HWID, "code": "F00D-CAFE", "event": 2}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "registerSmsNumber",
        RegisterSmsNumber(number="+14155550123", user_id="customer-1042", ts_offset=7200),
        **sdk_call(
            "registerSmsNumber",
            {"number": "+14155550123", "userId": "customer-1042", "ts_offset": 7200},
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "registerWhatsappNumber",
        RegisterWhatsappNumber(number="+14155550123"),
        **sdk_call("registerWhatsappNumber", {"number": "+14155550123"}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "multiRegisterDevice",
        MultiRegisterDevice(
            user_id="customer-1042",
            email="ann@example.com",
            sms_phone_number="+14155550123",
            timezone="Europe/Berlin",
            tags={"Plan": "pro"},
            push_devices=[{"hwid": HWID, "push_token": "e3b0", "platform": 3}],
        ),
        **sdk_call(
            "multiRegisterDevice",
            {
                "user_id": "customer-1042",
                "email": "ann@example.com",
                "sms_phone_number": "+14155550123",
                "timezone": "Europe/Berlin",
                "tags": {"Plan": "pro"},
                "push_devices": [{"hwid": HWID, "push_token": "e3b0", "platform": 3}],
            },
        ),
        reply=ok(),
        result=Ack(),
    ),
    # A null response still gives a result, with empty defaults.
    WireCase(
        "getInApps-null-reply",
        GetInApps(hwid=HWID),
        **sdk_call("getInApps", {"hwid": HWID}),
        reply=ok(None),
        result=InApps(),
    ),
]


def test_popup_form_event_is_a_closed_set() -> None:
    """A popup form event is 1 (visit) .. the known codes; 5 is refused."""
    assert RecordPopupFormEvent(hwid="h", code="c", event=1).event is PopupFormEvent.VISIT
    with pytest.raises(ValidationError, match="visit"):
        RecordPopupFormEvent(hwid="h", code="c", event=5)


def test_get_config_needs_feature_names() -> None:
    """getConfig needs a non-empty list of feature names, not a single string."""
    with pytest.raises(ValidationError):
        GetConfig(hwid="h", features=[])
    with pytest.raises(ValidationError, match="single string"):
        GetConfig(hwid="h", features="page_visit")


def test_tracking_calls_are_not_idempotent() -> None:
    """Calls that record an occurrence are not retried; lookups and settings are."""
    for command in (TriggerInAppAction, RichMediaAction, PageVisit, RecordPopupFormEvent):
        assert command.idempotent is False
    for command in (GetInApps, MergeUser, SetMADID, GetConfig, MultiRegisterDevice):
        assert command.idempotent is True
