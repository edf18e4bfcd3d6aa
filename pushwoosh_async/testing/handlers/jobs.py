"""The fake's server-side jobs: segment exports, pending then done (statistics: statistics.py)."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Job

__all__ = ["export_segment", "export_segment_result"]


def export_segment(call: Request) -> dict[str, Any]:
    """Start exporting the devices of a segment; poll ``exportSegment/result`` by ``task_id``."""
    expression = call.text("filterExpression")
    task_id = call.codes()
    count = len(call.account.devices)
    call.account.jobs[task_id] = Job(
        task_id,
        "exportSegment",
        polls_left=1,
        result={
            "devices_count": count,
            "filename": f"https://fake-pushwoosh.invalid/exports/{task_id}.zip",
            "filterExpression": expression,
        },
    )
    return {"task_id": task_id}


def export_segment_result(call: Request) -> dict[str, Any]:
    """The export's progress: ``in-progress`` once, then ``completed`` with its file."""
    job = call.account.jobs.get(str(call.body.get("task_id", "")))
    if job is None or job.kind != "exportSegment":
        raise Refusal(404, "task not found", http_status=404)
    if job.poll() != "Completed":
        return {"status": "in-progress", "progress": 50}
    return {"status": "completed", "progress": 100, **job.result}
