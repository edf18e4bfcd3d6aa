"""Segmentation commands: filters (v1.3) and segment exports (audience v2)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.segmentation import (
    CompiledFilter,
    CompileFilter,
    CreateFilter,
    DeleteFilter,
    ExportFormat,
    ExportSegment,
    ExportSegmentLegacy,
    ExportSegmentLegacyJob,
    ExportSegmentResult,
    ExportStatus,
    ExportTask,
    FilterCreated,
    FilterInfo,
    FilterList,
    ListFilters,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, audience_v2, v13_server
from tests.support import APPLICATION, mock_client, ok

EXPRESSION = 'A("ABCDE-12345", ["iOS"]) * T("Plan", EQ, "pro")'
ZIP = "https://example-export-host/exports/export_segment_ABCDE-12345_1717243200.zip"


CASES = [
    WireCase(
        "createFilter",
        CreateFilter(
            name="Madrid users",
            filter_expression='T("City", eq, "Madrid")',
            expiration_date=dt.date(2026, 1, 1),
        ),
        **v13_server(
            "createFilter",
            {
                "name": "Madrid users",
                "filter_expression": 'T("City", eq, "Madrid")',
                "expiration_date": "2026-01-01",
                "application": APPLICATION,
            },
        ),
        reply=ok({"name": "Madrid users"}),
        result=FilterCreated(name="Madrid users"),
    ),
    WireCase(
        "createFilter-legacy-conditions",
        CreateFilter(name="Legacy", conditions=[["Plan", "EQ", "pro"]], operator="AND"),
        **v13_server(
            "createFilter",
            {
                "name": "Legacy",
                "conditions": [["Plan", "EQ", "pro"]],
                "operator": "AND",
                "application": APPLICATION,
            },
        ),
        reply=ok({"name": "Legacy"}),
        result=FilterCreated(name="Legacy"),
    ),
    WireCase(
        "listFilters",
        ListFilters(),
        **v13_server("listFilters", {"application": APPLICATION}),
        reply=ok(
            {
                "filters": [
                    {
                        "code": "52551-F2F42",
                        "name": "Madrid users",
                        "filter_expression": 'T("City", eq, "madrid")',
                        "expiration_date": "2026-01-01",
                        "application": APPLICATION,
                    }
                ]
            }
        ),
        result=FilterList(
            filters=(
                FilterInfo(
                    code="52551-F2F42",
                    name="Madrid users",
                    filter_expression='T("City", eq, "madrid")',
                    expiration_date="2026-01-01",
                    application=APPLICATION,
                ),
            )
        ),
    ),
    WireCase(
        "deleteFilter",
        DeleteFilter(name="Madrid users"),
        **v13_server("deleteFilter", {"name": "Madrid users"}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "exportSegment-legacy",
        ExportSegmentLegacy(devices_filter='T("Language", EQ, "ru")'),
        **v13_server("exportSegment", {"devices_filter": 'T("Language", EQ, "ru")'}),
        reply=ok({"request_id": "REQ-7"}),
        result=ExportSegmentLegacyJob(request_id="REQ-7"),
    ),
    WireCase(
        "compileFilter",
        CompileFilter(devices_filter='T("Plan", EQ, "pro")', extra={"application": APPLICATION}),
        **v13_server(
            "compileFilter", {"devices_filter": 'T("Plan", EQ, "pro")', "application": APPLICATION}
        ),
        reply=ok({"compiled": "..."}),
        result=CompiledFilter(extra={"compiled": "..."}),
    ),
    # Unwrapped audience body with auth; the task id comes back as a string.
    WireCase(
        "exportSegment-csv",
        ExportSegment(filter_expression=EXPRESSION, format=ExportFormat.CSV),
        **audience_v2("exportSegment", {"filterExpression": EXPRESSION, "format": "CSV"}),
        reply={"task_id": 918273},
        result=ExportTask(task_id="918273"),
    ),
    WireCase(
        "exportSegment-count-only",
        ExportSegment(filter_expression=EXPRESSION, export_csv=False, export_data=["hwid"]),
        **audience_v2(
            "exportSegment",
            {"filterExpression": EXPRESSION, "exportCsv": False, "exportData": ["hwid"]},
        ),
        reply={"task_id": "1"},
        result=ExportTask(task_id="1"),
    ),
    WireCase(
        "exportSegment-result-in-progress",
        ExportSegmentResult(task_id="918273"),
        **audience_v2("exportSegment/result", {"task_id": "918273"}),
        reply={"status": "in-progress", "progress": 40},
        result=ExportStatus(status="in-progress", progress=40),
    ),
    WireCase(
        "exportSegment-result-completed",
        ExportSegmentResult(task_id="918273"),
        **audience_v2("exportSegment/result", {"task_id": "918273"}),
        reply={"status": "completed", "progress": 100, "devices_count": 48210, "csv_filename": ZIP},
        result=ExportStatus(
            status="completed", progress=100, devices_count=48210, csv_filename=ZIP
        ),
    ),
]


def test_export_status_reads_either_link_name() -> None:
    """The export link is read from filename or csv_filename; finished means not in progress."""
    assert ExportStatus(status="completed", filename=ZIP).url == ZIP
    assert ExportStatus(status="completed", csv_filename=ZIP).url == ZIP
    assert ExportStatus(status="failed").finished
    assert not ExportStatus(status="in-progress").finished
    assert ExportSegmentResult(task_id=918273).task_id == "918273"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"name": "x"}, "exactly one", id="no-expression"),
        pytest.param(
            {"name": "x", "filter_expression": "e", "conditions": [["a", "EQ", 1]]},
            "exactly one",
            id="expression-and-conditions",
        ),
        pytest.param({"name": "", "filter_expression": "e"}, "empty", id="no-name"),
    ],
)
def test_create_filter_validation(kwargs: dict[str, Any], message: str) -> None:
    """createFilter needs a name and exactly one of filter_expression or conditions."""
    with pytest.raises(ValidationError, match=message):
        CreateFilter(**kwargs)


def test_names_and_export_formats() -> None:
    """The export commands carry their catalogue names; an unknown export format is refused."""
    assert ExportSegmentResult.method == "exportSegment/result"
    assert ExportSegmentLegacy.method == "exportSegment (legacy v1.3)"
    with pytest.raises(ValidationError, match="XML"):
        ExportSegment(filter_expression="e", format="XML")


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(CreateFilter(name="x", filter_expression="e"), ok({}), id="createFilter"),
        pytest.param(ListFilters(), ok({}), id="listFilters"),
        pytest.param(ExportSegment(filter_expression="e"), {}, id="exportSegment"),
        pytest.param(ExportSegment(filter_expression="e"), {"task_id": ""}, id="empty-task"),
        pytest.param(ExportSegmentLegacy(devices_filter="e"), ok({}), id="legacy-export"),
        pytest.param(
            ExportSegmentLegacy(devices_filter="e"), ok({"request_id": ""}), id="empty-request"
        ),
    ],
)
async def test_replies_without_their_documented_keys_are_decode_errors(
    command: Any, reply: Any
) -> None:
    """A reply missing (or emptying) a key the docs always show is a DecodeError, not a default."""
    async with mock_client(lambda _: httpx.Response(200, json=reply)) as pw:
        with pytest.raises(DecodeError):
            await pw(command)


async def test_create_filter_leaves_an_unset_application_out() -> None:
    """createFilter's application is optional: without a default none is sent (and no refusal);
    a command whose application is required still refuses to go without one."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ok({"name": "x"}))

    async with mock_client(answer, application=None) as pw:
        await pw(CreateFilter(name="x", filter_expression='A("X")'))
        with pytest.raises(ValidationError, match="needs an application"):
            await pw(ListFilters())
    assert "application" not in json.loads(seen[0].content)["request"]
