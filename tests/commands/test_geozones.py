"""Geozone commands: getNearestZone (device token), zones and clusters (server token)."""

from __future__ import annotations

from typing import Any

import pytest

from pushwoosh_async.commands import Ack
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
from tests.commands.wire import DEVICE_AUTH, NO_AUTH, WireCase, v13_server
from tests.support import API, APPLICATION, example, ok

EX = example("geozones.addGeoZone_getNearestZone.json")

CASES = [
    # The catalogue examples, as they are.
    WireCase(
        "getNearestZone-device-token-example",
        GetNearestZone(hwid="5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13", lat=40.7, lng=-73.93),
        http_method="POST",
        url=f"{API}/json/1.3/getNearestZone",
        headers=DEVICE_AUTH,
        body=EX["getNearestZone_request_device_token"],
        reply=EX["getNearestZone_response"],
        result=NearestZone(
            name="Flagship store", lat=40.7008, lng=-73.9318, range=150, distance=312
        ),
    ),
    WireCase(
        "addGeoZone-example",
        AddGeoZone(
            geozones=[
                GeoZoneDefinition(
                    name="Flagship store",
                    lat="40.7008",
                    lng=-73.9318,
                    cooldown=3600,
                    range=150,
                    content="Drop by - 10% off today",
                    campaign=UNBIND,
                )
            ]
        ),
        http_method="POST",
        url=f"{API}/json/1.3/addGeoZone",
        headers=NO_AUTH,
        body=EX["addGeoZone_request"],
        reply=ok({"GeoZones": [7]}),
        result=GeoZoneReply(extra={"GeoZones": [7]}),
    ),
    # The partially documented methods.
    WireCase(
        "updateGeoZone-unbind-cluster",
        UpdateGeoZone(geozone_id="42", name="New", range=300, cluster=UNBIND, status=0),
        **v13_server(
            "updateGeoZone",
            {"geoZoneId": "42", "name": "New", "range": 300, "cluster": None, "status": 0},
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "deleteGeoZone",
        DeleteGeoZone(geozones=["42", "43"]),
        **v13_server("deleteGeoZone", {"geoZones": ["42", "43"]}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "listGeoZones-non-object-reply",
        ListGeoZones(),
        **v13_server("listGeoZones", {"application": APPLICATION}),
        reply=ok([{"id": 42}]),
        result=GeoZoneReply(extra={"response": [{"id": 42}]}),
    ),
    WireCase(
        "addGeoZoneCluster",
        AddGeoZoneCluster(name="Stores", cooldown=600),
        **v13_server(
            "addGeoZoneCluster", {"application": APPLICATION, "name": "Stores", "cooldown": 600}
        ),
        reply=ok({"GeoZoneCluster": "C-1"}),
        result=GeoZoneReply(extra={"GeoZoneCluster": "C-1"}),
    ),
    WireCase(
        "deleteGeoZoneCluster-extra",
        DeleteGeoZoneCluster(cluster="C-1", extra={"application": APPLICATION}),
        **v13_server("deleteGeoZoneCluster", {"cluster": "C-1", "application": APPLICATION}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "listGeoZoneClusters-extra-null-reply",
        ListGeoZoneClusters(extra={"offset": 10}),
        **v13_server("listGeoZoneClusters", {"application": APPLICATION, "offset": 10}),
        reply=ok(None),
        result=GeoZoneReply(),
    ),
]


def test_add_geozone_is_not_retried() -> None:
    """addGeoZone is not idempotent: a retry could add the zone twice."""
    assert AddGeoZone.idempotent is False


@pytest.mark.parametrize("bad", [pytest.param(49, id="49m"), pytest.param(1001, id="1001m")])
def test_geozone_range_is_50_to_1000_metres(bad: int) -> None:
    """A range outside 50..1000 m is refused by a zone, addGeoZone and updateGeoZone."""
    zone: dict[str, Any] = {"name": "z", "lat": 1, "lng": 2, "cooldown": 0, "content": "c"}
    with pytest.raises(ValidationError, match="range"):
        GeoZoneDefinition(**zone, range=bad)
    with pytest.raises(ValidationError, match="range"):
        AddGeoZone(geozones=[{**zone, "range": bad}])
    with pytest.raises(ValidationError, match="range"):
        UpdateGeoZone(geozone_id="1", range=bad)
    assert GeoZoneDefinition(**zone, range=50).range == 50


def test_geozone_needs_content_or_preset_and_add_needs_zones() -> None:
    """A zone without content or a preset, or addGeoZone without zones, is refused."""
    with pytest.raises(ValidationError, match="content"):
        GeoZoneDefinition(name="z", lat=1, lng=2, cooldown=0, range=100)
    zone = GeoZoneDefinition(name="z", lat=1, lng=2, cooldown=0, range=100, preset_code="P-1")
    assert zone.preset_code == "P-1"
    with pytest.raises(ValidationError):
        AddGeoZone(geozones=[])


def test_required_ids_are_refused_empty() -> None:
    """Updating or deleting a zone, or deleting a cluster, needs its id."""
    with pytest.raises(ValidationError):
        UpdateGeoZone(geozone_id="")
    with pytest.raises(ValidationError):
        DeleteGeoZone(geozones=[])
    with pytest.raises(ValidationError):
        DeleteGeoZoneCluster(cluster="")
