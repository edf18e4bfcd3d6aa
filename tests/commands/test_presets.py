"""Presets commands: their wire cases (v1.3, server token in the body) and validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.presets import (
    ActionType,
    CreatePreset,
    DeletePreset,
    GetPreset,
    ListPresets,
    Preset,
    PresetAction,
    PresetContent,
    PresetCreated,
    PresetList,
    PresetScheduling,
    PresetSegmentation,
)
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import WireCase, v13_server
from tests.support import APPLICATION, mock_client, ok

CART_PRESET: dict[str, Any] = {
    "name": "Cart reminder",
    "applicationCode": APPLICATION,
    "content": {
        "message": {"en": "You left something in your cart"},
        "title": {"en": "Still interested?"},
        "action": {"type": "url", "options": {"url": "https://shop.example.com/cart"}},
    },
    "scheduling": {"sendRate": 500},
    "segmentation": {"filter": "Madrid users", "platforms": [1, 3]},
}


def cart_preset() -> CreatePreset:
    """CART_PRESET built from the typed values."""
    return CreatePreset(
        name="Cart reminder",
        application_code=APPLICATION,
        content=PresetContent(
            message={"en": "You left something in your cart"},
            title={"en": "Still interested?"},
            action=PresetAction(
                type=ActionType.URL, options={"url": "https://shop.example.com/cart"}
            ),
        ),
        scheduling=PresetScheduling(send_rate=500),
        segmentation=PresetSegmentation(filter="Madrid users", platforms=[1, 3]),
    )


CASES = [
    WireCase(
        "createPreset",
        cart_preset(),
        **v13_server("createPreset", CART_PRESET),
        reply=ok(),
        result=PresetCreated(),
    ),
    WireCase(
        "createPreset-from-wire-dicts",
        CreatePreset(
            **{k: v for k, v in CART_PRESET.items() if k != "applicationCode"},
            application_code=APPLICATION,
        ),
        **v13_server("createPreset", CART_PRESET),
        reply=ok({"code": "PRESET-1"}),
        result=PresetCreated(code="PRESET-1"),
    ),
    WireCase(
        "createPreset-default-app-fills-applicationCode",
        CreatePreset(**{k: v for k, v in CART_PRESET.items() if k != "applicationCode"}),
        **v13_server(
            "createPreset",
            {
                **{k: v for k, v in CART_PRESET.items() if k != "applicationCode"},
                "applicationCode": APPLICATION,
            },
        ),
        reply=ok({"code": "PRESET-2"}),
        result=PresetCreated(code="PRESET-2"),
    ),
    WireCase(
        "createPreset-group-gets-no-default-app",
        CreatePreset(
            **{k: v for k, v in CART_PRESET.items() if k != "applicationCode"},
            application_group_code="AAAAA-BBBBB",
        ),
        **v13_server(
            "createPreset",
            {
                **{k: v for k, v in CART_PRESET.items() if k != "applicationCode"},
                "applicationGroupCode": "AAAAA-BBBBB",
            },
        ),
        reply=ok(),
        result=PresetCreated(),
    ),
    WireCase(
        "getPreset-keeps-unknown-keys",
        GetPreset(preset_code="PRESET-1"),
        **v13_server("getPreset", {"preset_code": "PRESET-1"}),
        reply=ok(
            {
                "preset": {
                    "code": "PRESET-1",
                    "name": "Cart reminder",
                    "applicationCode": APPLICATION,
                    "x": 1,
                }
            }
        ),
        result=Preset(
            code="PRESET-1", name="Cart reminder", application_code=APPLICATION, extra={"x": 1}
        ),
    ),
    WireCase(
        "listPresets-default-app",
        ListPresets(),
        **v13_server("listPresets", {"application": APPLICATION}),
        reply=ok({"presets": [{"code": "PRESET-1", "name": "Cart reminder"}]}),
        result=PresetList(presets=({"code": "PRESET-1", "name": "Cart reminder"},)),
    ),
    WireCase(
        "listPresets-bare-list",
        ListPresets(application="F00D1-2B3C4"),
        **v13_server("listPresets", {"application": "F00D1-2B3C4"}),
        reply=ok([{"code": "PRESET-2"}]),
        result=PresetList(presets=({"code": "PRESET-2"},)),
    ),
    WireCase(
        "deletePreset",
        DeletePreset(preset_code="PRESET-1"),
        **v13_server("deletePreset", {"preset_code": "PRESET-1"}),
        reply=ok(),
        result=Ack(),
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"application_group_code": "G-1"}, "not both", id="application-and-group"),
        pytest.param({"scheduling": {"sendRate": 50}}, "100..1000", id="send-rate-50"),
        pytest.param({"scheduling": {"sendRate": 1001}}, "100..1000", id="send-rate-1001"),
        pytest.param({"segmentation": {"platforms": []}}, "empty", id="no-platforms"),
        pytest.param(
            {"content": {"message": "Hi", "action": {"type": "popup"}}},
            "action type",
            id="unknown-action-type",
        ),
        pytest.param({"name": ""}, "empty", id="no-name"),
    ],
)
def test_create_preset_validation(change: dict[str, Any], message: str) -> None:
    """A createPreset breaking a documented rule is refused before anything is sent."""
    kwargs: dict[str, Any] = {
        "name": "p",
        "application_code": APPLICATION,
        "content": {"message": "Hi"},
        "segmentation": {"platforms": [1]},
        **change,
    }
    with pytest.raises(ValidationError, match=message):
        CreatePreset(**kwargs)


def test_create_is_not_retried_and_delete_needs_a_code() -> None:
    """createPreset is not idempotent; deletePreset needs preset_code (or a code in extra)."""
    assert CreatePreset.idempotent is False
    with pytest.raises(ValidationError, match="preset_code"):
        DeletePreset()
    assert DeletePreset(extra={"code": "P"}).extra == {"code": "P"}


async def test_create_preset_without_any_application_is_refused_before_sending() -> None:
    """No applicationCode, no group and no client default: refused, nothing is sent."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=ok())

    preset = CreatePreset(name="p", content={"message": "Hi"}, segmentation={"platforms": [1]})
    async with mock_client(answer, application=None) as pw:
        with pytest.raises(ValidationError, match="CreatePreset needs an application"):
            await pw(preset)
    assert sent == []
