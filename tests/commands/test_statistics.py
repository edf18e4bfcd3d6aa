"""Statistics commands: scheduled v1.3 reports, getResults, messages:list, totalsByIntervals."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.statistics import (
    Conversion,
    DateRange,
    EventConversion,
    GetApplicationSubscribersStats,
    GetAppStats,
    GetCampaignStats,
    GetEventStatistics,
    GetMessageLog,
    GetMsgPlatformsStats,
    GetMsgStats,
    GetResults,
    GetTagStats,
    IntervalMetrics,
    MessageFilters,
    MessageLog,
    MessagesList,
    MessageTotals,
    ScheduledRequest,
    ScheduledResults,
    StatsRow,
    SubscribersStats,
    TotalsByIntervals,
)
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (  # the shared helpers
    API,
    APP,
    TOKEN,
    example,
    ok,
    send,
    v13_server,
)


def v2_stats(request: httpx.Request, path: str, body: dict[str, Any]) -> None:
    """POST on the main host, {"request": {...}}, server token as ``Authorization: Token``."""
    assert request.method == "POST"
    assert str(request.url) == f"{API}{path}"
    assert request.headers["authorization"] == f"Token {TOKEN}"
    assert json.loads(request.content) == {"request": body}


# --- scheduled --------------------------------------------------------------------------------


async def test_get_app_stats_matches_the_example(pw: PushwooshClient, router: respx.Router) -> None:
    ex = example("statistics.getAppStats_getResults.json")
    command = GetAppStats(datefrom=dt.datetime(2025, 5, 1), dateto="2025-05-02 00:00:00")
    request, result = await send(pw, router, command, ex["step1_response"])
    assert json.loads(request.content) == ex["step1_request"]
    v13_server(
        request,
        "getAppStats",
        {k: v for k, v in ex["step1_request"]["request"].items() if k != "auth"},
    )
    assert result == ScheduledRequest(request_id="c93a202f439235f9adaaa06d651548ab")


async def test_get_results_reads_a_message_report(
    pw: PushwooshClient, router: respx.Router
) -> None:
    ex = example("statistics.getAppStats_getResults.json")
    command = GetResults(request_id="c93a202f439235f9adaaa06d651548ab")
    request, result = await send(pw, router, command, ex["step2_response_example_for_getMsgStats"])
    assert json.loads(request.content) == ex["step2_request"]
    assert isinstance(result, ScheduledResults)
    assert result.formatter == "hourly"
    assert result.rows == (
        StatsRow(datetime="2025-05-01 08:00:00", action="send", count=120),
        StatsRow(datetime="2025-05-01 08:00:00", action="open", count=9),
    )
    assert result.conversion == {"send": 120, "delivery": 111, "open": 9, "events": []}
    assert result.extra == {}


async def test_get_results_keeps_list_replies_and_unknown_blocks(
    pw: PushwooshClient, router: respx.Router
) -> None:
    rows = [{"date": "2025-05-01 08:00", "count": 4}]
    _, listed = await send(pw, router, GetResults(request_id="DC1_x"), ok(rows))
    assert listed.entries == tuple(rows)
    blocks = {"applications": {"formatter": "daily", "rows": []}}
    _, app = await send(pw, router, GetResults(request_id="r"), ok(blocks))
    assert app.extra == blocks


@pytest.mark.parametrize(
    ("command", "method", "fields"),
    [
        (
            GetMsgStats(message="7D1E-4C9A2B10-5F3E8A77"),
            "getMsgStats",
            {"message": "7D1E-4C9A2B10-5F3E8A77"},
        ),
        (
            GetMsgPlatformsStats(message="m", platforms=[1, 3]),
            "getMsgPlatformsStats",
            {"message": "m", "platforms": [1, 3]},
        ),
        (GetCampaignStats(extra={"campaign": "C-1"}), "getCampaignStats", {"campaign": "C-1"}),
        (GetTagStats(extra={"tag": "Plan"}), "getTagStats", {"tag": "Plan"}),
        (
            GetEventStatistics(
                event="cart_add",
                date_from=dt.date(2024, 9, 12),
                date_to="2024-09-13",
                attributes=[{"name": "sku", "operator": "EQ", "values": ["a1"]}],
            ),
            "getEventStatistics",
            {
                "application": APP,
                "event": "cart_add",
                "date_from": "2024-09-12",
                "date_to": "2024-09-13",
                "attributes": [{"name": "sku", "operator": "EQ", "values": ["a1"]}],
            },
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Command) else None,
)
async def test_scheduled_methods_return_a_request_id(
    pw: PushwooshClient,
    router: respx.Router,
    command: Command[Any],
    method: str,
    fields: dict[str, Any],
) -> None:
    request, result = await send(pw, router, command, ok({"request_id": "DC1_42"}))
    v13_server(request, method, fields)
    assert result == ScheduledRequest(request_id="DC1_42")


async def test_subscribers_stats_keeps_the_whole_reply(
    pw: PushwooshClient, router: respx.Router
) -> None:
    request, result = await send(
        pw, router, GetApplicationSubscribersStats(), ok({"ios": 10, "android": 7})
    )
    v13_server(request, "getApplicationSubscribersStats", {"application": APP})
    assert result == SubscribersStats(extra={"ios": 10, "android": 7})


def test_aware_datetimes_are_sent_in_utc() -> None:
    tz = dt.timezone(dt.timedelta(hours=2))
    command = GetAppStats(datefrom=dt.datetime(2025, 5, 1, 2, tzinfo=tz), dateto="x")
    assert command.datefrom == "2025-05-01 00:00:00"


def test_empty_ids_are_refused() -> None:
    with pytest.raises(ValidationError):
        GetResults(request_id="")
    with pytest.raises(ValidationError):
        GetMsgStats(message="")


# --- v2 ---------------------------------------------------------------------------------------


async def test_messages_list_matches_the_example(pw: PushwooshClient, router: respx.Router) -> None:
    ex = example("statistics.messages_list.json")
    command = MessagesList(
        filters=MessageFilters(
            application=APP,
            platforms=["IOS", "ANDROID"],
            date_range=DateRange(date_from=dt.date(2025, 5, 1), date_to="2025-05-31"),
            source="API",
        ),
        params={"with_details": True, "with_metrics": True},
        per_page=100,
        page=1,
    )
    request, result = await send(pw, router, command, ex["response"])
    v2_stats(request, "/api/v2/messages:list", ex["request"]["request"])
    assert request.headers["authorization"] == ex["headers"]["Authorization"]
    assert result.total == 1
    (item,) = result.items
    assert item.id == 2068991743
    assert item.code == "7D1E-4C9A2B10-5F3E8A77"
    assert item.platforms == ("IOS", "ANDROID")
    assert item.push_info is not None
    assert item.push_info["details"]["title"] == "Order #1042"


def test_messages_list_limits() -> None:
    with pytest.raises(ValidationError, match="per_page"):
        MessagesList(filters={"application": APP}, per_page=1001)
    with pytest.raises(ValidationError):
        MessagesList(filters={"platforms": ["IOS"]})  # application is required


async def test_totals_by_intervals_matches_the_example(
    pw: PushwooshClient, router: respx.Router
) -> None:
    ex = example("statistics.totalsByIntervals.json")
    command = TotalsByIntervals(message_code="7D1E-4C9A2B10-5F3E8A77", platforms=[1, 3])
    request, result = await send(pw, router, command, ex["response"])
    v2_stats(request, "/api/v2/statistics/messages/totalsByIntervals", ex["request"])
    assert result == MessageTotals(
        metrics=(
            IntervalMetrics(
                timestamp="2025-05-01 15:00:00",
                platform=3,
                sends=5590,
                opens=38,
                deliveries=2293,
                inbox_opens=0,
                unshowable_sends=2,
                errors=0,
            ),
        ),
        conversion=Conversion(
            sends=5590,
            opens=77,
            events=(EventConversion(name="cart_add", hits=9, conversion=0.12, revenue=0),),
        ),
    )


async def test_get_message_log_inferred_path(pw: PushwooshClient, router: respx.Router) -> None:
    command = GetMessageLog(
        message_code="7D1E-4C9A2B10-5F3E8A77",
        hwid=["h1", "h2"],
        date_from=dt.datetime(2025, 5, 1),
        date_to="2025-05-02 00:00:00",
        limit=500,
        actions=["sent", "opened"],
        extra={"future_key": 1},
    )
    reply = {"rows": [{"hwid": "h1", "action": "sent"}], "pagination_token": "p2"}
    request, result = await send(pw, router, command, reply)
    v2_stats(
        request,
        "/api/v2/statistics/getMessageLog",
        {
            "message_code": "7D1E-4C9A2B10-5F3E8A77",
            "hwid": ["h1", "h2"],
            "date_from": "2025-05-01 00:00:00",
            "date_to": "2025-05-02 00:00:00",
            "limit": 500,
            "actions": ["sent", "opened"],
            "future_key": 1,
        },
    )
    assert result == MessageLog(pagination_token="p2", extra={"rows": reply["rows"]})


def test_get_message_log_needs_a_selector_and_a_sane_limit() -> None:
    with pytest.raises(ValidationError, match="message_id"):
        GetMessageLog(date_from="2025-05-01 00:00:00")
    with pytest.raises(ValidationError, match="limit"):
        GetMessageLog(user_id="u", limit=100_001)
    assert GetMessageLog(hwid="h1").hwid == "h1"
