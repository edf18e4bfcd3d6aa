"""The fake's geozones: zones and clusters kept per application, and the nearest-zone lookup."""

from __future__ import annotations

from typing import Any

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    UNBIND,
    AddGeoZone,
    AddGeoZoneCluster,
    CreateApplication,
    DeleteGeoZone,
    DeleteGeoZoneCluster,
    GetNearestZone,
    ListGeoZoneClusters,
    ListGeoZones,
    UpdateGeoZone,
)
from pushwoosh_async.errors import ArgumentError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION

LONDON = {"name": "London", "lat": "51.5074", "lng": "-0.1278", "cooldown": 60, "range": 500}
PARIS = (48.8566, 2.3522)
STORE = {"name": "Store", "lat": 40.7008, "lng": -73.9318, "cooldown": 3600, "range": 150}


def zone(**fields: Any) -> dict[str, Any]:
    """An addGeoZone entry with content."""
    return {"content": "Hello", **fields}


async def test_zones_are_added_listed_updated_and_deleted(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """addGeoZone answers new ids; listGeoZones shows the zones; update and delete change them."""
    added = await pw(AddGeoZone(geozones=[zone(**STORE), zone(**LONDON)]))
    store_id, london_id = added.geozones
    assert set(fake.state.geozones) == {store_id, london_id}

    listed = await pw(ListGeoZones())
    assert [(z.name, z.lat, z.lng, z.range) for z in listed.zones] == [
        ("Store", 40.7008, -73.9318, 150),
        ("London", 51.5074, -0.1278, 500),
    ]
    assert [z.extra["id"] for z in listed.zones] == [store_id, london_id]

    await pw(UpdateGeoZone(geozone_id=store_id, name="Flagship", range=300))
    names = [(z.name, z.range) for z in (await pw(ListGeoZones())).zones]
    assert names == [("Flagship", 300), ("London", 500)]

    await pw(DeleteGeoZone(geozones=[store_id]))
    assert [z.name for z in (await pw(ListGeoZones())).zones] == ["London"]
    with pytest.raises(ArgumentError, match="not found"):
        await pw(DeleteGeoZone(geozones=[store_id]))
    with pytest.raises(ArgumentError, match="not found"):
        await pw(UpdateGeoZone(geozone_id=str(store_id), name="gone"))


async def test_clusters_group_zones_and_deleting_one_unbinds_them(pw: PushwooshClient) -> None:
    """A cluster is listed with its zone count; listGeoZones groups by it; delete unbinds."""
    cluster = (await pw(AddGeoZoneCluster(name="Stores", cooldown=600))).cluster
    (store_id,) = (await pw(AddGeoZone(geozones=[zone(**STORE, cluster=cluster)]))).geozones
    await pw(AddGeoZone(geozones=[zone(**LONDON)]))

    clusters = (await pw(ListGeoZoneClusters())).clusters
    assert [(c.code, c.name, c.cooldown, c.geozones) for c in clusters] == [
        (cluster, "Stores", 600, 1)
    ]
    groups = (await pw(ListGeoZones())).clusters
    assert [(g.name, [z.name for z in g.geo_zones]) for g in groups] == [
        ("Stores", ["Store"]),
        (None, ["London"]),
    ]

    await pw(UpdateGeoZone(geozone_id=str(store_id), cluster=UNBIND))
    assert (await pw(ListGeoZoneClusters())).clusters[0].geozones == 0
    await pw(UpdateGeoZone(geozone_id=str(store_id), cluster=cluster))

    await pw(DeleteGeoZoneCluster(cluster=cluster))
    assert (await pw(ListGeoZoneClusters())).clusters == ()
    assert [g.name for g in (await pw(ListGeoZones())).clusters] == [None]
    with pytest.raises(ArgumentError, match="cluster not found"):
        await pw(DeleteGeoZoneCluster(cluster=cluster))
    with pytest.raises(ArgumentError, match="cluster not found"):
        await pw(AddGeoZone(geozones=[zone(**STORE, cluster=cluster)]))


async def test_the_nearest_zone_is_found_by_great_circle_distance(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """From Paris, London (about 343.5 km) is nearer than New York; the position is recorded."""
    await pw(AddGeoZone(geozones=[zone(**STORE), zone(**LONDON)]))
    nearest = await pw(GetNearestZone(hwid="h1", lat=PARIS[0], lng=PARIS[1]))
    assert (nearest.name, nearest.lat, nearest.lng, nearest.range) == (
        "London",
        51.5074,
        -0.1278,
        500,
    )
    assert 342_000 < nearest.distance < 345_000
    assert fake.state.device_locations[APPLICATION, "h1"] == PARIS

    close = await pw(GetNearestZone(hwid="h1", lat=40.7, lng=-73.93))
    assert close.name == "Store"
    assert 170 < close.distance < 185  # 89 m north-south, 152 m east-west


async def test_nearest_zone_skips_paused_zones_and_other_applications(
    pw: PushwooshClient,
) -> None:
    """A paused zone (status 0) and another application's zone are never the nearest."""
    other = (await pw(CreateApplication(title="Other"))).application
    await pw(AddGeoZone(geozones=[zone(**STORE)], application=other))
    with pytest.raises(ArgumentError, match="No geozones"):
        await pw(GetNearestZone(hwid="h1", lat=40.7, lng=-73.93))

    (london_id,) = (await pw(AddGeoZone(geozones=[zone(**LONDON)]))).geozones
    (store_id,) = (await pw(AddGeoZone(geozones=[zone(**STORE)]))).geozones
    assert (await pw(GetNearestZone(hwid="h1", lat=40.7, lng=-73.93))).name == "Store"
    await pw(UpdateGeoZone(geozone_id=str(store_id), status=0))
    assert (await pw(GetNearestZone(hwid="h1", lat=40.7, lng=-73.93))).name == "London"
    assert london_id != store_id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"lat": "north"}, "lat", id="latitude-not-a-number"),
        pytest.param({"lat": 91}, "lat", id="latitude-out-of-range"),
        pytest.param({"lng": -181}, "lng", id="longitude-out-of-range"),
    ],
)
async def test_a_zone_with_impossible_coordinates_is_refused(
    pw: PushwooshClient, fields: dict[str, Any], message: str
) -> None:
    """Coordinates are checked as numbers within their ranges (210 otherwise)."""
    with pytest.raises(ArgumentError, match=message):
        await pw(AddGeoZone(geozones=[zone(**{**STORE, **fields})]))
