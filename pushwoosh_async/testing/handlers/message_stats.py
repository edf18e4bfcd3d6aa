"""Statistics v2: ``messages:list``, ``totalsByIntervals`` and ``getMessageLog``, from the account.

Every message of every channel the account sent is listed; counts come from ``reports.py``.
Refusals are v2 style (``{"message"}`` with HTTP 400), except ``getMessageLog``'s documented
``{"error": ...}`` answers with HTTP 200. Page sizes the docs leave open are inferred: 100
messages per ``messages:list`` page, 1000 events per ``getMessageLog`` reply.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Account, Message
from pushwoosh_async.testing.handlers.reports import (
    CHANNEL_PLATFORMS,
    Event,
    bucket,
    events_of,
    log_platform_name,
    parse_time,
    platform_name,
    stamp,
)
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

PER_PAGE: Final = 100
"""``messages:list``'s page size when ``per_page`` is not given (not documented)."""
LOG_LIMIT: Final = 1000
"""``getMessageLog``'s events per reply when ``limit`` is not given (not documented)."""
MAX_LOG_DAYS: Final = 30
_LOG_ACTIONS: Final = {"send": "sent", "delivery": "delivered", "open": "opened"}
_SELECTORS: Final = ("message_id", "message_code", "campaign_code", "hwid", "user_id")


def _bad(message: str) -> Refusal:
    return Refusal(400, message, http_status=400)


def _time(value: Any, name: str) -> dt.datetime:
    """A date or datetime argument; a v2 400 refusal if it is not one."""
    try:
        return parse_time(value, name)
    except Refusal as refusal:
        raise _bad(refusal.message) from refusal


def _numbered(account: Account) -> list[tuple[int, Message]]:
    """Every message with its id (numbered in creation order, as getMessageDetails does)."""
    return list(enumerate(account.messages.values(), start=1))


def _platforms(account: Account, message: Message) -> list[int]:
    sent = {e.platform for e in events_of(account, [message]) if e.action == "send"}
    if message.channel in CHANNEL_PLATFORMS:
        sent.add(int(CHANNEL_PLATFORMS[message.channel]))
    asked = message.notification.get("platforms")
    if isinstance(asked, list):
        sent.update(p for p in asked if isinstance(p, int))
    return sorted(sent - {0})


# --- messages:list ---------------------------------------------------------------------------


def messages_list(call: Request) -> dict[str, Any]:
    """One page of the application's messages matching the filters, and how many match."""
    filters = call.body.get("filters")
    if not isinstance(filters, dict) or not filters.get("application"):
        raise _bad("filters.application is required")
    if filters["application"] not in call.account.applications:
        raise _bad("application not found")
    params = call.body.get("params") or {}
    page, per_page = call.body.get("page") or 1, call.body.get("per_page") or PER_PAGE
    if not isinstance(page, int) or page < 1 or not isinstance(per_page, int) or per_page < 1:
        raise _bad("page and per_page must be positive integers")
    matched = [
        (number, message)
        for number, message in _numbered(call.account)
        if _listed(call.account, number, message, filters)
    ]
    chosen = matched[(page - 1) * per_page : page * per_page]
    return {
        "total": len(matched),
        "items": [_summary(call.account, number, message, params) for number, message in chosen],
    }


def _listed(account: Account, number: int, message: Message, filters: dict[str, Any]) -> bool:
    names = filters.get("platforms")
    ids = filters.get("messages_ids")
    codes = filters.get("messages_codes")
    campaign = filters.get("campaign")
    return (
        message.application == filters["application"]
        and (
            not names or bool({platform_name(p) for p in _platforms(account, message)} & set(names))
        )
        and filters.get("source") in (None, "API")  # every message the fake has came by the API
        and (not campaign or message.notification.get("campaign") == campaign)
        and (not ids or number in {int(i) for i in ids})
        and (not codes or message.code in codes)
        and _in_range(message.created, filters.get("date_range"))
    )


def _in_range(moment: dt.datetime, date_range: Any) -> bool:
    if not isinstance(date_range, dict):
        return True
    first = _time(date_range.get("date_from"), "date_from").date()
    last = _time(date_range.get("date_to"), "date_to").date()
    return first <= moment.date() <= last


def _summary(
    account: Account, number: int, message: Message, params: dict[str, Any]
) -> dict[str, Any]:
    note = message.notification
    send_date = note.get("send_date")
    info: dict[str, Any] = {}
    if params.get("with_details"):
        info["details"] = _details(message)
    if params.get("with_metrics"):
        info["metrics"] = _metrics(events_of(account, [message]))
    summary: dict[str, Any] = {
        "id": number,
        "code": message.code,
        "created_date": stamp(message.created),
        "send_date": send_date if send_date not in (None, "now") else stamp(message.created),
        "status": "deleted" if message.deleted else "done",
        "platforms": [platform_name(p) for p in _platforms(account, message)],
        "source": "API",
    }
    summary["email_info" if message.channel == "email" else "push_info"] = info
    return summary


def _details(message: Message) -> dict[str, Any]:
    note = message.notification
    content = note.get("content")
    details: dict[str, Any] = {
        "content": content if isinstance(content, dict) else {"default": content},
    }
    for wire, key in (("title", "title"), ("filter_name", "filter"), ("data", "data")):
        if key in note:
            details[wire] = note[key]
    if "conditions" in note:
        details["conditions"] = note["conditions"]
        details["conditions_operator"] = note.get("conditions_operator", "AND")
    if message.channel == "email":
        details["template"] = note.get("preset")
    return details


def _metrics(events: Iterable[Event]) -> list[dict[str, Any]]:
    counts = Counter((e.platform, e.action) for e in events)
    return [
        {
            "sends": counts[platform, "send"],
            "opens": counts[platform, "open"],
            "deliveries": counts[platform, "delivery"],
            "inbox_opens": 0,
            "unshowable_sends": 0,
            "errors": 0,
            "platform": platform,
        }
        for platform in sorted({p for p, _ in counts})
    ]


# --- totalsByIntervals -----------------------------------------------------------------------


def totals_by_intervals(call: Request) -> dict[str, Any]:
    """A message's hourly counts per platform (as strings, as documented) and its totals."""
    code = call.body.get("message_code")
    if not isinstance(code, str) or not code:
        raise _bad("message_code is required")
    message = call.account.messages.get(code)
    if message is None:
        raise Refusal(404, "message not found", http_status=404)
    platforms = call.body.get("platforms")
    events = [
        e for e in events_of(call.account, [message]) if not platforms or e.platform in platforms
    ]
    counts = Counter((bucket(e.at, "hourly"), e.platform, e.action) for e in events)
    hours = sorted({(when, platform) for when, platform, _ in counts})
    metrics = [
        {
            "timestamp": when,
            "platform": platform,
            "sends": str(counts[when, platform, "send"]),
            "opens": str(counts[when, platform, "open"]),
            "deliveries": str(counts[when, platform, "delivery"]),
            "inbox_opens": "0",
            "unshowable_sends": "0",
            "errors": "0",
        }
        for when, platform in hours
    ]
    totals = Counter(e.action for e in events)
    conversion = {"sends": str(totals["send"]), "opens": str(totals["open"]), "events": []}
    return {"metrics": metrics, "conversion": conversion}


# --- getMessageLog ---------------------------------------------------------------------------


def get_message_log(call: Request) -> dict[str, Any]:
    """The account's message events that match, oldest first, ``limit`` at a time.

    Its refusals are the documented ``{"error": ...}`` objects with HTTP 200. The rows' key
    (``rows``) and their fields are inferred: the reply is not documented.
    """
    body = call.body
    period = body.get("date_from") is not None and body.get("date_to") is not None
    token = body.get("pagination_token")
    if not any(body.get(k) is not None for k in _SELECTORS) and not period and not token:
        return {
            "error": "one of message_id, message_code, campaign_code, hwid, user_id or "
            "date_from and date_to is required"
        }
    if period and _too_long(body):
        return {"error": f"exceeded the maximum date interval. Max interval: {MAX_LOG_DAYS} days"}
    offset = _offset(token)
    limit = body.get("limit") or LOG_LIMIT
    if offset is None or not isinstance(limit, int) or not 1 <= limit <= 100_000:
        return {"error": "invalid pagination_token or limit"}
    rows = [row for row in _log_rows(call.account) if _logged(row, body)]
    reply: dict[str, Any] = {"rows": rows[offset : offset + limit]}
    if offset + limit < len(rows):
        reply["pagination_token"] = str(offset + limit)
    return reply


def _too_long(body: dict[str, Any]) -> bool:
    start = _time(body["date_from"], "date_from")
    end = _time(body["date_to"], "date_to")
    return end - start > dt.timedelta(days=MAX_LOG_DAYS)


def _offset(token: Any) -> int | None:
    if token in (None, ""):
        return 0
    return int(token) if isinstance(token, str) and token.isdigit() else None


def _log_rows(account: Account) -> list[dict[str, Any]]:
    numbers = {message.code: number for number, message in _numbered(account)}
    events = sorted(events_of(account, account.messages.values()), key=lambda e: e.at)
    rows = []
    for event in events:
        message = event.message
        device = account.device(message.application, event.hwid)
        rows.append(
            {
                "message_id": numbers[message.code],
                "message_code": message.code,
                "campaign_code": message.notification.get("campaign"),
                "application_code": message.application,
                "hwid": event.hwid,
                "user_id": device.user_id if device is not None else None,
                "platform": log_platform_name(event.platform),
                "action": _LOG_ACTIONS[event.action],
                "date": stamp(event.at),
            }
        )
    return rows


def _logged(row: dict[str, Any], body: dict[str, Any]) -> bool:
    hwids = body.get("hwid")
    wanted = {
        "message_id": None if body.get("message_id") is None else int(body["message_id"]),
        "message_code": body.get("message_code"),
        "campaign_code": body.get("campaign_code"),
        "user_id": body.get("user_id"),
        "application_code": body.get("application_code"),
    }
    if any(value is not None and row[key] != value for key, value in wanted.items()):
        return False
    if hwids is not None and row["hwid"] not in ([hwids] if isinstance(hwids, str) else hwids):
        return False
    if body.get("actions") and row["action"] not in body["actions"]:
        return False
    if body.get("platforms") and row["platform"] not in body["platforms"]:
        return False
    start, end = body.get("date_from"), body.get("date_to")
    moment = _time(row["date"], "date")
    if start is not None and moment < _time(start, "date_from"):
        return False
    return end is None or moment <= _time(end, "date_to")


HANDLERS: dict[str, Handler] = {
    "messages:list": messages_list,
    "totalsByIntervals": totals_by_intervals,
    "getMessageLog": get_message_log,
}
