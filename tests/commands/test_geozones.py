"""Geozone commands: getNearestZone (device token), zones and clusters (server token)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.geozones import (
    UNBIND,
    AddGeoZone,
    AddGeoZoneCluster,
    DeleteGeoZone,
    DeleteGeoZoneCluster,
    GeoZoneDefinition,
    GeoZoneReply,
    GetNearestZone,
    ListGeoZoneClusters,
    ListGeoZones,
    NearestZone,
    UpdateGeoZone,
)
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (  # the shared helpers
    API,
    APP,
    DEVICE_TOKEN,
    example,
    ok,
    send,
    v13_server,
)


async def test_get_nearest_zone_uses_the_device_token(
    pw: PushwooshClient, router: respx.Router
) -> None:
    ex = example("geozones.addGeoZone_getNearestZone.json")
    command = GetNearestZone(hwid="5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13", lat=40.7, lng=-73.93)
    request, result = await send(pw, router, command, ex["getNearestZone_response"])
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/getNearestZone"
    assert request.headers["authorization"] == f"Token {DEVICE_TOKEN}"
    assert json.loads(request.content) == ex["getNearestZone_request_device_token"]
    assert result == NearestZone(
        name="Flagship store", lat=40.7008, lng=-73.9318, range=150, distance=312
    )


async def test_add_geozone_matches_the_example(pw: PushwooshClient, router: respx.Router) -> None:
    ex = example("geozones.addGeoZone_getNearestZone.json")
    zone = GeoZoneDefinition(
        name="Flagship store",
        lat="40.7008",
        lng=-73.9318,
        cooldown=3600,
        range=150,
        content="Drop by - 10% off today",
        campaign=UNBIND,
    )
    request, result = await send(pw, router, AddGeoZone(geozones=[zone]), ok({"GeoZones": [7]}))
    assert json.loads(request.content) == ex["addGeoZone_request"]
    v13_server(
        request,
        "addGeoZone",
        {"application": APP, "geozones": ex["addGeoZone_request"]["request"]["geozones"]},
    )
    assert result == GeoZoneReply(extra={"GeoZones": [7]})
    assert AddGeoZone.idempotent is False


@pytest.mark.parametrize("bad", [49, 1001])
def test_geozone_range_is_50_to_1000_metres(bad: int) -> None:
    zone: dict[str, Any] = {"name": "z", "lat": 1, "lng": 2, "cooldown": 0, "content": "c"}
    with pytest.raises(ValidationError, match="range"):
        GeoZoneDefinition(**zone, range=bad)
    with pytest.raises(ValidationError, match="range"):
        AddGeoZone(geozones=[{**zone, "range": bad}])
    with pytest.raises(ValidationError, match="range"):
        UpdateGeoZone(geozone_id="1", range=bad)
    assert GeoZoneDefinition(**zone, range=50).range == 50


def test_geozone_needs_content_or_preset_and_add_needs_zones() -> None:
    with pytest.raises(ValidationError, match="content"):
        GeoZoneDefinition(name="z", lat=1, lng=2, cooldown=0, range=100)
    zone = GeoZoneDefinition(name="z", lat=1, lng=2, cooldown=0, range=100, preset_code="P-1")
    assert zone.preset_code == "P-1"
    with pytest.raises(ValidationError):
        AddGeoZone(geozones=[])


@pytest.mark.parametrize(
    ("command", "method", "fields", "reply", "expected"),
    [
        (
            UpdateGeoZone(geozone_id="42", name="New", range=300, cluster=UNBIND, status=0),
            "updateGeoZone",
            {"geoZoneId": "42", "name": "New", "range": 300, "cluster": None, "status": 0},
            None,
            None,
        ),
        (
            DeleteGeoZone(geozones=["42", "43"]),
            "deleteGeoZone",
            {"geoZones": ["42", "43"]},
            None,
            None,
        ),
        (
            ListGeoZones(),
            "listGeoZones",
            {"application": APP},
            ok([{"id": 42}]),
            GeoZoneReply(extra={"response": [{"id": 42}]}),
        ),
        (
            AddGeoZoneCluster(name="Stores", cooldown=600),
            "addGeoZoneCluster",
            {"application": APP, "name": "Stores", "cooldown": 600},
            ok({"GeoZoneCluster": "C-1"}),
            GeoZoneReply(extra={"GeoZoneCluster": "C-1"}),
        ),
        (
            DeleteGeoZoneCluster(cluster="C-1", extra={"application": APP}),
            "deleteGeoZoneCluster",
            {"cluster": "C-1", "application": APP},
            None,
            None,
        ),
        (
            ListGeoZoneClusters(extra={"offset": 10}),
            "listGeoZoneClusters",
            {"application": APP, "offset": 10},
            ok(None),
            GeoZoneReply(),
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Command) else None,
)
async def test_partially_documented_methods(
    pw: PushwooshClient,
    router: respx.Router,
    *,
    command: Command[Any],
    method: str,
    fields: dict[str, Any],
    reply: Any,
    expected: Any,
) -> None:
    request, result = await send(pw, router, command, reply)
    v13_server(request, method, fields)
    if expected is not None:
        assert result == expected


def test_required_ids_are_refused_empty() -> None:
    with pytest.raises(ValidationError):
        UpdateGeoZone(geozone_id="")
    with pytest.raises(ValidationError):
        DeleteGeoZone(geozones=[])
    with pytest.raises(ValidationError):
        DeleteGeoZoneCluster(cluster="")
