"""Customer Journey: definitions, the documented life cycle, API entries, statistics, drops.

Refusals are gRPC-Gateway style (``{"code", "message"}``): a bad argument or a transition the
journey's status does not allow is HTTP 400, an unknown journey HTTP 404. Which statuses each
transition leaves from is inferred (the docs give examples: starting a finished journey or
pausing one that is not running is an error).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import JourneyRecord
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

DRAFT: Final = "STATUS_DRAFT"
RUNNING: Final = "STATUS_RUNNING"
PAUSED: Final = "STATUS_PAUSED"
FINISHED: Final = "STATUS_FINISHED"
ARCHIVED: Final = "STATUS_ARCHIVED"
TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "start": (frozenset({DRAFT, PAUSED}), RUNNING),
    "pause": (frozenset({RUNNING}), PAUSED),
    "finish": (frozenset({RUNNING, PAUSED}), FINISHED),
    "draft": (frozenset({PAUSED}), DRAFT),
    "archive": (frozenset({DRAFT, PAUSED, FINISHED}), ARCHIVED),
}
"""Action -> (the statuses it may leave from, the status it leads to)."""
EDITABLE: Final = frozenset({DRAFT, PAUSED})
"""The statuses in which a journey's definition may be replaced (inferred)."""
ACTIVE: Final = frozenset({RUNNING, PAUSED})
"""The statuses of a journey users can be dropped from."""
_AUDIENCE: Final = ("users", "hwids", "filter")


def _bad(message: str) -> Refusal:
    return Refusal(400, message, http_status=400)


def _journey(call: Request, key: str) -> JourneyRecord:
    found = call.account.journeys.get(str(call.body.get(key) or call.path_args.get(key) or ""))
    if found is None:
        raise Refusal(404, "journey not found", http_status=404)
    return found


def _object(journey: JourneyRecord) -> dict[str, Any]:
    """The journey object: ``info``, ``points`` and ``comments``."""
    info = {
        "uuid": journey.uuid,
        "title": journey.title,
        "status": journey.status,
        "params": journey.params,
    }
    return {"info": info, "points": journey.points, "comments": journey.comments}


def _definition(call: Request) -> tuple[str, dict[str, Any], list[Any], list[Any]]:
    """Title, params, points and comments of a create or update body, checked."""
    title, params = call.body.get("title"), call.body.get("params")
    if not isinstance(title, str) or not title:
        raise _bad("title is required")
    if not isinstance(params, dict) or not params.get("application_code"):
        raise _bad("params.application_code is required")
    if params["application_code"] not in call.account.applications:
        raise _bad("application not found")
    points, comments = call.body.get("points") or [], call.body.get("comments") or []
    if not isinstance(points, list) or not isinstance(comments, list):
        raise _bad("points and comments must be arrays")
    return title, dict(params), list(points), list(comments)


def create(call: Request) -> dict[str, Any]:
    """Create a journey as a draft."""
    title, params, points, comments = _definition(call)
    journey = JourneyRecord(str(uuid.uuid4()), title, params, points, comments)
    call.account.journeys[journey.uuid] = journey
    return _object(journey)


def update(call: Request) -> dict[str, Any]:
    """Replace a journey's definition: what the body leaves out is gone."""
    journey = _journey(call, "uuid")
    if journey.status not in EDITABLE:
        raise _bad(f"a journey in {journey.status} cannot be edited")
    journey.title, journey.params, journey.points, journey.comments = _definition(call)
    return _object(journey)


def _transition(action: str) -> Handler:
    sources, target = TRANSITIONS[action]

    def handle(call: Request) -> dict[str, Any]:
        journey = _journey(call, "uuid")
        if journey.status not in sources:
            raise _bad(f"cannot {action} a journey in {journey.status}")
        journey.status = target
        return _object(journey)

    handle.__doc__ = f"Move a journey to {target} (from {', '.join(sorted(sources))})."
    return handle


def start_by_api(call: Request) -> dict[str, Any]:
    """Enter users into a running journey through its single active API entry point."""
    journey = _journey(call, "id")
    payload = call.body.get("payload")
    if not isinstance(payload, dict):
        raise _bad("payload is required")
    given = [key for key in _AUDIENCE if payload.get(key)]
    if not given:
        raise _bad("one of users, hwids or filter must be provided")
    if len(given) > 1:
        raise _bad("only one of users, hwids or filter can be provided")
    if journey.status != RUNNING:
        raise _bad("journey is not running")
    if sum(1 for point in journey.points if _api_entry(point)) != 1:
        raise _bad("journey must have exactly one active API entry point")
    request_uuid = str(uuid.uuid4())
    journey.entries.append({**payload, "request_uuid": request_uuid})
    for member in payload.get("users") or payload.get("hwids") or ():
        if member not in journey.users:
            journey.users.append(member)
    return {"request_uuid": request_uuid}


def _api_entry(point: Any) -> bool:
    """An API entry point that is not deactivated (``start_by_api`` in its ``point_data``)."""
    if not isinstance(point, dict):
        return False
    data = point.get("point_data")
    entry = data.get("start_by_api") if isinstance(data, dict) else None
    typed = point.get("point_type") == "POINT_TYPE_START_BY_API"
    if entry is None and not typed:
        return False
    return not (isinstance(entry, dict) and entry.get("is_deactivated"))


def statistics(call: Request) -> dict[str, Any]:
    """Per messaging point: sent to the users in the journey, and their opens of its campaign."""
    journey = _journey(call, "id")
    return {
        "payload": {
            "title": journey.title,
            "points": [_point_stats(call, journey, p) for p in journey.points if _messaging(p)],
        }
    }


def _codes(point: dict[str, Any]) -> dict[str, Any]:
    """The ``campaign_code``/``preset_code`` of a point, at its top level or in its data."""
    found: dict[str, Any] = {}
    blocks: Iterable[Any] = [point, *(point.get("point_data") or {}).values()]
    for block in blocks:
        if isinstance(block, dict):
            for key in ("campaign_code", "preset_code"):
                if key in block:
                    found.setdefault(key, block[key])
    return found


def _messaging(point: Any) -> bool:
    return isinstance(point, dict) and (
        bool(_codes(point)) or "SEND" in str(point.get("point_type", "")).upper()
    )


def _point_stats(call: Request, journey: JourneyRecord, point: dict[str, Any]) -> dict[str, Any]:
    codes = _codes(point)
    campaign = codes.get("campaign_code")
    sent = len(journey.users)
    messages = {
        m.code
        for m in call.account.messages.values()
        if campaign is not None and m.notification.get("campaign") == campaign
    }
    opens = [o for o in call.account.opens if o.message_code in messages]
    return {
        "pointTitle": point.get("title") or point.get("uuid"),
        "campaignCode": campaign,
        "presetCode": codes.get("preset_code"),
        "pointStat": {
            "sent": sent,
            "opened": len(opens),
            "uniqOpened": len({o.hwid for o in opens}),
            "conversion": len(opens) / sent if sent else 0.0,
        },
    }


def drop_users(call: Request) -> dict[str, Any]:
    """Take users out of the given active journeys, or out of every active one."""
    users = call.body.get("user_ids")
    if not isinstance(users, list) or not users:
        raise _bad("user_ids is required")
    if call.body.get("all_journeys"):
        chosen = [j for j in call.account.journeys.values() if j.status in ACTIVE]
    else:
        uuids = call.body.get("journey_uuids")
        if not isinstance(uuids, list) or not uuids:
            raise _bad("journey_uuids is required unless all_journeys is true")
        missing = [u for u in uuids if u not in call.account.journeys]
        if missing:
            raise _bad(f"journeys not found: {', '.join(map(str, missing))}")
        chosen = [call.account.journeys[u] for u in uuids]
    for journey in chosen:
        for user in users:
            if user in journey.users:
                journey.users.remove(user)
                journey.dropped.append(user)
    return {}


HANDLERS: dict[str, Handler] = {
    "journeygateway (create)": create,
    "journeygateway (update)": update,
    **{f"journeygateway/{action}": _transition(action) for action in TRANSITIONS},
    "journey start by API": start_by_api,
    "journey statistics": statistics,
    "journey drop users": drop_users,
}
