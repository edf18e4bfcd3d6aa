"""Geozones: location-triggered messages, their clusters, and the SDK's nearest-zone lookup.

Only ``addGeoZone`` and ``getNearestZone`` are documented in full. For the other methods the
catalogue has just the names; their parameters here follow Pushwoosh's older geozone docs and are
unconfirmed, so each takes ``extra`` for keys it does not model, and their replies keep every key
in ``extra``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import Ack, Command, OpenCommand, OpenResult, Result, TokenKind
from pushwoosh_async.commands._fields import mapping, non_empty, strings
from pushwoosh_async.errors import ValidationError

__all__ = [
    "MAX_RANGE",
    "MIN_RANGE",
    "UNBIND",
    "AddGeoZone",
    "AddGeoZoneCluster",
    "DeleteGeoZone",
    "DeleteGeoZoneCluster",
    "GeoZoneDefinition",
    "GeoZoneReply",
    "GetNearestZone",
    "ListGeoZoneClusters",
    "ListGeoZones",
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
    """The geozone closest to a device; ``range`` and ``distance`` in metres."""

    name: str | None = None
    lat: float | None = None
    lng: float | None = None
    range: int | None = None
    distance: int | None = None


@attrs.frozen(kw_only=True)
class GetNearestZone(Command[NearestZone]):
    """The nearest geozone to a device's position (also records the device's location)."""

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
class GeoZoneReply(OpenResult):
    """A geozone method's reply, whose shape was not captured: every key lands in ``extra``.

    A reply that is not a JSON object (a list of ids, say) is kept as ``extra["response"]``.
    """

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """Objects as they are; anything else under ``response``."""
        if data is None or isinstance(data, Mapping):
            return data
        return {"response": data}


@attrs.frozen(kw_only=True)
class AddGeoZone(Command[GeoZoneReply]):
    """Create geozones. The reply (the new zones' ids) was not captured: see ``extra``.

    Not idempotent: a repeat creates the zones twice.
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
    """Change a geozone. Parameters unconfirmed (older docs); unset fields are not sent.

    ``geozone_id`` goes out as ``geoZoneId``; ``status`` is 1 (active) or 0 (paused). Anything
    else goes in ``extra``.
    """

    path = "/json/1.3/updateGeoZone"
    token = TokenKind.SERVER

    geozone_id: str = attrs.field(validator=non_empty, metadata=wire("geoZoneId"))
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
    """Delete geozones by id. Parameters unconfirmed: ``geozones`` is sent as ``geoZones``."""

    path = "/json/1.3/deleteGeoZone"
    token = TokenKind.SERVER

    geozones: tuple[str, ...] = attrs.field(
        converter=strings, validator=non_empty, metadata=wire("geoZones")
    )


@attrs.frozen(kw_only=True)
class ListGeoZones(OpenCommand[GeoZoneReply]):
    """List an application's geozones. Parameters and reply shape unconfirmed (see ``extra``)."""

    path = "/json/1.3/listGeoZones"
    token = TokenKind.SERVER

    application: str | None = None


@attrs.frozen(kw_only=True)
class AddGeoZoneCluster(OpenCommand[GeoZoneReply]):
    """Create a geozone cluster (zones sharing one ``cooldown``, in seconds).

    Parameters and reply unconfirmed (older docs); not idempotent.
    """

    path = "/json/1.3/addGeoZoneCluster"
    token = TokenKind.SERVER
    idempotent = False

    name: str = attrs.field(validator=non_empty)
    cooldown: int | None = None
    application: str | None = None


@attrs.frozen(kw_only=True)
class DeleteGeoZoneCluster(OpenCommand[Ack]):
    """Delete a geozone cluster by its code. Parameters unconfirmed: sent as ``cluster``."""

    path = "/json/1.3/deleteGeoZoneCluster"
    token = TokenKind.SERVER

    cluster: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class ListGeoZoneClusters(OpenCommand[GeoZoneReply]):
    """List an application's geozone clusters. Parameters and reply unconfirmed."""

    path = "/json/1.3/listGeoZoneClusters"
    token = TokenKind.SERVER

    application: str | None = None
