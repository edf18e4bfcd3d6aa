"""What a type checker says about user code: ``tests/test_typing.py`` runs mypy --strict on it.

Every ``assert_type`` must hold and every ``type: ignore[code]`` must be needed (strict mypy
reports an unused one), so a signature that loosens to ``Any`` fails the test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

from typing_extensions import assert_type

from pushwoosh_async import PushwooshClient
from pushwoosh_async.bulk import BulkReport
from pushwoosh_async.commands import (
    BulkSetTags,
    BulkSetTagsJobStatus,
    Campaign,
    ExportSegment,
    ExportStatus,
    GetAppStats,
    GetCampaigns,
    GetMessageLog,
    GetTags,
    MessagesList,
    MessageSummary,
    ScheduledResults,
    Tags,
)
from pushwoosh_async.sync import PushwooshClient as SyncClient

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
STATS = GetAppStats(datefrom=NOW - dt.timedelta(days=7), dateto=NOW)
LISTING = MessagesList(filters={"application": "ABCDE-12345"})
EXPORT = ExportSegment(filter_expression='A("ABCDE-12345")')


async def async_client(pw: PushwooshClient) -> None:
    assert_type(await pw(GetTags(hwid="h")), Tags)
    assert_type(await pw.wait(STATS), ScheduledResults)
    assert_type(
        await pw.wait(BulkSetTags(devices=[{"hwid": "h", "tags": {}}])), BulkSetTagsJobStatus
    )
    assert_type(await pw.wait(EXPORT), ExportStatus)
    assert_type(pw.paginate(LISTING), AsyncIterator[MessageSummary])
    async for message in pw.paginate(LISTING):
        assert_type(message, MessageSummary)
    async for campaign in pw.paginate(GetCampaigns()):
        assert_type(campaign, Campaign)
    async for row in pw.paginate(GetMessageLog(hwid="h")):
        assert_type(row, Any)
    report = await pw.bulk_send({"content": "Hi"}, ["h"], concurrency=4, checkpoint="run.json")
    assert_type(report, BulkReport)


async def async_misuse(pw: PushwooshClient) -> None:
    await pw.bulk_send({"content": "Hi"}, ["h"], chekpoint="run.json")  # type: ignore[call-arg]
    await pw.bulk_send({"content": "Hi"}, ["h"], concurrency="eight")  # type: ignore[arg-type]
    await pw.wait(GetTags(hwid="h"))  # type: ignore[arg-type]
    pw.paginate(GetTags(hwid="h"))  # type: ignore[arg-type]


def sync_client(pw: SyncClient) -> None:
    assert_type(pw(GetTags(hwid="h")), Tags)
    assert_type(pw.wait(STATS), ScheduledResults)
    assert_type(pw.wait(EXPORT), ExportStatus)
    assert_type(pw.paginate(LISTING), Iterator[MessageSummary])
    for message in pw.paginate(LISTING):
        assert_type(message, MessageSummary)
    assert_type(pw.bulk_send({"content": "Hi"}, ["h"], by="users"), BulkReport)
    with SyncClient("token", application="ABCDE-12345", timeout=5.0) as opened:
        assert_type(opened, SyncClient)


def sync_misuse(pw: SyncClient) -> None:
    pw.bulk_send({"content": "Hi"}, ["h"], chekpoint="run.json")  # type: ignore[call-arg]
    pw.bulk_send({"content": "Hi"}, ["h"], concurrency="eight")  # type: ignore[arg-type]
    pw.bulk_send({"content": "Hi"}, ["h"], by="user")  # type: ignore[arg-type]
    pw.wait(GetTags(hwid="h"))  # type: ignore[arg-type]
    SyncClient("token", timeout="5")  # type: ignore[arg-type]
    SyncClient("token", aplication="ABCDE-12345")  # type: ignore[call-arg]
