"""Presets commands: wire rendering (v1.3, server token in the body) and results."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command, Result
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
from tests.commands.wire import API, APP, TOKEN, ok, send

CART_PRESET: dict[str, Any] = {
    "name": "Cart reminder",
    "applicationCode": APP,
    "content": {
        "message": {"en": "You left something in your cart"},
        "title": {"en": "Still interested?"},
        "action": {"type": "url", "options": {"url": "https://shop.example.com/cart"}},
    },
    "scheduling": {"sendRate": 500},
    "segmentation": {"filter": "Madrid users", "platforms": [1, 3]},
}


def cart_preset() -> CreatePreset:
    return CreatePreset(
        name="Cart reminder",
        application_code=APP,
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
    pytest.param(
        cart_preset(), "createPreset", CART_PRESET, None, PresetCreated(), id="createPreset"
    ),
    pytest.param(
        CreatePreset(
            **{k: v for k, v in CART_PRESET.items() if k != "applicationCode"}, application_code=APP
        ),
        "createPreset",
        CART_PRESET,
        {"code": "PRESET-1"},
        PresetCreated(code="PRESET-1"),
        id="createPreset-dicts",
    ),
    pytest.param(
        GetPreset(preset_code="PRESET-1"),
        "getPreset",
        {"preset_code": "PRESET-1"},
        {"preset": {"code": "PRESET-1", "name": "Cart reminder", "applicationCode": APP, "x": 1}},
        Preset(code="PRESET-1", name="Cart reminder", application_code=APP, extra={"x": 1}),
        id="getPreset",
    ),
    pytest.param(
        ListPresets(),
        "listPresets",
        {"application": APP},
        {"presets": [{"code": "PRESET-1", "name": "Cart reminder"}]},
        PresetList(presets=({"code": "PRESET-1", "name": "Cart reminder"},)),
        id="listPresets",
    ),
    pytest.param(
        ListPresets(application="F00D1-2B3C4"),
        "listPresets",
        {"application": "F00D1-2B3C4"},
        [{"code": "PRESET-2"}],
        PresetList(presets=({"code": "PRESET-2"},)),
        id="listPresets-bare-list",
    ),
    pytest.param(
        DeletePreset(preset_code="PRESET-1"),
        "deletePreset",
        {"preset_code": "PRESET-1"},
        None,
        Ack(),
        id="deletePreset",
    ),
]


@pytest.mark.parametrize(("command", "method", "body", "data", "expected"), CASES)
async def test_wire_and_result(
    pw: PushwooshClient,
    router: respx.Router,
    *,
    command: Command[Any],
    method: str,
    body: dict[str, Any],
    data: Any,
    expected: Result,
) -> None:
    """POST /json/1.3/<method> with {"request": {auth, ...}}, no header token; typed result."""
    request, result = await send(pw, router, command, ok(data))
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"request": {"auth": TOKEN, **body}}
    assert result == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"application_code": None}, "exactly one"),
        ({"application_group_code": "G-1"}, "exactly one"),
        ({"scheduling": {"sendRate": 50}}, "100..1000"),
        ({"scheduling": {"sendRate": 1001}}, "100..1000"),
        ({"segmentation": {"platforms": []}}, "empty"),
        ({"content": {"message": "Hi", "action": {"type": "popup"}}}, "action type"),
        ({"name": ""}, "empty"),
    ],
)
def test_create_preset_validation(change: dict[str, Any], message: str) -> None:
    kwargs: dict[str, Any] = {
        "name": "p",
        "application_code": APP,
        "content": {"message": "Hi"},
        "segmentation": {"platforms": [1]},
        **change,
    }
    with pytest.raises(ValidationError, match=message):
        CreatePreset(**kwargs)


def test_flags() -> None:
    assert CreatePreset.idempotent is False
    with pytest.raises(ValidationError, match="preset_code"):
        DeletePreset()
    assert DeletePreset(extra={"code": "P"}).extra == {"code": "P"}
