"""Statistics commands: scheduled v1.3 reports, getResults, messages:list, totalsByIntervals."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    MessagesPage,
    MessageSummary,
    MessageTotals,
    ScheduledRequest,
    ScheduledResults,
    StatsRow,
    SubscribersStats,
    TotalsByIntervals,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import NO_AUTH, WireCase, printed, send, statistics_v2, v13_server
from tests.support import API, APPLICATION, example, ok

SCHEDULED = example("statistics.getAppStats_getResults.json")
LISTED = example("statistics.messages_list.json")
TOTALS = example("statistics.totalsByIntervals.json")
ROWS = [{"date": "2025-05-01 08:00", "count": 4}]
BLOCKS = {"applications": {"formatter": "daily", "rows": []}}
LOG_ROWS = [{"hwid": "h1", "action": "sent"}]


def scheduled(
    command_id: str, command: Command[Any], method: str, fields: dict[str, Any]
) -> WireCase:
    """A scheduled report: v1.3 server-token call whose reply is the job's request_id."""
    return WireCase(
        command_id,
        command,
        **v13_server(method, fields),
        reply=ok({"request_id": "DC1_42"}),
        result=ScheduledRequest(request_id="DC1_42"),
    )


TOTALS_RESULT = MessageTotals(
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

CASES = [
    # --- scheduled (v1.3) ---
    WireCase(
        "getAppStats-example",
        GetAppStats(datefrom=dt.datetime(2025, 5, 1), dateto="2025-05-02 00:00:00"),
        http_method="POST",
        url=f"{API}/json/1.3/getAppStats",
        headers=NO_AUTH,
        body=SCHEDULED["step1_request"],
        reply=SCHEDULED["step1_response"],
        result=ScheduledRequest(request_id="c93a202f439235f9adaaa06d651548ab"),
    ),
    WireCase(
        "getResults-example-message-report",
        GetResults(request_id="c93a202f439235f9adaaa06d651548ab"),
        **printed(SCHEDULED["step2_call"], NO_AUTH, SCHEDULED["step2_request"]),
        reply=SCHEDULED["step2_response_example_for_getMsgStats"],
        result=ScheduledResults(
            formatter="hourly",
            rows=(
                StatsRow(datetime="2025-05-01 08:00:00", action="send", count=120),
                StatsRow(datetime="2025-05-01 08:00:00", action="open", count=9),
            ),
            conversion={"send": 120, "delivery": 111, "open": 9, "events": []},
            extra={},
        ),
    ),
    WireCase(
        "getResults-list-reply-in-entries",
        GetResults(request_id="DC1_x"),
        **v13_server("getResults", {"request_id": "DC1_x"}),
        reply=ok(ROWS),
        result=ScheduledResults(entries=tuple(ROWS)),
    ),
    WireCase(
        "getResults-unknown-blocks-in-extra",
        GetResults(request_id="r"),
        **v13_server("getResults", {"request_id": "r"}),
        reply=ok(BLOCKS),
        result=ScheduledResults(extra=BLOCKS),
    ),
    scheduled(
        "getMsgStats",
        GetMsgStats(message="7D1E-4C9A2B10-5F3E8A77"),
        "getMsgStats",
        {"message": "7D1E-4C9A2B10-5F3E8A77"},
    ),
    scheduled(
        "getMsgPlatformsStats",
        GetMsgPlatformsStats(message="m", platforms=[1, 3]),
        "getMsgPlatformsStats",
        {"message": "m", "platforms": [1, 3]},
    ),
    scheduled(
        "getCampaignStats-period",
        GetCampaignStats(
            campaign="C-1", datefrom=dt.datetime(2024, 5, 1), dateto="2024-05-10 23:59:59"
        ),
        "getCampaignStats",
        {"campaign": "C-1", "datefrom": "2024-05-01 00:00:00", "dateto": "2024-05-10 23:59:59"},
    ),
    scheduled(
        "getTagStats-extra", GetTagStats(extra={"tag": "Plan"}), "getTagStats", {"tag": "Plan"}
    ),
    scheduled(
        "getEventStatistics-dates",
        GetEventStatistics(
            event="cart_add",
            date_from=dt.date(2024, 9, 12),
            date_to="2024-09-13",
            attributes=[{"name": "sku", "operator": "EQ", "values": ["a1"]}],
        ),
        "getEventStatistics",
        {
            "application": APPLICATION,
            "event": "cart_add",
            "date_from": "2024-09-12",
            "date_to": "2024-09-13",
            "attributes": [{"name": "sku", "operator": "EQ", "values": ["a1"]}],
        },
    ),
    WireCase(
        "getApplicationSubscribersStats-keeps-whole-reply",
        GetApplicationSubscribersStats(),
        **v13_server("getApplicationSubscribersStats", {"application": APPLICATION}),
        reply=ok({"ios": 10, "android": 7}),
        result=SubscribersStats(extra={"ios": 10, "android": 7}),
    ),
    # --- v2 ---
    WireCase(
        "messages-list-example",
        MessagesList(
            filters=MessageFilters(
                application=APPLICATION,
                platforms=["IOS", "ANDROID"],
                date_range=DateRange(date_from=dt.date(2025, 5, 1), date_to="2025-05-31"),
                source="API",
            ),
            params={"with_details": True, "with_metrics": True},
            per_page=100,
            page=1,
        ),
        **printed(LISTED["call"], LISTED["headers"], LISTED["request"]),
        reply=LISTED["response"],
        result=MessagesPage(
            total=1,
            items=(
                MessageSummary(
                    id=2068991743,
                    code="7D1E-4C9A2B10-5F3E8A77",
                    created_date="2025-05-02 09:14:20",
                    send_date="2025-05-02 09:14:19",
                    status="done",
                    platforms=("IOS", "ANDROID"),
                    source="API",
                    push_info={
                        "details": {
                            "title": "Order #1042",
                            "content": {"en": "Your order has shipped"},
                        },
                        "metrics": [
                            {
                                "sends": 2,
                                "opens": 1,
                                "deliveries": 2,
                                "inbox_opens": 0,
                                "unshowable_sends": 0,
                                "errors": 0,
                                "platform": 1,
                            }
                        ],
                    },
                ),
            ),
        ),
    ),
    # The documented body is bare: the example is sent as it stands (issue 11's first fix).
    WireCase(
        "totalsByIntervals-example",
        TotalsByIntervals(message_code="7D1E-4C9A2B10-5F3E8A77", platforms=[1, 3]),
        **printed(TOTALS["call"], TOTALS["headers"], TOTALS["request"]),
        reply=TOTALS["response"],
        result=TOTALS_RESULT,
    ),
    # The path (and the {"request": ...} body) is inferred from its neighbours.
    WireCase(
        "getMessageLog-inferred-path",
        GetMessageLog(
            message_code="7D1E-4C9A2B10-5F3E8A77",
            hwid=["h1", "h2"],
            date_from=dt.datetime(2025, 5, 1),
            date_to="2025-05-02 00:00:00",
            limit=500,
            actions=["sent", "opened"],
            extra={"future_key": 1},
        ),
        **statistics_v2(
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
        ),
        reply={"rows": LOG_ROWS, "pagination_token": "p2"},
        result=MessageLog(pagination_token="p2", extra={"rows": LOG_ROWS}),
    ),
]


async def test_totals_by_intervals_call_and_reply_follow_the_example(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """totalsByIntervals: documented URL and token header; the example reply is read as-is."""
    request, result = await send(
        pw,
        router,
        TotalsByIntervals(message_code="7D1E-4C9A2B10-5F3E8A77", platforms=[1, 3]),
        TOTALS["response"],
    )
    assert f"{request.method} {request.url}" == TOTALS["call"]
    assert request.headers["authorization"] == TOTALS["headers"]["Authorization"]
    assert result == TOTALS_RESULT


def test_aware_datetimes_are_sent_in_utc() -> None:
    """An aware datetime is converted to UTC before it is formatted."""
    tz = dt.timezone(dt.timedelta(hours=2))
    command = GetAppStats(datefrom=dt.datetime(2025, 5, 1, 2, tzinfo=tz), dateto="x")
    assert command.datefrom == "2025-05-01 00:00:00"


def test_empty_ids_are_refused() -> None:
    """getResults without a request id, or getMsgStats without a message, is refused."""
    with pytest.raises(ValidationError):
        GetResults(request_id="")
    with pytest.raises(ValidationError):
        GetMsgStats(message="")


def test_messages_list_limits() -> None:
    """messages:list takes at most 1000 per page and needs filters.application."""
    with pytest.raises(ValidationError, match="per_page"):
        MessagesList(filters={"application": APPLICATION}, per_page=1001)
    with pytest.raises(ValidationError):
        MessagesList(filters={"platforms": ["IOS"]})  # application is required


def test_get_message_log_needs_a_selector_and_a_sane_limit() -> None:
    """getMessageLog needs a message, campaign, device or user, and a limit up to 100000."""
    with pytest.raises(ValidationError, match="message_id"):
        GetMessageLog(date_from="2025-05-01 00:00:00")
    with pytest.raises(ValidationError, match="limit"):
        GetMessageLog(user_id="u", limit=100_001)
    assert GetMessageLog(hwid="h1").hwid == "h1"


def test_get_campaign_stats_needs_a_campaign_and_a_period() -> None:
    """getCampaignStats takes campaign, datefrom and dateto, all required (docs)."""
    with pytest.raises(ValidationError):
        GetCampaignStats(campaign="", datefrom="2024-05-01 00:00:00", dateto="2024-05-02 00:00:00")
    with pytest.raises(TypeError):
        GetCampaignStats(campaign="C-1")  # type: ignore[call-arg]
    tz = dt.timezone(dt.timedelta(hours=3))
    command = GetCampaignStats(
        campaign="C-1",
        datefrom=dt.datetime(2024, 5, 1, 3, tzinfo=tz),
        dateto=dt.datetime(2024, 5, 2),
    )
    assert (command.datefrom, command.dateto) == ("2024-05-01 00:00:00", "2024-05-02 00:00:00")


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(GetAppStats(datefrom="a", dateto="b"), ok({}), id="scheduled-no-request_id"),
        pytest.param(
            GetMsgStats(message="m"), ok({"request_id": ""}), id="scheduled-empty-request_id"
        ),
        pytest.param(
            MessagesList(filters={"application": APPLICATION}), {"items": []}, id="list-no-total"
        ),
        pytest.param(
            MessagesList(filters={"application": APPLICATION}), {"total": 0}, id="list-no-items"
        ),
        pytest.param(TotalsByIntervals(message_code="m"), {"conversion": {}}, id="no-metrics"),
    ],
)
async def test_a_reply_without_its_required_keys_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any
) -> None:
    """A reply lacking a key the docs always show (request_id, total, items, metrics) fails."""
    with pytest.raises(DecodeError):
        await send(pw, router, command, reply)
