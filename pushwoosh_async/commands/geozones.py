"""Geozones: location-triggered messages, their clusters, and the SDK's nearest-zone lookup.

``getNearestZone`` and ``addGeoZone``'s request are documented; the page names the other methods
without their bodies. Those follow the one client library seen calling them, afonasev/PushWoosh
(zones are deleted by the integer ids ``addGeoZone`` answers, clusters by the code
``addGeoZoneCluster`` answers); each takes ``extra`` for keys it does not model, and their
replies keep unmodelled keys in ``extra``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import (
    Ack,
    Command,
    OpenCommand,
    OpenObject,
    OpenResult,
    Result,
    TokenKind,
)
from pushwoosh_async.commands._fields import ints, mapping, non_empty
from pushwoosh_async.errors import ValidationError

__all__ = [
    "MAX_RANGE",
    "MIN_RANGE",
    "UNBIND",
    "AddGeoZone",
    "AddGeoZoneCluster",
    "DeleteGeoZone",
    "DeleteGeoZoneCluster",
    "GeoZoneCluster",
    "GeoZoneClusterAdded",
    "GeoZoneClusterList",
    "GeoZoneDefinition",
    "GeoZoneGroup",
    "GeoZoneList",
    "GeoZonesAdded",
    "GetNearestZone",
    "ListGeoZoneClusters",
    "ListGeoZones",
    "ListedGeoZone",
    "NearestZone",
    "Unbind",
    "UpdateGeoZone",
]

MIN_RANGE: Final = 50
MAX_RANGE: Final = 1000
"""A geozone's radius is 50 to 1000 metres."""


class Unbind(enum.Enum):
    """Sent as JSON ``null``: unbinds a geozone's ``cluster`` or ``campaign``.

    Its value is ``None``, and enums go on the wire as their values, so no converter hook is
    needed: the type carries the rule.
    """

    UNBIND = None


UNBIND: Final = Unbind.UNBIND
"""Pass as ``cluster`` or ``campaign`` to send ``null`` (leaving them ``None`` sends nothing)."""


def _check_range(_: Any, __: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not MIN_RANGE <= value <= MAX_RANGE:
        msg = f"a geozone range is {MIN_RANGE}..{MAX_RANGE} metres, got {value}"
        raise ValidationError(msg)


def _coordinate(value: float | str) -> str:
    # The docs type lat/lng of addGeoZone as strings ("40.7008").
    return value if isinstance(value, str) else repr(float(value))


def _optional_coordinate(value: float | str | None) -> str | None:
    return None if value is None else _coordinate(value)


@attrs.frozen(kw_only=True)
class NearestZone(Result):
    """The geozone closest to a device; ``range`` and ``distance`` in metres (all always sent)."""

    name: str
    lat: float
    lng: float
    range: int
    distance: int


@attrs.frozen(kw_only=True)
class GetNearestZone(Command[NearestZone]):
    """The nearest geozone to a device's position (also records the device's location).

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/getNearestZone"
    token = TokenKind.DEVICE

    hwid: str = attrs.field(validator=non_empty)
    lat: float
    lng: float
    application: str | None = None


@attrs.frozen(kw_only=True)
class GeoZoneDefinition:
    """One geozone of ``addGeoZone``: a circle of ``range`` metres (50..1000).

    Give ``content`` or a ``preset_code`` (wire ``presetCode``). ``cooldown`` is the seconds of
    silence after a send. ``cluster``/``campaign`` take :data:`UNBIND` to send ``null``.
    """

    name: str = attrs.field(validator=non_empty)
    lat: str = attrs.field(converter=_coordinate)
    lng: str = attrs.field(converter=_coordinate)
    cooldown: int
    range: int = attrs.field(validator=_check_range)
    content: str | Mapping[str, str] | None = None
    preset_code: str | None = attrs.field(default=None, metadata=wire("presetCode"))
    cluster: str | Unbind | None = None
    campaign: str | Unbind | None = None
    timetable: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)

    def __attrs_post_init__(self) -> None:
        if self.content is None and self.preset_code is None:
            msg = "a geozone needs content or a preset_code"
            raise ValidationError(msg)


def _definitions(
    value: Iterable[GeoZoneDefinition | Mapping[str, Any]],
) -> tuple[GeoZoneDefinition, ...]:
    return structure_many(value, GeoZoneDefinition)


@attrs.frozen(kw_only=True)
class GeoZonesAdded(Result):
    """The ids of the new zones, in request order (wire ``GeoZones``)."""

    geozones: tuple[int, ...] = attrs.field(validator=non_empty, metadata=wire("GeoZones"))


@attrs.frozen(kw_only=True)
class AddGeoZone(Command[GeoZonesAdded]):
    """Create geozones. Not idempotent: a repeat creates the zones twice.

    The request is documented; the reply (``GeoZones``, the new ids) is inferred from a client
    library that reads it.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/geozones
    """

    path = "/json/1.3/addGeoZone"
    token = TokenKind.SERVER
    idempotent = False

    geozones: tuple[GeoZoneDefinition, ...] = attrs.field(
        converter=_definitions, validator=non_empty
    )
    application: str | None = None


@attrs.frozen(kw_only=True)
class UpdateGeoZone(OpenCommand[Ack]):
    """Change a geozone; unset fields are not sent.

    The parameters are inferred from older geozone docs: ``geozone_id`` goes out as
    ``geoZoneId``, ``status`` is 1 (active) or 0 (paused). Anything else goes in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/updateGeoZone"
    token = TokenKind.SERVER

    geozone_id: int | str = attrs.field(validator=non_empty, metadata=wire("geoZoneId"))
    """The zone's id, as ``addGeoZone`` answered it."""
    name: str | None = None
    lat: str | None = attrs.field(default=None, converter=_optional_coordinate)
    lng: str | None = attrs.field(default=None, converter=_optional_coordinate)
    range: int | None = attrs.field(default=None, validator=_check_range)
    cooldown: int | None = None
    status: int | None = None
    content: str | Mapping[str, str] | None = None
    cluster: str | Unbind | None = None
    campaign: str | Unbind | None = None
    timetable: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)


@attrs.frozen(kw_only=True)
class DeleteGeoZone(OpenCommand[Ack]):
    """Delete geozones by the ids ``addGeoZone`` answered (sent as ``geozones``).

    The page names the method only; the body is inferred from a third-party client
    (afonasev/PushWoosh, ``pushwoosh/client.py``). That client sends its ``application`` with
    every call; an id names one zone, so it is not required here (put it in ``extra`` if needed).

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/deleteGeoZone"
    token = TokenKind.SERVER

    geozones: tuple[int, ...] = attrs.field(converter=ints, validator=non_empty)


@attrs.frozen(kw_only=True)
class ListedGeoZone(OpenObject):
    """One zone of a ``listGeoZones`` group; unmodelled keys (its ``id``, say) land in ``extra``."""

    name: str | None = None
    lat: float | None = None
    lng: float | None = None
    cooldown: int | None = None
    range: int | None = None
    preset_code: str | None = attrs.field(default=None, metadata=wire("presetCode"))
    content: str | Mapping[str, str] | None = None


@attrs.frozen(kw_only=True)
class GeoZoneGroup(OpenObject):
    """The zones of one cluster (``name``), as ``listGeoZones`` groups them."""

    name: str | None = None
    geo_zones: tuple[ListedGeoZone, ...] = attrs.field(default=(), metadata=wire("geoZones"))


@attrs.frozen(kw_only=True)
class GeoZoneList(OpenResult):
    """An application's geozones grouped by cluster (the reply's ``clusters``, always sent)."""

    clusters: tuple[GeoZoneGroup, ...]

    @property
    def zones(self) -> tuple[ListedGeoZone, ...]:
        """Every zone, of every group."""
        return tuple(zone for group in self.clusters for zone in group.geo_zones)


@attrs.frozen(kw_only=True)
class ListGeoZones(OpenCommand[GeoZoneList]):
    """List an application's geozones, grouped by cluster.

    The page names the method only; the request and the ``clusters`` reply are inferred from a
    third-party client (afonasev/PushWoosh, ``pushwoosh/client.py``).

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/listGeoZones"
    token = TokenKind.SERVER

    application: str | None = None


@attrs.frozen(kw_only=True)
class GeoZoneClusterAdded(Result):
    """The code of the new cluster (wire ``GeoZoneCluster``; always sent, never empty)."""

    cluster: str = attrs.field(validator=non_empty, metadata=wire("GeoZoneCluster"))


@attrs.frozen(kw_only=True)
class AddGeoZoneCluster(OpenCommand[GeoZoneClusterAdded]):
    """Create a geozone cluster: zones sharing one ``cooldown``, in seconds. Not idempotent.

    The page names the method only; ``name``, ``cooldown`` and the ``GeoZoneCluster`` reply are
    inferred from a third-party client (afonasev/PushWoosh, ``pushwoosh/client.py``).

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/addGeoZoneCluster"
    token = TokenKind.SERVER
    idempotent = False

    name: str = attrs.field(validator=non_empty)
    cooldown: int | None = None
    application: str | None = None


@attrs.frozen(kw_only=True)
class DeleteGeoZoneCluster(OpenCommand[Ack]):
    """Delete a geozone cluster by its code (sent as ``geoZoneCluster``).

    The page names the method only; the body is inferred from a third-party client
    (afonasev/PushWoosh, ``pushwoosh/client.py``).

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/deleteGeoZoneCluster"
    token = TokenKind.SERVER

    cluster: str = attrs.field(validator=non_empty, metadata=wire("geoZoneCluster"))


@attrs.frozen(kw_only=True)
class GeoZoneCluster(OpenObject):
    """One cluster of ``listGeoZoneClusters``; ``geozones`` is how many zones it holds."""

    code: str | None = None
    name: str | None = None
    cooldown: int | None = None
    geozones: int | None = None


@attrs.frozen(kw_only=True)
class GeoZoneClusterList(OpenResult):
    """An application's geozone clusters (the reply's ``clusters``, always sent)."""

    clusters: tuple[GeoZoneCluster, ...]


@attrs.frozen(kw_only=True)
class ListGeoZoneClusters(OpenCommand[GeoZoneClusterList]):
    """List an application's geozone clusters.

    The page names the method only; the ``clusters`` reply is inferred from a third-party client
    (afonasev/PushWoosh, ``pushwoosh/client.py``).

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/geozones
    """

    path = "/json/1.3/listGeoZoneClusters"
    token = TokenKind.SERVER

    application: str | None = None
