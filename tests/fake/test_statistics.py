"""Statistics against the fake: every report is computed from what the account sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    CreateCampaign,
    CreateEvent,
    CreateMessage,
    GetApplicationSubscribersStats,
    GetAppStats,
    GetCampaignStats,
    GetEventStatistics,
    GetMessageLog,
    GetMsgPlatformsStats,
    GetMsgStats,
    GetResults,
    GetTagStats,
    MessagesList,
    Notification,
    PostEvent,
    ScheduledRequest,
    ScheduledResults,
    TotalsByIntervals,
)
from pushwoosh_async.errors import APIError, ArgumentError
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing._state import Interaction
from tests.support import APPLICATION, fake_account, fake_client

NOW = dt.datetime.now(dt.timezone.utc)
TODAY = NOW.date()
DAY_AGO, DAY_ON = NOW - dt.timedelta(hours=12), NOW + dt.timedelta(hours=12)
QUICK = {"interval": 0.01, "timeout": 5.0}


@pytest.fixture
def account() -> FakePushwoosh:
    """Three iOS devices and two Android ones (h3 and h4), with a Plan tag."""
    fake = fake_account()
    for n in range(5):
        fake.add_device(
            f"h{n}", device_type=1 if n < 3 else 3, tags={"Plan": "pro" if n else "free"}
        )
    return fake


@pytest.fixture
async def pw(account: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    async with fake_client(account) as client:
        yield client


async def send(
    pw: PushwooshClient, account: FakePushwoosh, devices: list[str], **fields: Any
) -> str:
    """Send one push to ``devices`` now; the message's code as the fake stored it."""
    await pw(CreateMessage(notifications=[Notification(content="Hi", devices=devices, **fields)]))
    return list(account.state.messages)[-1]


def opened(account: FakePushwoosh, code: str, *hwids: str) -> None:
    """Record opens (what ``pushStat`` records) of message ``code``."""
    account.state.opens.extend(Interaction(code, h) for h in hwids)


def delivered(account: FakePushwoosh, code: str, *hwids: str) -> None:
    account.state.deliveries.extend(Interaction(code, h) for h in hwids)


async def test_readme_wait_on_get_app_stats_runs_end_to_end(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """pw.wait(GetAppStats(...)): the job is pending once, then its counts are what was sent."""
    code = await send(pw, account, ["h0", "h1", "h3"])
    opened(account, code, "h1")
    stats = await pw.wait(GetAppStats(datefrom=DAY_AGO, dateto=DAY_ON), **QUICK)
    assert isinstance(stats, ScheduledResults)
    messages = stats.extra["messages"]
    assert messages["formatter"] == "hourly"
    counts = {row["action"]: row["count"] for row in messages["rows"]}
    assert counts == {"send": 3, "open": 1}
    assert stats.extra["devices"]["rows"][0]["count"] == 5
    assert [c.method for c in account.calls][-3:] == ["getAppStats", "getResults", "getResults"]


async def test_get_app_stats_counts_only_the_period(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """A period that ended before the messages were sent counts none of them."""
    await send(pw, account, ["h0"])
    stats = await pw.wait(
        GetAppStats(datefrom=NOW - dt.timedelta(days=3), dateto=NOW - dt.timedelta(days=2)),
        **QUICK,
    )
    assert stats.extra["messages"]["rows"] == []


async def test_message_stats_count_sends_deliveries_and_opens(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """getMsgStats: send/delivery/open rows and the conversion block, from the account."""
    code = await send(pw, account, ["h0", "h1", "h2", "h3"])
    delivered(account, code, "h0", "h1", "h3")
    opened(account, code, "h3")
    stats = await pw.wait(GetMsgStats(message=code), **QUICK)
    assert {(r.action, r.count) for r in stats.rows} == {("send", 4), ("delivery", 3), ("open", 1)}
    assert stats.conversion == {"send": 4, "delivery": 3, "open": 1, "events": []}


async def test_platform_stats_split_and_filter_by_platform(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """getMsgPlatformsStats: one row per platform, only the platforms asked for."""
    code = await send(pw, account, ["h0", "h1", "h3"])
    every = await pw.wait(GetMsgPlatformsStats(message=code), **QUICK)
    assert {(r.platformid, r.count) for r in every.rows} == {(1, 2), (3, 1)}
    android = await pw.wait(GetMsgPlatformsStats(message=code, platforms=[3]), **QUICK)
    assert [(r.platformid, r.action, r.count) for r in android.rows] == [(3, "send", 1)]


async def test_campaign_stats_count_the_messages_sent_with_the_campaign(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """getCampaignStats: only messages whose campaign is the campaign's code count."""
    campaign = (await pw(CreateCampaign(name="Spring"))).campaign
    code = await send(pw, account, ["h0", "h3"], campaign=campaign)
    await send(pw, account, ["h1"])  # no campaign: not counted
    opened(account, code, "h0")
    stats = await pw.wait(
        GetCampaignStats(campaign=campaign, datefrom=DAY_AGO, dateto=DAY_ON), **QUICK
    )
    assert sorted((r.action, r.platformid, r.count) for r in stats.rows) == [
        ("open", 1, 1),
        ("send", 1, 1),
        ("send", 3, 1),
    ]
    with pytest.raises(ArgumentError, match="Campaign not found"):
        await pw(GetCampaignStats(campaign="NOPE-00000", datefrom=DAY_AGO, dateto=DAY_ON))


async def test_event_statistics_count_posted_events_per_hour(pw: PushwooshClient) -> None:
    """getEventStatistics: every hour of the days, with the hits posted in it."""
    await pw(CreateEvent(name="cart_add"))
    moment = dt.datetime.combine(TODAY, dt.time(9, 30), dt.timezone.utc)
    for _ in range(3):
        await pw(PostEvent(event="cart_add", hwid="h0", timestamp_utc=int(moment.timestamp())))
    stats = await pw.wait(
        GetEventStatistics(event="cart_add", date_from=TODAY, date_to=TODAY), **QUICK
    )
    assert len(stats.entries) == 24
    assert {e["date"]: e["count"] for e in stats.entries if e["count"]} == {
        f"{TODAY.isoformat()} 09:00": 3
    }
    with pytest.raises(ArgumentError, match="Event not found"):
        await pw(GetEventStatistics(event="missing", date_from=TODAY, date_to=TODAY))


async def test_tag_and_subscriber_stats_count_the_devices(pw: PushwooshClient) -> None:
    """getTagStats counts devices per tag value; getApplicationSubscribersStats per platform."""
    stats = await pw.wait(GetTagStats(extra={"application": APPLICATION, "tag": "Plan"}), **QUICK)
    assert {(r.action, r.count) for r in stats.rows} == {("free", 1), ("pro", 4)}
    subscribers = await pw(GetApplicationSubscribersStats())
    assert subscribers.extra == {"android": 2, "ios": 3}


async def test_get_results_of_an_unknown_request_is_refused(pw: PushwooshClient) -> None:
    with pytest.raises(ArgumentError, match="Request not found"):
        await pw(GetResults(request_id="nope"))


async def test_a_scheduled_reply_carries_a_request_id(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    code = await send(pw, account, ["h0"])
    started = await pw(GetMsgStats(message=code))
    assert isinstance(started, ScheduledRequest)
    assert started.request_id


async def test_messages_list_pages_every_message_with_its_metrics(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """paginate(MessagesList) yields every message sent, with per-platform metrics."""
    codes = [await send(pw, account, ["h0", "h3"]) for _ in range(3)]
    opened(account, codes[1], "h3")
    listing = MessagesList(
        filters={"application": APPLICATION, "date_range": {"date_from": TODAY, "date_to": TODAY}},
        params={"with_metrics": True, "with_details": True},
        per_page=2,
    )
    items = [item async for item in pw.paginate(listing)]
    assert [i.code for i in items] == codes
    assert items[0].platforms == ("IOS", "ANDROID")
    metrics = {m["platform"]: (m["sends"], m["opens"]) for m in items[1].push_info["metrics"]}
    assert metrics == {1: (1, 0), 3: (1, 1)}
    assert items[0].push_info["details"]["content"] == {"default": "Hi"}
    assert [c.body["request"].get("page") for c in account.calls_to("messages:list")] == [None, 2]


async def test_messages_list_filters_by_platform_and_code(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    ios_only = await send(pw, account, ["h0"])
    await send(pw, account, ["h3"])
    page = await pw(MessagesList(filters={"application": APPLICATION, "platforms": ["IOS"]}))
    assert (page.total, [i.code for i in page.items]) == (1, [ios_only])
    by_code = await pw(
        MessagesList(filters={"application": APPLICATION, "messages_codes": [ios_only]})
    )
    assert [i.code for i in by_code.items] == [ios_only]


async def test_totals_by_intervals_counts_by_hour_and_platform(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    code = await send(pw, account, ["h0", "h1", "h3"])
    delivered(account, code, "h0")
    totals = await pw(TotalsByIntervals(message_code=code))
    by_platform = {m.platform: (m.sends, m.deliveries) for m in totals.metrics}
    assert by_platform == {1: (2, 1), 3: (1, 0)}
    assert totals.conversion is not None
    assert (totals.conversion.sends, totals.conversion.opens) == (3, 0)
    android = await pw(TotalsByIntervals(message_code=code, platforms=[3]))
    assert [m.platform for m in android.metrics] == [3]
    with pytest.raises(APIError):
        await pw(TotalsByIntervals(message_code="missing"))


async def test_message_log_pages_the_events_with_its_token(
    pw: PushwooshClient, account: FakePushwoosh
) -> None:
    """paginate(GetMessageLog) follows pagination_token through every event of the message."""
    code = await send(pw, account, ["h0", "h1", "h3"])
    opened(account, code, "h1")
    rows = [row async for row in pw.paginate(GetMessageLog(message_code=code, limit=2))]
    assert [(r["hwid"], r["action"]) for r in rows] == [
        ("h0", "sent"),
        ("h1", "sent"),
        ("h3", "sent"),
        ("h1", "opened"),
    ]
    assert len(account.calls_to("getMessageLog")) == 2
    only_opens = await pw(GetMessageLog(hwid=["h1"], actions=["opened"]))
    assert [r["action"] for r in only_opens.extra["rows"]] == ["opened"]


async def test_message_log_refuses_a_period_over_thirty_days(pw: PushwooshClient) -> None:
    """The documented {"error": ...} answer, raised as ArgumentError."""
    with pytest.raises(ArgumentError, match="30 days"):
        await pw(GetMessageLog(date_from=NOW - dt.timedelta(days=40), date_to=NOW))
