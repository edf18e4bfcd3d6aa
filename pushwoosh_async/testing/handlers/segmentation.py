"""Segmentation: filters, and exporting a segment's devices as a job."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.jobs import export_segment, export_segment_result
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def create_filter(call: Request) -> dict[str, Any]:
    """Create a filter (segment) from a seglang expression."""
    name = call.text("name")
    call.text("filter_expression")
    if name in call.account.filters:
        raise Refusal(210, "Filter already exists")
    call.account.filters[name] = dict(call.body)
    return {"name": name}


def list_filters(call: Request) -> dict[str, Any]:
    """The filters, with their expressions."""
    return {
        "filters": [
            {"name": n, "filter_expression": f.get("filter_expression")}
            for n, f in call.account.filters.items()
        ]
    }


def delete_filter(call: Request) -> None:
    """Delete a filter by name."""
    if call.account.filters.pop(call.text("name"), None) is None:
        raise Refusal(210, "Filter not found")


HANDLERS: dict[str, Handler] = {
    "createFilter": create_filter,
    "listFilters": list_filters,
    "deleteFilter": delete_filter,
    "exportSegment": export_segment,
    "exportSegment/result": export_segment_result,
}
