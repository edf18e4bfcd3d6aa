"""The fake's presets: created (with the client's default application), read, listed, deleted."""

from __future__ import annotations

from typing import Any

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    CreateApplication,
    CreatePreset,
    DeletePreset,
    GetPreset,
    ListPresets,
)
from pushwoosh_async.errors import ArgumentError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION

REMINDER: dict[str, Any] = {
    "name": "Cart reminder",
    "content": {"message": {"en": "You left something"}, "action": {"type": "openApp"}},
    "segmentation": {"platforms": [1, 3], "filter": "Buyers"},
    "scheduling": {"sendRate": 500},
}


async def test_a_preset_is_created_read_listed_and_deleted(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """createPreset gets the client's application; getPreset reads it; delete removes it."""
    created = await pw(CreatePreset(**REMINDER))
    assert created.code is not None
    assert fake.state.presets[created.code]["applicationCode"] == APPLICATION

    preset = await pw(GetPreset(preset_code=created.code))
    assert (preset.code, preset.name, preset.application_code) == (
        created.code,
        "Cart reminder",
        APPLICATION,
    )
    assert preset.content == {
        "message": {"en": "You left something"},
        "action": {"type": "openApp"},
    }
    assert preset.segmentation == {"platforms": [1, 3], "filter": "Buyers"}
    assert preset.scheduling == {"sendRate": 500}

    listed = await pw(ListPresets())
    assert listed.presets == ({"code": created.code, "name": "Cart reminder"},)

    await pw(DeletePreset(preset_code=created.code))
    assert (await pw(ListPresets())).presets == ()
    with pytest.raises(ArgumentError, match="Preset not found"):
        await pw(GetPreset(preset_code=created.code))
    with pytest.raises(ArgumentError, match="Preset not found"):
        await pw(DeletePreset(preset_code=created.code))


async def test_presets_are_listed_per_application(pw: PushwooshClient) -> None:
    """A preset made for another application is not in the default application's list."""
    other = (await pw(CreateApplication(title="Other"))).application
    mine = await pw(CreatePreset(**REMINDER))
    theirs = await pw(CreatePreset(**{**REMINDER, "name": "Theirs"}, application_code=other))
    assert [p["code"] for p in (await pw(ListPresets())).presets] == [mine.code]
    listed = await pw(ListPresets(application=other))
    assert [p["code"] for p in listed.presets] == [theirs.code]


async def test_a_preset_breaking_a_documented_rule_is_refused(pw: PushwooshClient) -> None:
    """An unknown application is refused, as Pushwoosh refuses it (210)."""
    with pytest.raises(ArgumentError, match="Application not found"):
        await pw(CreatePreset(**REMINDER, application_code="NOPE0-00000"))
