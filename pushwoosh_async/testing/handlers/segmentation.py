"""Segmentation: filters, ``compileFilter``, and exporting a segment's devices as a job.

Expressions are read by :mod:`~pushwoosh_async.testing.handlers.seglang`: ``createFilter`` and
``compileFilter`` check their shape; the exports count the devices the expression selects
(``A``, ``T(..., EQ, ...)`` and ``AT``; other functions are refused as unsupported by the fake).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, Final

from pushwoosh_async.testing._exports import COLUMNS, Row
from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Job
from pushwoosh_async.testing.handlers import seglang
from pushwoosh_async.testing.handlers.scheduled import schedule
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

EXPORTS: Final = "https://fake-pushwoosh.invalid/exports"
"""Where the fake says an export's ZIP would be."""
LEGACY_EXPORT: Final = "exportSegment (legacy v1.3)"


def _parsed(expression: str, *, http: bool = False) -> seglang.Node:
    """The expression's tree; a malformed one is refused (210, or 400 on the v2 family)."""
    try:
        return seglang.parse(expression)
    except seglang.Invalid as exc:
        message = f"Invalid filter expression: {exc}"
        raise Refusal(400, message, 400) if http else Refusal(210, message) from None


def _count(call: Request, expression: str, *, http: bool = False) -> int:
    """How many of the account's devices the expression selects."""
    try:
        return len(seglang.select(_parsed(expression, http=http), call.account.devices.values()))
    except seglang.Unsupported as exc:
        message = f"Unsupported by FakePushwoosh: {exc}"
        raise Refusal(400, message, 400) if http else Refusal(210, message) from None


# --- filters -------------------------------------------------------------------------------


def create_filter(call: Request) -> dict[str, Any]:
    """Create a filter from a seglang expression (or the older ``conditions``)."""
    name = call.text("name")
    if "conditions" in call.body:
        if not isinstance(call.body["conditions"], list):
            raise Refusal(210, 'Invalid "conditions"')
    else:
        _parsed(call.text("filter_expression"))
    if name in call.account.filters:
        raise Refusal(210, "Filter already exists")
    kept = ("filter_expression", "conditions", "operator", "application", "expiration_date")
    definition = {key: call.body[key] for key in kept if key in call.body}
    call.account.filters[name] = {"code": call.codes(), "name": name, **definition}
    return {"name": name}


def list_filters(call: Request) -> dict[str, Any]:
    """The filters usable in the application: its own and the account-wide ones."""
    application = call.application()
    return {
        "filters": [
            _listed(f)
            for f in call.account.filters.values()
            if f.get("application") in (None, application)
        ]
    }


def _listed(definition: dict[str, Any]) -> dict[str, Any]:
    entry = {
        "code": definition["code"],
        "name": definition["name"],
        "expiration_date": definition.get("expiration_date"),
    }
    if "application" in definition:
        entry["application"] = definition["application"]
    if "filter_expression" in definition:
        entry["filter_expression"] = definition["filter_expression"]
    else:  # the older listing spells conditions out as text
        joiner = f" {definition.get('operator', 'AND')} "
        entry["conditions"] = joiner.join(_condition_text(c) for c in definition["conditions"])
    return entry


def _condition_text(condition: Any) -> str:
    tag, _, values = [*condition, None, None][:3]
    shown = values if isinstance(values, list) else [values]
    return f"#{tag}({', '.join(str(v) for v in shown)})"


def delete_filter(call: Request) -> None:
    """Delete a filter by name."""
    if call.account.filters.pop(call.text("name"), None) is None:
        raise Refusal(210, "Filter not found")


def compile_filter(call: Request) -> dict[str, Any]:
    """Check an expression's shape; count what it selects when the fake can evaluate it."""
    expression = call.text("devices_filter")
    _parsed(expression)
    try:
        count: int | None = _count(call, expression)
    except Refusal:
        count = None
    return {"devices_filter": expression, "devices_count": count}


# --- exports -------------------------------------------------------------------------------


def _selected(call: Request, node: seglang.Node) -> Iterator[Row]:
    """The devices the expression selects, a batch at a time (a big account is not copied)."""
    devices = iter(call.account.devices.values())
    while batch := list(itertools.islice(devices, 10_000)):
        for d in seglang.select(node, batch):
            yield (d.hwid, d.push_token, d.user_id, d.tags)


def _export_options(body: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    export_format = body.get("format") or "CSV"
    if export_format not in ("CSV", "JSON"):
        raise Refusal(400, 'Invalid "format": CSV or JSON', 400)
    fields = body.get("exportData") or list(COLUMNS)
    if not isinstance(fields, list) or not set(fields) <= set(COLUMNS):
        raise Refusal(400, f'Invalid "exportData": some of {list(COLUMNS)}', 400)
    return export_format, tuple(fields)


def export_segment(call: Request) -> dict[str, Any]:
    """Start exporting the devices an expression selects: the ZIP is built now, for real.

    ``format`` (CSV by default) and ``exportData`` (every field by default) shape it; poll
    ``exportSegment/result`` for its link. ``account.failing_exports`` makes jobs fail.
    """
    expression = call.body.get("filterExpression")
    if not isinstance(expression, str) or not expression:
        raise Refusal(400, 'Invalid or missing "filterExpression"', 400)
    export_format, fields = _export_options(call.body)
    node = _parsed(expression, http=True)
    _count(call, expression, http=True)  # an expression the fake cannot evaluate is refused
    job_id = call.codes()
    account = call.account
    if account.failing_exports > 0:
        account.failing_exports -= 1
        result: dict[str, Any] = {"failed": True}
    else:
        count = account.exports.build(job_id, _selected(call, node), export_format, fields)
        result = {"devices_count": count, "filename": account.exports.link(job_id)}
    account.jobs[job_id] = Job(job_id, "exportSegment", polls_left=1, result=result)
    return {"task_id": job_id}


def export_segment_result(call: Request) -> dict[str, Any]:
    """The export's progress: ``in-progress`` once, then ``completed`` with its file and count."""
    job = call.account.jobs.get(str(call.body.get("task_id", "")))
    if job is None or job.kind != "exportSegment":
        raise Refusal(404, "task not found", http_status=404)
    if job.poll() != "Completed":
        return {"status": "in-progress", "progress": 0}
    if job.result.get("failed"):
        return {"status": "failed", "progress": 0}
    return {"status": "completed", "progress": 100, **job.result}


def export_segment_legacy(call: Request) -> dict[str, Any]:
    """The v1.3 export: a scheduled request whose outcome ``getResults`` reads."""
    expression = call.text("devices_filter")
    count = _count(call, expression, http=False)
    report = {"devices_count": count, "filename": f"{EXPORTS}/{call.codes()}.zip"}
    return schedule(call, LEGACY_EXPORT, report)


HANDLERS: dict[str, Handler] = {
    "createFilter": create_filter,
    "listFilters": list_filters,
    "deleteFilter": delete_filter,
    "compileFilter": compile_filter,
    "exportSegment": export_segment,
    "exportSegment/result": export_segment_result,
    LEGACY_EXPORT: export_segment_legacy,
}
