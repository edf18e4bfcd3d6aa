"""Statistics (v1.3): scheduled reports computed from what the account sent, read with getResults.

Each scheduled method checks its arguments, computes its report from the account's messages,
devices, opens and deliveries (``reports.py``) and files it as a :class:`Job`: ``getResults``
refuses it once (still being prepared, status 210: an inference, Pushwoosh's "not ready" answer
was never captured), then answers the report in the documented shape.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Message
from pushwoosh_async.testing.handlers.reports import (
    UTC,
    Event,
    bucket,
    events_of,
    formatter_for,
    log_platform_name,
    parse_time,
    rows_of,
)
from pushwoosh_async.testing.handlers.scheduled import read_report, schedule
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def _message(call: Request) -> Message:
    """The message named by ``message``: its code, or its id (as getMessageDetails numbers it)."""
    wanted = call.text("message")
    for number, message in enumerate(call.account.messages.values(), start=1):
        if wanted in (message.code, str(number)):
            return message
    raise Refusal(210, "Message not found")


def _period(call: Request) -> tuple[dt.datetime, dt.datetime]:
    start = parse_time(call.body.get("datefrom"), "datefrom")
    end = parse_time(call.body.get("dateto"), "dateto")
    if end < start:
        raise Refusal(210, '"dateto" is before "datefrom"')
    return start, end


def _within(events: Iterable[Event], start: dt.datetime, end: dt.datetime) -> list[Event]:
    return [e for e in events if start <= e.at <= end]


def _conversion(events: Iterable[Event]) -> dict[str, Any]:
    counts = Counter(e.action for e in events)
    return {
        "send": counts["send"],
        "delivery": counts["delivery"],
        "open": counts["open"],
        "events": [],
    }


def _report(events: list[Event], formatter: str, *, per_platform: bool) -> dict[str, Any]:
    return {
        "formatter": formatter,
        "rows": rows_of(events, formatter, per_platform=per_platform),
        "conversion": _conversion(events),
    }


def get_msg_stats(call: Request) -> dict[str, Any]:
    """Schedule one message's report: hourly sends, deliveries and opens."""
    events = list(events_of(call.account, [_message(call)]))
    return schedule(call, "getMsgStats", _report(events, "hourly", per_platform=False))


def get_msg_platforms_stats(call: Request) -> dict[str, Any]:
    """Schedule one message's report per platform (only ``platforms``, when given)."""
    message = _message(call)
    platforms = call.body.get("platforms")
    if platforms is not None and not isinstance(platforms, list):
        raise Refusal(210, '"platforms" must be an array of platform codes')
    events = [
        e
        for e in events_of(call.account, [message])
        if platforms is None or e.platform in platforms
    ]
    return schedule(call, "getMsgPlatformsStats", _report(events, "hourly", per_platform=True))


def get_app_stats(call: Request) -> dict[str, Any]:
    """Schedule an application's report for a period: its messages, devices and app opens.

    The fake keeps no registration times, so the application's devices count as registered in
    the period's first bucket; a push opened counts as an app ``open`` too.
    """
    application = call.application()
    start, end = _period(call)
    formatter = formatter_for(start, end)
    messages = [m for m in call.account.messages.values() if m.application == application]
    events = _within(events_of(call.account, messages), start, end)
    opens = [e for e in events if e.action == "open"]
    devices = sum(1 for d in call.account.devices.values() if d.application == application)
    registered = (
        [{"datetime": bucket(start, formatter), "action": "register", "count": devices}]
        if devices
        else []
    )
    report = {
        "applications": {"formatter": formatter, "rows": rows_of(opens, formatter)},
        "devices": {"formatter": formatter, "rows": registered},
        "messages": {"formatter": formatter, "rows": rows_of(events, formatter)},
    }
    return schedule(call, "getAppStats", report)


def get_campaign_stats(call: Request) -> dict[str, Any]:
    """Schedule a campaign's report: the messages sent with its code, per platform."""
    code = call.text("campaign")
    if code not in call.account.campaigns:
        raise Refusal(210, "Campaign not found")
    start, end = _period(call)
    messages = [m for m in call.account.messages.values() if m.notification.get("campaign") == code]
    events = _within(events_of(call.account, messages), start, end)
    report = _report(events, formatter_for(start, end), per_platform=True)
    return schedule(call, "getCampaignStats", report)


def get_event_statistics(call: Request) -> dict[str, Any]:
    """Schedule an event's hourly hit counts over whole days, every hour listed."""
    application = call.application()
    name = call.text("event")
    if (application, name) not in call.account.events:
        raise Refusal(210, "Event not found")
    first = parse_time(call.text("date_from"), "date_from")
    last = parse_time(call.text("date_to"), "date_to") + dt.timedelta(days=1)
    filters = call.body.get("attributes") or []
    hits = Counter(
        _posted_at(posted).strftime("%Y-%m-%d %H:00")
        for posted in call.account.posted_events
        if posted.get("application") == application
        and posted.get("event") == name
        and all(_matches(posted.get("attributes") or {}, f) for f in filters)
    )
    hours = int((last - first).total_seconds() // 3600)
    entries = [
        {"date": hour, "count": hits[hour]}
        for hour in (
            (first + dt.timedelta(hours=n)).strftime("%Y-%m-%d %H:00") for n in range(hours)
        )
    ]
    return schedule(call, "getEventStatistics", entries)


def _posted_at(posted: dict[str, Any]) -> dt.datetime:
    """When an event was posted: its ``timestampUTC``, or now (the fake keeps no arrival time)."""
    stamp = posted.get("timestampUTC")
    if isinstance(stamp, int):
        return dt.datetime.fromtimestamp(stamp, UTC)
    return dt.datetime.now(UTC)


def _matches(attributes: dict[str, Any], condition: Any) -> bool:
    if not isinstance(condition, dict):
        raise Refusal(210, '"attributes" must be an array of {name, operator, values}')
    value = attributes.get(str(condition.get("name")))
    values = condition.get("values") or []
    if condition.get("operator") == "NOTEQ":
        return value not in values
    return value in values  # EQ, and any operator the fake does not model


def get_tag_stats(call: Request) -> dict[str, Any]:
    """Schedule a tag's report: how many devices of the application hold each value today.

    The method's parameters and result are not documented: ``application`` and ``tag`` are
    read, and the result has the scheduled reports' ``{formatter, rows}`` shape (inferred).
    """
    application = call.application()
    tag = call.text("tag")
    devices = [d for d in call.account.devices.values() if d.application == application]
    if tag not in call.account.tags and not any(tag in d.tags for d in devices):
        raise Refusal(210, "Tag not found")
    today = bucket(dt.datetime.now(UTC), "daily")
    values = Counter(str(d.tags[tag]) for d in devices if tag in d.tags)
    rows = [{"datetime": today, "action": v, "count": n} for v, n in sorted(values.items())]
    return schedule(call, "getTagStats", {"formatter": "daily", "rows": rows})


def get_application_subscribers_stats(call: Request) -> dict[str, int]:
    """The application's devices counted by platform (``{"ios": 2, "android": 1}``; inferred)."""
    application = call.application()
    counts = Counter(
        log_platform_name(d.device_type)
        for d in call.account.devices.values()
        if d.application == application
    )
    return dict(sorted(counts.items()))


def get_results(call: Request) -> Any:
    """The report of a scheduled request of any section, once prepared (``scheduled.py``)."""
    return read_report(call, call.text("request_id"))


HANDLERS: dict[str, Handler] = {
    "getMsgStats": get_msg_stats,
    "getMsgPlatformsStats": get_msg_platforms_stats,
    "getAppStats": get_app_stats,
    "getCampaignStats": get_campaign_stats,
    "getEventStatistics": get_event_statistics,
    "getTagStats": get_tag_stats,
    "getApplicationSubscribersStats": get_application_subscribers_stats,
    "getResults": get_results,
}
