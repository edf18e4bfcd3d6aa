"""Segmentation commands: filters (v1.3) and segment exports (audience v2)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command, Result
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
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import API, APP, TOKEN, ok, send

EXPRESSION = 'A("ABCDE-12345", ["iOS"]) * T("Plan", EQ, "pro")'
ZIP = "https://example-export-host/exports/export_segment_ABCDE-12345_1717243200.zip"


V13_CASES = [
    pytest.param(
        CreateFilter(
            name="Madrid users",
            filter_expression='T("City", eq, "Madrid")',
            expiration_date=dt.date(2026, 1, 1),
        ),
        "createFilter",
        {
            "name": "Madrid users",
            "filter_expression": 'T("City", eq, "Madrid")',
            "expiration_date": "2026-01-01",
            "application": APP,
        },
        {"name": "Madrid users"},
        FilterCreated(name="Madrid users"),
        id="createFilter",
    ),
    pytest.param(
        CreateFilter(name="Legacy", conditions=[["Plan", "EQ", "pro"]], operator="AND"),
        "createFilter",
        {
            "name": "Legacy",
            "conditions": [["Plan", "EQ", "pro"]],
            "operator": "AND",
            "application": APP,
        },
        {"name": "Legacy"},
        FilterCreated(name="Legacy"),
        id="createFilter-legacy-conditions",
    ),
    pytest.param(
        ListFilters(),
        "listFilters",
        {"application": APP},
        {
            "filters": [
                {
                    "code": "52551-F2F42",
                    "name": "Madrid users",
                    "filter_expression": 'T("City", eq, "madrid")',
                    "expiration_date": "2026-01-01",
                    "application": APP,
                }
            ]
        },
        FilterList(
            filters=(
                FilterInfo(
                    code="52551-F2F42",
                    name="Madrid users",
                    filter_expression='T("City", eq, "madrid")',
                    expiration_date="2026-01-01",
                    application=APP,
                ),
            )
        ),
        id="listFilters",
    ),
    pytest.param(
        DeleteFilter(name="Madrid users"),
        "deleteFilter",
        {"name": "Madrid users"},
        None,
        Ack(),
        id="deleteFilter",
    ),
    pytest.param(
        ExportSegmentLegacy(devices_filter='T("Language", EQ, "ru")'),
        "exportSegment",
        {"devices_filter": 'T("Language", EQ, "ru")'},
        {"request_id": "REQ-7"},
        ExportSegmentLegacyJob(request_id="REQ-7"),
        id="exportSegment-legacy",
    ),
    pytest.param(
        CompileFilter(devices_filter='T("Plan", EQ, "pro")', extra={"application": APP}),
        "compileFilter",
        {"devices_filter": 'T("Plan", EQ, "pro")', "application": APP},
        {"compiled": "..."},
        CompiledFilter(extra={"compiled": "..."}),
        id="compileFilter",
    ),
]


@pytest.mark.parametrize(("command", "method", "body", "data", "expected"), V13_CASES)
async def test_v13_wire_and_result(
    pw: PushwooshClient,
    router: respx.Router,
    *,
    command: Command[Any],
    method: str,
    body: dict[str, Any],
    data: Any,
    expected: Result,
) -> None:
    """POST /json/1.3/<method> with {"request": {auth, ...}}, no header token; typed result."""
    request, result = await send(pw, router, command, ok(data))
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"request": {"auth": TOKEN, **body}}
    assert result == expected


async def test_export_segment(pw: PushwooshClient, router: respx.Router) -> None:
    """Unwrapped audience body with auth; the task id comes back as a string."""
    command = ExportSegment(filter_expression=EXPRESSION, format=ExportFormat.CSV)
    request, result = await send(pw, router, command, {"task_id": 918273})
    assert request.method == "POST"
    assert str(request.url) == f"{API}/api/v2/audience/exportSegment"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {
        "auth": TOKEN,
        "filterExpression": EXPRESSION,
        "format": "CSV",
    }
    assert result == ExportTask(task_id="918273")


async def test_export_segment_count_only(pw: PushwooshClient, router: respx.Router) -> None:
    command = ExportSegment(filter_expression=EXPRESSION, export_csv=False, export_data=["hwid"])
    request, _ = await send(pw, router, command, {"task_id": "1"})
    assert json.loads(request.content) == {
        "auth": TOKEN,
        "filterExpression": EXPRESSION,
        "exportCsv": False,
        "exportData": ["hwid"],
    }


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {"status": "in-progress", "progress": 40},
            ExportStatus(status="in-progress", progress=40),
        ),
        (
            {"status": "completed", "progress": 100, "devices_count": 48210, "csv_filename": ZIP},
            ExportStatus(status="completed", progress=100, devices_count=48210, csv_filename=ZIP),
        ),
    ],
)
async def test_export_segment_result(
    pw: PushwooshClient, router: respx.Router, reply: dict[str, Any], expected: ExportStatus
) -> None:
    request, result = await send(pw, router, ExportSegmentResult(task_id="918273"), reply)
    assert request.method == "POST"
    assert str(request.url) == f"{API}/api/v2/audience/exportSegment/result"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"auth": TOKEN, "task_id": "918273"}
    assert result == expected


def test_export_status_reads_either_link_name() -> None:
    assert ExportStatus(status="completed", filename=ZIP).url == ZIP
    assert ExportStatus(status="completed", csv_filename=ZIP).url == ZIP
    assert ExportStatus(status="failed").finished
    assert not ExportStatus(status="in-progress").finished
    assert ExportSegmentResult(task_id=918273).task_id == "918273"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "x"}, "exactly one"),
        ({"name": "x", "filter_expression": "e", "conditions": [["a", "EQ", 1]]}, "exactly one"),
        ({"name": "", "filter_expression": "e"}, "empty"),
    ],
)
def test_create_filter_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CreateFilter(**kwargs)


def test_names() -> None:
    assert ExportSegmentResult.name == "exportSegment/result"
    assert ExportSegmentLegacy.name == "exportSegment (legacy v1.3)"
    with pytest.raises(ValidationError, match="XML"):
        ExportSegment(filter_expression="e", format="XML")
