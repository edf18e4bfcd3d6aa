"""Customer Journey API: journeys' life cycle, definitions, API entry points and statistics.

Served by ``https://journey.pushwoosh.com`` with an unwrapped JSON body and the server token as
``Authorization: Api <token>``; errors come back gRPC-Gateway style (``{"code", "message"}``).
Pages: https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/ (overview,
lifecycle, create and update, journey object) and
https://docs.pushwoosh.com/developer/api-reference/customer-journey-statistics (statistics,
dropping users).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many, structure_one, wire
from pushwoosh_async.commands._base import Command, OpenCommand, OpenResult, Result, TokenKind
from pushwoosh_async.commands._fields import json_object, mapping, non_empty, strings
from pushwoosh_async.errors import ValidationError

__all__ = [
    "Journey",
    "JourneyDropUsers",
    "JourneyEntry",
    "JourneyInfo",
    "JourneyPointStats",
    "JourneyReply",
    "JourneyStartByAPI",
    "JourneyStartPayload",
    "JourneyStatistics",
    "JourneyStats",
    "JourneyStatus",
    "JourneygatewayArchive",
    "JourneygatewayCreate",
    "JourneygatewayDraft",
    "JourneygatewayFinish",
    "JourneygatewayPause",
    "JourneygatewayStart",
    "JourneygatewayUpdate",
]


class JourneyStatus(str, enum.Enum):
    """A journey's state. Fields typed with it keep an unknown status as the raw string."""

    DRAFT = "STATUS_DRAFT"
    RUNNING = "STATUS_RUNNING"
    PAUSED = "STATUS_PAUSED"
    FINISHED = "STATUS_FINISHED"
    ARCHIVED = "STATUS_ARCHIVED"


def _status(value: JourneyStatus | str | None) -> JourneyStatus | str | None:
    if value is None:
        return None
    try:
        return JourneyStatus(value)
    except ValueError:
        return value


def _objects(value: Iterable[Mapping[str, Any]] | None) -> tuple[dict[str, Any], ...] | None:
    return None if value is None else tuple(json_object(v) for v in value)


def _reply_objects(value: Iterable[Mapping[str, Any]] | None) -> tuple[dict[str, Any], ...]:
    return _objects(value) or ()


def _journey_params(value: Mapping[str, Any]) -> dict[str, Any]:
    params = json_object(value)
    if not params.get("application_code"):
        msg = "a journey's params need an application_code"
        raise ValidationError(msg)
    return params


# --- the journey object ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class JourneyInfo:
    """A journey's identity and state; ``params`` holds ``application_code`` among others.

    ``uuid`` is always there: a journey object without it is a ``DecodeError``.
    """

    uuid: str
    title: str | None = None
    status: JourneyStatus | str | None = attrs.field(default=None, converter=_status)
    params: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)


def _info(value: JourneyInfo | Mapping[str, Any]) -> JourneyInfo:
    return structure_one(value, JourneyInfo)


@attrs.frozen(kw_only=True)
class Journey(Result):
    """A journey as the gateway returns it.

    ``info`` (always in the reply), and its canvas ``points`` and ``comments`` as JSON objects.
    """

    info: JourneyInfo = attrs.field(converter=_info)
    points: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_reply_objects)
    comments: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_reply_objects)


# --- life cycle ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Transition(Command[Journey]):
    """A life-cycle step of one journey, by ``uuid``; the reply is the journey in its new status."""

    token = TokenKind.SERVER

    uuid: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class JourneygatewayStart(_Transition):
    """Start (run) a journey; the reply is the journey, now ``STATUS_RUNNING``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/lifecycle/
    """

    path = "/api/v3/journeygateway/start"
    method = "journeygateway/start"


@attrs.frozen(kw_only=True)
class JourneygatewayPause(_Transition):
    """Pause a running journey; the reply is the journey, now ``STATUS_PAUSED``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/lifecycle/
    """

    path = "/api/v3/journeygateway/pause"
    method = "journeygateway/pause"


@attrs.frozen(kw_only=True)
class JourneygatewayFinish(_Transition):
    """Finish a journey (it cannot be started again); the reply has ``STATUS_FINISHED``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/lifecycle/
    """

    path = "/api/v3/journeygateway/finish"
    method = "journeygateway/finish"


@attrs.frozen(kw_only=True)
class JourneygatewayDraft(_Transition):
    """Turn a journey back into a draft; the reply has ``STATUS_DRAFT``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/lifecycle/
    """

    path = "/api/v3/journeygateway/draft"
    method = "journeygateway/draft"


@attrs.frozen(kw_only=True)
class JourneygatewayArchive(_Transition):
    """Archive a journey; the reply has ``STATUS_ARCHIVED``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/lifecycle/
    """

    path = "/api/v3/journeygateway/archive"
    method = "journeygateway/archive"


# --- definitions -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class JourneygatewayCreate(Command[Journey]):
    """Create a journey (as a draft) from its canvas.

    ``params`` must hold ``application_code``. ``points`` are the canvas nodes as JSON objects,
    wired to each other through their outputs' ``info.next_point_uuid``. Not idempotent.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/create-update/
    """

    path = "/api/v3/journeygateway"
    method = "journeygateway (create)"
    token = TokenKind.SERVER
    idempotent = False

    title: str
    params: Mapping[str, Any] = attrs.field(converter=_journey_params)
    points: tuple[dict[str, Any], ...] | None = attrs.field(default=None, converter=_objects)
    comments: tuple[dict[str, Any], ...] | None = attrs.field(default=None, converter=_objects)


@attrs.frozen(kw_only=True)
class JourneygatewayUpdate(OpenCommand[Journey]):
    """Replace a journey's definition (``PUT``; the ``uuid`` goes in the path).

    A replace, not a patch: the whole definition is sent, so ``title`` and ``params`` (with
    ``application_code``) are required as for :class:`JourneygatewayCreate`, and points or
    comments left out are gone afterwards. Inferred: the update's body fields (the page says the
    update takes the journey object and replaces the journey; the fields are Create's). Other keys
    go in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/create-update/
    """

    path = "/api/v3/journeygateway/{uuid}"
    method = "journeygateway (update)"
    http_method = "PUT"
    token = TokenKind.SERVER

    uuid: str = attrs.field(validator=non_empty)
    title: str
    params: Mapping[str, Any] = attrs.field(converter=_journey_params)
    points: tuple[dict[str, Any], ...] | None = attrs.field(default=None, converter=_objects)
    comments: tuple[dict[str, Any], ...] | None = attrs.field(default=None, converter=_objects)


# --- API entry point, statistics, dropping users ---------------------------------------------


@attrs.frozen(kw_only=True)
class JourneyReply(OpenResult):
    """A reply whose body the docs do not show: every key lands in ``extra``."""

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """Objects as they are; anything else under ``response``."""
        if data is None or isinstance(data, Mapping):
            return data
        return {"response": data}


@attrs.frozen(kw_only=True)
class JourneyStartPayload:
    """Who enters the journey: exactly one of ``users``, ``hwids`` or a seglang ``filter``.

    ``attribute_values`` must match the attributes of the journey's API entry point.
    """

    users: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    hwids: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    filter: str | None = None
    attribute_values: Mapping[str, str] | None = attrs.field(default=None, converter=mapping)

    def __attrs_post_init__(self) -> None:
        if sum(v is not None for v in (self.users, self.hwids, self.filter)) != 1:
            msg = "give exactly one of users, hwids or filter"
            raise ValidationError(msg)


def _payload(value: JourneyStartPayload | Mapping[str, Any]) -> JourneyStartPayload:
    return structure_one(value, JourneyStartPayload)


@attrs.frozen(kw_only=True)
class JourneyEntry(Result):
    """An accepted entry request: the users enter asynchronously, under ``request_uuid``.

    ``request_uuid`` is always in the reply (a reply without it is a ``DecodeError``).
    """

    request_uuid: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class JourneyStartByAPI(Command[JourneyEntry]):
    """Send users into a running journey through its (single, active) API entry point.

    Not idempotent: a repeat enters the users again. Validation errors come back as HTTP 400.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-api/start-by-api/
    """

    path = "/api/journey/{id}/start/external"
    method = "journey start by API"
    token = TokenKind.SERVER
    idempotent = False

    id: str = attrs.field(validator=non_empty)
    """The journey id (from the canvas URL)."""
    payload: JourneyStartPayload = attrs.field(converter=_payload)


@attrs.frozen(kw_only=True)
class JourneyPointStats:
    """Statistics of one journey point.

    ``point_stat`` is ``{sent, opened, uniqOpened, conversion}`` for messages, or ``{shows,
    interactions, skipped}`` for in-apps, kept as JSON.
    """

    point_title: str | None = attrs.field(default=None, metadata=wire("pointTitle"))
    campaign_code: str | None = attrs.field(default=None, metadata=wire("campaignCode"))
    preset_code: str | None = attrs.field(default=None, metadata=wire("presetCode"))
    point_stat: Mapping[str, Any] = attrs.field(
        factory=dict, converter=json_object, metadata=wire("pointStat")
    )


def _points(
    value: Iterable[JourneyPointStats | Mapping[str, Any]],
) -> tuple[JourneyPointStats, ...]:
    return structure_many(value, JourneyPointStats)


@attrs.frozen(kw_only=True)
class JourneyStats(Result):
    """A journey's title and per-point statistics (read from the reply's ``payload``)."""

    title: str | None = None
    points: tuple[JourneyPointStats, ...] = attrs.field(default=(), converter=_points)

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The ``payload`` member of the reply."""
        if isinstance(data, Mapping) and isinstance(data.get("payload"), Mapping):
            return data["payload"]
        return data


@attrs.frozen(kw_only=True)
class JourneyStatistics(Command[JourneyStats]):
    """Statistics of a journey's points (``GET``; the id goes in the path).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/customer-journey-statistics
    """

    path = "/api/journey/{id}/statistics/external"
    method = "journey statistics"
    http_method = "GET"
    token = TokenKind.SERVER

    id: str = attrs.field(validator=non_empty)
    """The journey id (from the canvas URL)."""


@attrs.frozen(kw_only=True)
class JourneyDropUsers(Command[JourneyReply]):
    """Take users out of the given journeys, or of all of them (``all_journeys=True``).

    One revision of the page shows ``Authorization: Bearer`` for this endpoint; the overview's
    ``Api`` scheme is used, as for every journey call. Inferred: the reply body (not shown;
    kept in ``extra``).

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/customer-journey-statistics
    """

    path = "/api/journey/drop-users/external"
    method = "journey drop users"
    token = TokenKind.SERVER

    user_ids: tuple[str, ...] = attrs.field(converter=strings, validator=non_empty)
    journey_uuids: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    all_journeys: bool | None = None

    def __attrs_post_init__(self) -> None:
        if not self.all_journeys and not self.journey_uuids:
            msg = "give journey_uuids, or all_journeys=True"
            raise ValidationError(msg)
