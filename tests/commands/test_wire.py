"""The one wire test: every section's cases, sent through a real client over respx.

Each case states the full URL, the verb, the ``Authorization`` header (or its absence) and the
exact JSON body from the API's documentation; see ``wire.py``.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from tests.commands import (
    test_applications,
    test_audience_more,
    test_campaigns,
    test_channels,
    test_device_more,
    test_email,
    test_events,
    test_families,
    test_geozones,
    test_inbox,
    test_journeys,
    test_live_activities,
    test_messages,
    test_messages_more,
    test_messaging_v2,
    test_presets,
    test_sdk,
    test_segmentation,
    test_statistics,
    test_tags,
    test_testing_devices,
    test_users,
)
from tests.commands.wire import WireCase

MODULES = {
    "applications": test_applications,
    "audience": test_audience_more,
    "campaigns": test_campaigns,
    "channels": test_channels,
    "device": test_device_more,
    "email": test_email,
    "events": test_events,
    "families": test_families,
    "geozones": test_geozones,
    "inbox": test_inbox,
    "journeys": test_journeys,
    "live_activities": test_live_activities,
    "messages": test_messages,
    "messages_more": test_messages_more,
    "messaging_v2": test_messaging_v2,
    "presets": test_presets,
    "sdk": test_sdk,
    "segmentation": test_segmentation,
    "statistics": test_statistics,
    "tags": test_tags,
    "testing_devices": test_testing_devices,
    "users": test_users,
}
SECTIONS: dict[str, list[WireCase]] = {name: module.CASES for name, module in MODULES.items()}
PARAMS = [case.param(section) for section, cases in SECTIONS.items() for case in cases]


@pytest.mark.parametrize("case", PARAMS)
async def test_command_goes_on_the_wire_as_documented(
    pw: PushwooshClient, router: respx.Router, case: WireCase
) -> None:
    """One request with the case's verb, URL, auth header and JSON body; the reply gives its result.

    The result is of the expected class, equal to the expected value, and carries no warnings.
    """
    route = router.route().mock(return_value=httpx.Response(200, json=case.reply))
    result = await pw(case.command)

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == case.http_method
    assert str(request.url) == case.url
    for name, value in case.headers.items():
        assert request.headers.get(name) == value, name
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body
    assert type(result) is type(case.result)
    assert result == case.result
    assert result.warnings == ()


def test_every_section_table_is_collected() -> None:
    """A section file with a CASES table is in SECTIONS, and no case id repeats in a section."""
    here = Path(__file__).parent
    tables = {
        path.stem
        for path in here.glob("test_*.py")
        if hasattr(importlib.import_module(f"tests.commands.{path.stem}"), "CASES")
    }
    collected = {module.__name__.rsplit(".", 1)[1] for module in MODULES.values()}
    assert tables == collected
    for section, cases in SECTIONS.items():
        ids = [case.id for case in cases]
        assert len(ids) == len(set(ids)), section
