"""The fake's scheduled statistics jobs, pending then done (segment exports: ``segmentation``)."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Job

__all__ = ["get_msg_stats", "get_results"]


def get_msg_stats(call: Request) -> dict[str, Any]:
    """Schedule a message-statistics request; read it with ``getResults``."""
    message = call.account.messages.get(call.text("message"))
    if message is None:
        raise Refusal(210, "Message not found")
    request_id = call.codes()
    sent = len(message.devices)
    call.account.jobs[request_id] = Job(
        request_id, "getMsgStats", polls_left=1, result={"sent": sent, "opened": 0}
    )
    return {"request_id": request_id}


def get_results(call: Request) -> Any:
    """The result of a scheduled request once done.

    While it is still being prepared the fake answers 210: Pushwoosh's "not ready" answer was
    never captured, so that shape is an inference.
    """
    job = call.account.jobs.get(call.text("request_id"))
    if job is None:
        raise Refusal(210, "Request not found")
    if job.poll() != "Completed":
        raise Refusal(210, "Request is not processed yet")
    return job.result
