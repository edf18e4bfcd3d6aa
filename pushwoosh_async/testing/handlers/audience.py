"""Audience (v2): tags for many devices, and many devices registered, each as a job.

Both apply their changes when received and report a job that reads ``Pending`` once, then
``Completed`` with per-device outcomes. The job's full outcome (every entry, ``done``,
``not_found`` or ``failed`` with its ``errors``) is in ``fake.state.jobs[request_id].result``.
The status GET answers the counts and, once completed, the per-entry ``devices`` list (the fake
does not see the query string, so it lists them whether or not ``detailed=true`` was asked).
The docs give ``bulkRegisterDevice`` no status call: the fake answers its ``request_id`` on the
``bulkSetTags`` status GET too (an assumption, stated here).

``bulkSetTags`` tags every device an entry names: the device of a ``hwid`` or ``push_token``,
every device of a ``user_id``; an entry naming none ends ``not_found``. ``create_missing_tags``:
``true`` defines the tags an entry names that the account lacks; an explicit ``false`` makes an
entry that names an undefined tag ``failed`` (its devices unchanged); left out, undefined tags
are stored as given, as ``setTags`` does. A value that does not fit a defined tag's type fails
its entry too.
"""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Account, Device, Job
from pushwoosh_async.testing.handlers.table import Handler
from pushwoosh_async.testing.handlers.tags import FITS

__all__ = ["HANDLERS"]

AUDIENCE_JOBS: Final = ("bulkSetTags", "bulkRegisterDevice")
_TAG_TYPES: Final = {bool: 5, int: 1, float: 6, list: 3}
"""A new tag's type from its first value (``create_missing_tags``); anything else: string (2)."""


def _fits(kind: int, value: Any) -> bool:
    check = FITS.get(kind)
    return check is None or check(value)  # a type the fake does not know: not checked


def _invalid() -> Refusal:
    return Refusal(400, "invalid request", http_status=400)


def _entries(call: Request) -> list[dict[str, Any]]:
    entries = call.body.get("devices")
    if not isinstance(entries, list) or not entries:
        raise _invalid()
    if not all(isinstance(e, dict) and isinstance(e.get("tags", {}), dict) for e in entries):
        raise _invalid()
    return entries


def _start(call: Request, kind: str, outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    request_id = call.codes()
    job = Job(request_id, kind, polls_left=1, result={"devices": outcomes})
    call.account.jobs[request_id] = job
    return {"request_id": request_id, "status": "Pending"}


# --- bulkSetTags -----------------------------------------------------------------------------


def bulk_set_tags(call: Request) -> dict[str, Any]:
    """Apply tags to every device each entry names (hwid, user_id or push_token)."""
    application = call.application()
    entries = _entries(call)
    if any("tags" not in e for e in entries):
        raise _invalid()
    create = call.body.get("create_missing_tags")
    outcomes = []
    for entry in entries:
        problems = _problems(call.account, entry["tags"], create)
        targets = [] if problems else _targets(call.account, application, entry)
        for device in targets:
            _apply(device, entry["tags"], entry.get("list_operator", "set"))
        if create is True:
            _define(call.account, entry["tags"])
        outcome = {**_identity(entry), "status": "done" if targets else "not_found"}
        if problems:
            outcome |= {"status": "failed", "errors": problems}
        outcomes.append(outcome)
    return _start(call, "bulkSetTags", outcomes)


def _problems(account: Account, tags: dict[str, Any], create: Any) -> list[str]:
    """Why an entry cannot be applied: an undefined tag (``create`` false), a misfit value."""
    problems = []
    for name, value in tags.items():
        kind = account.tags.get(name)
        if kind is None:
            if create is False:
                problems.append(f"tag {name!r} does not exist")
        elif not isinstance(value, dict) and value is not None and not _fits(kind, value):
            problems.append(f"value of tag {name!r} does not fit its type")
    return problems


def _targets(account: Account, application: str, entry: dict[str, Any]) -> list[Device]:
    """The devices an entry names: its hwid's, or every one of its user id or push token."""
    if "hwid" in entry:
        device = account.device(application, entry["hwid"])
        return [device] if device else []
    key = "user_id" if "user_id" in entry else "push_token"
    return account.devices_by(application, key, entry.get(key) or "")


def _identity(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("hwid", "user_id", "push_token") if k in entry}


def _apply(device: Device, tags: dict[str, Any], operator: str | None) -> None:
    for name, value in tags.items():
        current = device.tags.get(name)
        if operator == "append" and isinstance(value, list):
            device.tags[name] = [*(current or []), *value]
        elif operator == "remove" and isinstance(value, list):
            device.tags[name] = [v for v in (current or []) if v not in value]
        else:
            device.tags[name] = value


def _define(account: Account, tags: dict[str, Any]) -> None:
    for name, value in tags.items():
        account.tags.setdefault(name, _TAG_TYPES.get(type(value), 2))


def bulk_set_tags_status(call: Request) -> dict[str, Any]:
    """A bulk job's status: Pending once, then Completed with its counts and outcomes."""
    job = call.account.jobs.get(call.path_args.get("request_id", ""))
    if job is None or job.kind not in AUDIENCE_JOBS:
        raise Refusal(404, "request not found", http_status=404)
    status = job.poll()
    if status != "Completed":
        return {"request_id": job.request_id, "status": status, "progress": 0}
    outcomes = job.result["devices"]
    return {
        "request_id": job.request_id,
        "status": status,
        "progress": 100,
        "devices_success": sum(o["status"] == "done" for o in outcomes),
        "devices_not_found": sum(o["status"] == "not_found" for o in outcomes),
        "devices_failed": sum(o["status"] == "failed" for o in outcomes),
        "devices": outcomes,
    }


# --- bulkRegisterDevice ----------------------------------------------------------------------


def bulk_register_device(call: Request) -> dict[str, Any]:
    """Register (or update) every device listed, with its push token, platform and tags."""
    application = call.application()
    entries = _entries(call)
    for entry in entries:
        if not all(isinstance(entry.get(k), str) and entry[k] for k in ("hwid", "push_token")):
            raise _invalid()
        if not isinstance(entry.get("platform"), int):
            raise _invalid()
    outcomes = []
    for entry in entries:
        key = (application, entry["hwid"])
        device = call.account.devices.get(key) or Device(application, entry["hwid"], 0)
        device.device_type = entry["platform"]
        device.push_token = entry["push_token"]
        _apply(device, entry.get("tags") or {}, entry.get("list_operator"))
        call.account.devices[key] = device
        outcomes.append({"hwid": entry["hwid"], "status": "done"})
    return _start(call, "bulkRegisterDevice", outcomes)


HANDLERS: dict[str, Handler] = {
    "bulkSetTags": bulk_set_tags,
    "bulkSetTags status": bulk_set_tags_status,
    "bulkRegisterDevice": bulk_register_device,
}
