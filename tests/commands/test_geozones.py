"""Geozone commands: getNearestZone (device token), zones and clusters (server token)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.geozones import (
    UNBIND,
    AddGeoZone,
    AddGeoZoneCluster,
    DeleteGeoZone,
    DeleteGeoZoneCluster,
    GeoZoneCluster,
    GeoZoneClusterAdded,
    GeoZoneClusterList,
    GeoZoneDefinition,
    GeoZoneGroup,
    GeoZoneList,
    GeoZonesAdded,
    GetNearestZone,
    ListedGeoZone,
    ListGeoZoneClusters,
    ListGeoZones,
    NearestZone,
    UpdateGeoZone,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import DEVICE_AUTH, NO_AUTH, WireCase, v13_server
from tests.support import API, APPLICATION, example, mock_client, ok

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
        result=GeoZonesAdded(geozones=(7,)),
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
    # The methods only a client library shows (afonasev/PushWoosh): its bodies and replies.
    WireCase(
        "deleteGeoZone-ids",
        DeleteGeoZone(geozones=[42, "43"]),
        **v13_server("deleteGeoZone", {"geozones": [42, 43]}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "listGeoZones-grouped-by-cluster",
        ListGeoZones(),
        **v13_server("listGeoZones", {"application": APPLICATION}),
        reply=ok(
            {
                "clusters": [
                    {
                        "name": "Cluster",
                        "geoZones": [
                            {
                                "name": "Geozone 1",
                                "lat": 52.26816,
                                "lng": -109.6875,
                                "cooldown": 86340,
                                "range": 100,
                                "presetCode": None,
                                "content": {"default": "Push for Geozone 1"},
                            }
                        ],
                    }
                ]
            }
        ),
        result=GeoZoneList(
            clusters=(
                GeoZoneGroup(
                    name="Cluster",
                    geo_zones=(
                        ListedGeoZone(
                            name="Geozone 1",
                            lat=52.26816,
                            lng=-109.6875,
                            cooldown=86340,
                            range=100,
                            content={"default": "Push for Geozone 1"},
                        ),
                    ),
                ),
            )
        ),
    ),
    WireCase(
        "addGeoZoneCluster",
        AddGeoZoneCluster(name="Stores", cooldown=600),
        **v13_server(
            "addGeoZoneCluster", {"name": "Stores", "cooldown": 600, "application": APPLICATION}
        ),
        reply=ok({"GeoZoneCluster": "AE2C4-4E070"}),
        result=GeoZoneClusterAdded(cluster="AE2C4-4E070"),
    ),
    WireCase(
        "deleteGeoZoneCluster",
        DeleteGeoZoneCluster(cluster="AE2C4-4E070"),
        **v13_server("deleteGeoZoneCluster", {"geoZoneCluster": "AE2C4-4E070"}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "listGeoZoneClusters",
        ListGeoZoneClusters(extra={"offset": 10}),
        **v13_server("listGeoZoneClusters", {"application": APPLICATION, "offset": 10}),
        reply=ok(
            {
                "clusters": [
                    {
                        "name": "Cluster on Times",
                        "code": "AE2C4-4E070",
                        "cooldown": 86400,
                        "geozones": 1,
                    }
                ]
            }
        ),
        result=GeoZoneClusterList(
            clusters=(
                GeoZoneCluster(
                    name="Cluster on Times", code="AE2C4-4E070", cooldown=86400, geozones=1
                ),
            )
        ),
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


@pytest.mark.parametrize(
    ("command", "reply", "result_type"),
    [
        pytest.param(
            GetNearestZone(hwid="h", lat=1, lng=2),
            {"name": "z", "lat": 1, "lng": 2, "range": 50},
            "NearestZone",
            id="getNearestZone-no-distance",
        ),
        pytest.param(
            AddGeoZone(
                geozones=[
                    {"name": "z", "lat": 1, "lng": 2, "cooldown": 0, "range": 50, "content": "c"}
                ]
            ),
            {},
            "GeoZonesAdded",
            id="addGeoZone-no-ids",
        ),
        pytest.param(ListGeoZones(), {}, "GeoZoneList", id="listGeoZones-no-clusters"),
        pytest.param(
            AddGeoZoneCluster(name="c"),
            {"GeoZoneCluster": ""},
            "GeoZoneClusterAdded",
            id="addGeoZoneCluster-empty-code",
        ),
        pytest.param(
            ListGeoZoneClusters(), None, "GeoZoneClusterList", id="listGeoZoneClusters-null"
        ),
    ],
)
async def test_a_reply_without_its_required_keys_is_a_decode_error(
    command: Any, reply: Any, result_type: str
) -> None:
    """The keys every successful geozone reply carries are required: without them, DecodeError."""
    async with mock_client(lambda _: httpx.Response(200, json=ok(reply))) as pw:
        with pytest.raises(DecodeError, match=result_type):
            await pw(command)
