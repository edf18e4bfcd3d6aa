"""SDK-internal Device API commands: wire rendering, results and the extra escape hatch."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command, Result
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
from tests.commands.wire import API, APP, ok, send

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


# (command, method, request body without "application", response data, expected result)
CASES: list[tuple[Command[Any], str, dict[str, Any], Any, Result]] = [
    (
        GetInApps(hwid=HWID, language="en"),
        "getInApps",
        {"hwid": HWID, "language": "en"},
        {"inApps": [INAPP], "updated": 1717243200},
        InApps(in_apps=(INAPP,), extra={"updated": 1717243200}),
    ),
    (
        MergeUser(old_user_id="anon-1", new_user_id="customer-1042", merge=True, ts=1717243200),
        "mergeUser",
        {"oldUserId": "anon-1", "newUserId": "customer-1042", "merge": True, "ts": 1717243200},
        None,
        Ack(),
    ),
    (
        TriggerInAppAction(hwid=HWID, code="A1B2C-3D4E5", message_hash="r7Hd", timestamp_utc=1),
        "triggerInAppAction",
        {
            "hwid": HWID,
            "action": "show",
            "code": "A1B2C-3D4E5",
            "messageHash": "r7Hd",
            "timestampUTC": 1,
        },
        None,
        Ack(),
    ),
    (
        RichMediaAction(
            hwid=HWID, action_type=1, extra={"richMediaCode": "R-1", "inappCode": "I-1"}
        ),
        "richMediaAction",
        {"hwid": HWID, "action_type": 1, "richMediaCode": "R-1", "inappCode": "I-1"},
        None,
        Ack(),
    ),
    (
        SetMADID(hwid=HWID, madid="38400000-8cf0"),
        "setMADID",
        {"hwid": HWID, "madid": "38400000-8cf0"},
        None,
        Ack(),
    ),
    (SetMADID(hwid=HWID, madid=None), "setMADID", {"hwid": HWID, "madid": None}, None, Ack()),
    (
        GetConfig(hwid=HWID, features=["page_visit", "vapid_key"]),
        "getConfig",
        {"hwid": HWID, "features": ["page_visit", "vapid_key"]},
        {"features": CONFIG},
        Config(features=CONFIG),
    ),
    (
        PageVisit(hwid=HWID, title="Shoes", url_path="/shoes", url="https://shop.example/shoes"),
        "pageVisit",
        {"hwid": HWID, "title": "Shoes", "url_path": "/shoes", "url": "https://shop.example/shoes"},
        None,
        Ack(),
    ),
    (
        GetPopupForms(hwid=HWID),
        "getPopupForms",
        {"hwid": HWID},
        {"popup_forms": [FORM]},
        PopupForms(popup_forms=(FORM,)),
    ),
    (
        GetPopupFormContent(hwid=HWID, code="F00D-CAFE"),
        "getPopupFormContent",
        {"hwid": HWID, "code": "F00D-CAFE"},
        {"code": "F00D-CAFE", "json": '{"fields": []}', "html": None, "version": 3},
        PopupFormContent(code="F00D-CAFE", json='{"fields": []}', extra={"version": 3}),
    ),
    (
        RecordPopupFormEvent(hwid=HWID, code="F00D-CAFE", event=2),
        "recordPopupFormEvent",
        {"hwid": HWID, "code": "F00D-CAFE", "event": 2},
        None,
        Ack(),
    ),
    (
        RegisterSmsNumber(number="+14155550123", user_id="customer-1042", ts_offset=7200),
        "registerSmsNumber",
        {"number": "+14155550123", "userId": "customer-1042", "ts_offset": 7200},
        None,
        Ack(),
    ),
    (
        RegisterWhatsappNumber(number="+14155550123"),
        "registerWhatsappNumber",
        {"number": "+14155550123"},
        None,
        Ack(),
    ),
    (
        MultiRegisterDevice(
            user_id="customer-1042",
            email="ann@example.com",
            sms_phone_number="+14155550123",
            timezone="Europe/Berlin",
            tags={"Plan": "pro"},
            push_devices=[{"hwid": HWID, "push_token": "e3b0", "platform": 3}],
        ),
        "multiRegisterDevice",
        {
            "user_id": "customer-1042",
            "email": "ann@example.com",
            "sms_phone_number": "+14155550123",
            "timezone": "Europe/Berlin",
            "tags": {"Plan": "pro"},
            "push_devices": [{"hwid": HWID, "push_token": "e3b0", "platform": 3}],
        },
        None,
        Ack(),
    ),
]


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[f"{type(c[0]).__name__}-{i}" for i, c in enumerate(CASES)],
)
async def test_sdk_call(
    pw: PushwooshClient,
    router: respx.Router,
    case: tuple[Command[Any], str, dict[str, Any], Any, Result],
) -> None:
    """POST to /json/1.3/<method>, device token in the header, wrapped body with the app filled."""
    command, method, body, data, expected = case
    request, result = await send(pw, router, command, ok(data))
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert request.headers["Authorization"] == "Token DEVICE_API_TOKEN"
    assert json.loads(request.content) == {"request": {**body, "application": APP}}
    assert result == expected


async def test_sparse_replies_structure(pw: PushwooshClient, router: respx.Router) -> None:
    """A null response still gives a result, with empty defaults."""
    _, result = await send(pw, router, GetInApps(hwid=HWID), ok(None))
    assert result == InApps()


def test_popup_form_event_is_a_closed_set() -> None:
    assert RecordPopupFormEvent(hwid="h", code="c", event=1).event is PopupFormEvent.VISIT
    with pytest.raises(ValidationError, match="visit"):
        RecordPopupFormEvent(hwid="h", code="c", event=5)


def test_get_config_needs_feature_names() -> None:
    with pytest.raises(ValidationError):
        GetConfig(hwid="h", features=[])
    with pytest.raises(ValidationError, match="single string"):
        GetConfig(hwid="h", features="page_visit")


def test_tracking_calls_are_not_idempotent() -> None:
    for command in (TriggerInAppAction, RichMediaAction, PageVisit, RecordPopupFormEvent):
        assert command.idempotent is False
    for command in (GetInApps, MergeUser, SetMADID, GetConfig, MultiRegisterDevice):
        assert command.idempotent is True
