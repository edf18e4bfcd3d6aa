"""Geozones: zones (circles of 50..1000 m) and clusters of an application, and the SDK's lookup.

``getNearestZone`` answers the zone closest to the device by great-circle distance, and records
the device's position as Pushwoosh does.
"""

from __future__ import annotations

import math
from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.applications import new_code
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS", "metres_between"]

EARTH_RADIUS: Final = 6_371_008.8
"""The mean Earth radius in metres."""
MIN_RANGE: Final = 50
MAX_RANGE: Final = 1000
ZONE_KEYS: Final = (
    "name",
    "lat",
    "lng",
    "cooldown",
    "range",
    "content",
    "presetCode",
    "cluster",
    "campaign",
    "timetable",
    "status",
)
"""What a zone keeps: the documented ``addGeoZone`` keys, and ``updateGeoZone``'s ``status``."""


def metres_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle (haversine) distance between two points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(a)))


def _degrees(value: Any, name: str, limit: float) -> float:
    """A latitude or longitude, given as a number or a numeric string (the docs use both)."""
    try:
        degrees = float(value)
    except (TypeError, ValueError):
        raise Refusal(210, f'Invalid or missing "{name}"') from None
    if isinstance(value, bool) or not -limit <= degrees <= limit:
        raise Refusal(210, f'Invalid "{name}"')
    return degrees


def _checked_zone(call: Request, zone: dict[str, Any]) -> dict[str, Any]:
    """A zone of ``addGeoZone``/``updateGeoZone`` checked as the docs state; returns its keys."""
    if "lat" in zone:
        _degrees(zone["lat"], "lat", 90)
    if "lng" in zone:
        _degrees(zone["lng"], "lng", 180)
    size = zone.get("range")
    if size is not None and (not isinstance(size, int) or not MIN_RANGE <= size <= MAX_RANGE):
        raise Refusal(210, f"A geozone range is {MIN_RANGE} to {MAX_RANGE} metres")
    cluster = zone.get("cluster")
    if cluster is not None and cluster not in call.account.geozone_clusters:
        raise Refusal(210, "Geozone cluster not found")
    return {k: zone[k] for k in ZONE_KEYS if k in zone}


def _new_zone(call: Request, application: str, zone: Any) -> int:
    if not isinstance(zone, dict):
        raise Refusal(210, "Invalid geozone: an object expected")
    for name in ("name", "lat", "lng", "cooldown", "range"):
        if zone.get(name) is None:
            raise Refusal(210, f'Invalid or missing "geozones.{name}"')
    if not zone.get("content") and not zone.get("presetCode"):
        raise Refusal(210, 'A geozone needs "content" or "presetCode"')
    account = call.account
    account.last_geozone_id += 1
    zone_id = account.last_geozone_id
    account.geozones[zone_id] = {
        **_checked_zone(call, zone),
        "id": zone_id,
        "application": application,
    }
    return zone_id


def _zone(call: Request, value: Any) -> dict[str, Any]:
    try:
        zone = call.account.geozones.get(int(value))
    except (TypeError, ValueError):
        zone = None
    if zone is None:
        raise Refusal(210, f"Geozone {value!r} not found")
    return zone


def _listed(zone: dict[str, Any]) -> dict[str, Any]:
    """A zone as ``listGeoZones`` shows it: coordinates as numbers."""
    return {
        "id": zone["id"],
        "name": zone["name"],
        "lat": float(zone["lat"]),
        "lng": float(zone["lng"]),
        "cooldown": zone["cooldown"],
        "range": zone["range"],
        "presetCode": zone.get("presetCode"),
        "content": zone.get("content"),
    }


def add_geo_zone(call: Request) -> dict[str, Any]:
    """Add zones to an application; answers their ids in request order (``GeoZones``)."""
    application = call.application()
    zones = call.body.get("geozones")
    if not isinstance(zones, list) or not zones:
        raise Refusal(210, 'Invalid or missing "geozones"')
    return {"GeoZones": [_new_zone(call, application, zone) for zone in zones]}


def update_geo_zone(call: Request) -> None:
    """Change the keys the request gives; ``null`` unbinds ``cluster`` or ``campaign``."""
    zone = _zone(call, call.body.get("geoZoneId"))
    zone.update(_checked_zone(call, call.body))


def delete_geo_zone(call: Request) -> None:
    """Delete zones by id; an unknown id refuses the whole call."""
    ids = call.body.get("geozones")
    if not isinstance(ids, list) or not ids:
        raise Refusal(210, 'Invalid or missing "geozones"')
    for zone in [_zone(call, value) for value in ids]:
        del call.account.geozones[zone["id"]]


def list_geo_zones(call: Request) -> dict[str, Any]:
    """The application's zones grouped by cluster (unclustered zones in a group of no name)."""
    application = call.application()
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for zone in call.account.geozones.values():
        if zone["application"] == application:
            groups.setdefault(zone.get("cluster"), []).append(_listed(zone))
    clusters = call.account.geozone_clusters
    return {
        "clusters": [
            {
                "name": clusters[code]["name"] if code else None,
                "code": code,
                "geoZones": zones,
            }
            for code, zones in groups.items()
        ]
    }


def add_geo_zone_cluster(call: Request) -> dict[str, Any]:
    """Create a cluster; answers its code (``GeoZoneCluster``)."""
    application = call.application()
    name = call.text("name")
    code = new_code(call, call.account.geozone_clusters)
    cooldown = call.body.get("cooldown", 0)
    call.account.geozone_clusters[code] = {
        "application": application,
        "code": code,
        "name": name,
        "cooldown": cooldown,
    }
    return {"GeoZoneCluster": code}


def delete_geo_zone_cluster(call: Request) -> None:
    """Delete a cluster; its zones stay, unbound."""
    code = call.text("geoZoneCluster")
    if call.account.geozone_clusters.pop(code, None) is None:
        raise Refusal(210, "Geozone cluster not found")
    for zone in call.account.geozones.values():
        if zone.get("cluster") == code:
            zone["cluster"] = None


def list_geo_zone_clusters(call: Request) -> dict[str, Any]:
    """The application's clusters, each with how many zones it holds."""
    application = call.application()
    zones = call.account.geozones.values()
    return {
        "clusters": [
            {
                "name": cluster["name"],
                "code": code,
                "cooldown": cluster["cooldown"],
                "geozones": sum(1 for z in zones if z.get("cluster") == code),
            }
            for code, cluster in call.account.geozone_clusters.items()
            if cluster["application"] == application
        ]
    }


def get_nearest_zone(call: Request) -> dict[str, Any]:
    """The active zone nearest to the device, its distance in whole metres; records the position.

    With no zone to answer, the fake refuses with 210 (Pushwoosh's answer was never captured).
    """
    application = call.application()
    hwid = call.text("hwid")
    lat = _degrees(call.body.get("lat"), "lat", 90)
    lng = _degrees(call.body.get("lng"), "lng", 180)
    call.account.device_locations[application, hwid] = (lat, lng)
    measured = [
        (metres_between(lat, lng, float(z["lat"]), float(z["lng"])), z)
        for z in call.account.geozones.values()
        if z["application"] == application and z.get("status", 1) != 0
    ]
    if not measured:
        raise Refusal(210, "No geozones found for the application")
    distance, zone = min(measured, key=lambda pair: pair[0])
    return {
        "name": zone["name"],
        "lat": float(zone["lat"]),
        "lng": float(zone["lng"]),
        "range": zone["range"],
        "distance": round(distance),
    }


HANDLERS: dict[str, Handler] = {
    "getNearestZone": get_nearest_zone,
    "addGeoZone": add_geo_zone,
    "updateGeoZone": update_geo_zone,
    "deleteGeoZone": delete_geo_zone,
    "listGeoZones": list_geo_zones,
    "addGeoZoneCluster": add_geo_zone_cluster,
    "deleteGeoZoneCluster": delete_geo_zone_cluster,
    "listGeoZoneClusters": list_geo_zone_clusters,
}
