"""pw.wait() follows server-side jobs to their end; pw.paginate() walks listings page by page."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands import (
    BulkSetTags,
    BulkSetTagsJobStatus,
    CreateMessage,
    ExportSegment,
    ExportStatus,
    GetMsgStats,
    GetTags,
    MessagesList,
    Notification,
    ScheduledResults,
)
from pushwoosh_async.jobs import JobFailed, JobTimeout
from pushwoosh_async.testing import FakePushwoosh
from tests.virtual_clock import run_virtual, virtual_now

APP = "ABCDE-12345"


def client(transport: httpx.AsyncBaseTransport) -> PushwooshClient:
    return PushwooshClient(
        "T", device_token="D", application=APP, transport=transport, retry=RetryPolicy.off()
    )


def fake() -> FakePushwoosh:
    fake = FakePushwoosh(api_token="T", device_token="D", applications=[APP])
    for i in range(12):
        fake.add_device(f"h{i}")
    return fake


def test_wait_follows_bulk_set_tags_to_completion() -> None:
    """bulkSetTags -> 'bulkSetTags status' polled until Completed, with growing waits."""
    account = fake()

    async def main() -> tuple[Any, float]:
        async with client(account.transport) as pw:
            started = virtual_now()
            status = await pw.wait(BulkSetTags(devices=[{"hwid": "h1", "tags": {"a": 1}}]))
            return status, virtual_now() - started

    status, elapsed = run_virtual(main())
    assert isinstance(status, BulkSetTagsJobStatus)
    assert status.status == "Completed"
    assert [c.method for c in account.calls] == [
        "bulkSetTags",
        "bulkSetTags status",
        "bulkSetTags status",
    ]
    assert elapsed == pytest.approx(1.0)  # one wait of `interval` between the two polls


def test_wait_reads_scheduled_statistics_once_ready() -> None:
    """getMsgStats -> getResults, whose 'not ready' refusal counts as pending."""
    account = fake()

    async def main() -> Any:
        async with client(account.transport) as pw:
            sent = [f"h{i}" for i in range(12)]
            await pw(CreateMessage(notifications=[Notification(content="Hi", devices=sent)]))
            (code,) = account.state.messages
            return await pw.wait(GetMsgStats(message=code), interval=0.5)

    result = run_virtual(main())
    assert isinstance(result, ScheduledResults)
    assert result.formatter == "hourly"
    assert [(row.action, row.count) for row in result.rows] == [("send", 12)]
    assert result.conversion == {"send": 12, "delivery": 0, "open": 0, "events": []}


def test_wait_follows_a_segment_export() -> None:
    """exportSegment -> exportSegment/result until completed, with the file's address."""
    account = fake()

    async def main() -> Any:
        async with client(account.transport) as pw:
            return await pw.wait(ExportSegment(filter_expression=f'A("{APP}")'))

    result = run_virtual(main())
    assert isinstance(result, ExportStatus)
    assert result.status == "completed"
    assert result.devices_count == 12


def test_wait_times_out_and_fails_typed() -> None:
    """A job that stays pending raises JobTimeout; a failed one raises JobFailed."""
    statuses = iter(["Pending"] * 50)

    def pending(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"status": next(statuses)})
        return httpx.Response(200, json={"request_id": "r1", "status": "Pending"})

    def failed(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"status": "Failed"})
        return httpx.Response(200, json={"request_id": "r1", "status": "Pending"})

    command = BulkSetTags(devices=[{"hwid": "h1", "tags": {"a": 1}}])

    async def main(handler: Any, **options: Any) -> Any:
        async with client(httpx.MockTransport(handler)) as pw:
            return await pw.wait(command, **options)

    with pytest.raises(JobTimeout) as timed_out:
        run_virtual(main(pending, timeout=10, interval=1, max_interval=2))
    assert timed_out.value.method == "bulkSetTags status"
    with pytest.raises(JobFailed):
        run_virtual(main(failed))


def test_wait_refuses_commands_that_start_no_job() -> None:
    """wait() on a plain command is a ValueError before anything is sent."""

    async def main() -> None:
        async with client(fake().transport) as pw:
            await pw.wait(GetTags(hwid="h1"))

    with pytest.raises(ValueError, match="does not start"):
        run_virtual(main())


async def test_paginate_walks_messages_list_pages() -> None:
    """messages:list pages are fetched one after another until the total is reached."""
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["request"]["page"]
        pages.append(page)
        items = [{"id": (page - 1) * 2 + i, "code": f"C{(page - 1) * 2 + i}"} for i in range(2)]
        return httpx.Response(200, json={"total": 5, "items": items[: 5 - (page - 1) * 2]})

    command = MessagesList(filters={"application": APP}, per_page=2, page=1)
    async with client(httpx.MockTransport(handler)) as pw:
        codes = [item.code async for item in pw.paginate(command)]
    assert codes == ["C0", "C1", "C2", "C3", "C4"]
    assert pages == [1, 2, 3]


async def test_paginate_stops_when_the_caller_breaks() -> None:
    """Breaking out of the loop sends no further page request."""
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"total": 100, "items": [{"id": 1, "code": "C"}]})

    async with client(httpx.MockTransport(handler)) as pw:
        async for _ in pw.paginate(MessagesList(filters={"application": APP})):
            break
    assert calls == [1]


def test_cancelling_wait_stops_polling() -> None:
    """Cancelling the task that awaits wait() sends no further poll."""
    polls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            polls.append(virtual_now())
            return httpx.Response(200, json={"status": "Pending"})
        return httpx.Response(200, json={"request_id": "r1", "status": "Pending"})

    async def main() -> None:
        async with client(httpx.MockTransport(handler)) as pw:
            command = BulkSetTags(devices=[{"hwid": "h1", "tags": {"a": 1}}])
            task = asyncio.ensure_future(pw.wait(command, interval=1, max_interval=1))
            await asyncio.sleep(3.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            count = len(polls)
            await asyncio.sleep(10)
            assert len(polls) == count

    run_virtual(main())
    assert len(polls) == 4  # at 0, 1, 2 and 3 s
