"""Scheduled requests: reports filed under a ``request_id`` that ``getResults`` reads.

Any section's scheduled method (statistics, ``getBouncedEmails``, ``getUsersDetails``, the
legacy ``bulkSetTags`` and ``exportSegment``) files its report with :func:`schedule`. The report
is pending for one read (Pushwoosh's "not ready" answer was never captured: the fake refuses
with 210 while it is, an inference), then ``getResults`` answers it in the shape it was filed.
"""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Job

__all__ = ["read_report", "schedule"]

_REPORT: Final = "report"
"""Where a scheduled job keeps its report (an object, or a list for getEventStatistics)."""


def schedule(call: Request, kind: str, report: Any) -> dict[str, Any]:
    """File ``report`` as a job of ``kind`` that ``getResults`` reads; answer its ``request_id``."""
    request_id = call.codes()
    call.account.jobs[request_id] = Job(request_id, kind, polls_left=1, result={_REPORT: report})
    return {"request_id": request_id}


def read_report(call: Request, request_id: str) -> Any:
    """The report filed under ``request_id``: refused once while being prepared, then answered."""
    job = call.account.jobs.get(request_id)
    if job is None or _REPORT not in job.result:  # not a job getResults reads
        raise Refusal(210, "Request not found")
    if job.poll() != "Completed":
        raise Refusal(210, "Request is not processed yet")
    return job.result[_REPORT]
