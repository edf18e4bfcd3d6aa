"""Audience (v2): tags for many devices at once, as a job."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Account, Device, Job
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def bulk_set_tags(call: Request) -> dict[str, Any]:
    """Apply tags to many devices now, and report a job that reads pending once, then done."""
    application = call.application()
    entries = call.body.get("devices")
    if not isinstance(entries, list) or not entries:
        raise Refusal(400, "invalid request", http_status=400)
    for entry in entries:
        for device in _bulk_targets(call.account, application, entry):
            _apply(device, entry.get("tags") or {}, entry.get("list_operator", "set"))
    request_id = call.codes()
    call.account.jobs[request_id] = Job(request_id, "bulkSetTags", polls_left=1)
    return {"request_id": request_id, "status": "Pending"}


def bulk_set_tags_status(call: Request) -> dict[str, Any]:
    """The status of a ``bulkSetTags`` job."""
    job = call.account.jobs.get(call.path_args.get("request_id", ""))
    if job is None:
        raise Refusal(404, "request not found", http_status=404)
    return {"request_id": job.request_id, "status": job.poll()}


def _bulk_targets(account: Account, application: str, entry: Any) -> list[Device]:
    if not isinstance(entry, dict) or not isinstance(entry.get("tags"), dict):
        raise Refusal(400, "invalid request", http_status=400)
    if "hwid" in entry:
        device = account.device(application, entry["hwid"])
        return [device] if device else []
    if "user_id" in entry:
        return account.user_devices(application, entry["user_id"])
    return [
        d
        for d in account.devices.values()
        if d.application == application and d.push_token == entry.get("push_token")
    ]


def _apply(device: Device, tags: dict[str, Any], operator: str) -> None:
    for name, value in tags.items():
        current = device.tags.get(name)
        if operator == "append" and isinstance(value, list):
            device.tags[name] = [*(current or []), *value]
        elif operator == "remove" and isinstance(value, list):
            device.tags[name] = [v for v in (current or []) if v not in value]
        else:
            device.tags[name] = value


HANDLERS: dict[str, Handler] = {
    "bulkSetTags": bulk_set_tags,
    "bulkSetTags status": bulk_set_tags_status,
}
