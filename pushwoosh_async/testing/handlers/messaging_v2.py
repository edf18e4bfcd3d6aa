"""Messaging API v2: ``notify`` records a message (channel ``v2``); ``cancel`` cancels one.

A segment reaches every device of its application (the fake does not evaluate segment codes or
expressions); a transactional message reaches the listed ``hwids``, ``users`` or
``push_tokens``. A ``schedule.at`` ahead or a ``schedule.after`` makes the message scheduled,
which ``cancel`` (and v1.3 ``cancelMessage``) can stop. Refusals are gRPC-Gateway errors: 400
for a bad request or a message past cancelling, 404 for an unknown code.
"""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Account, Device
from pushwoosh_async.testing.handlers.messages import cancel_scheduled
from pushwoosh_async.testing.handlers.outbox import EMAIL_DEVICE_TYPE, Audience, is_future, record
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def _bad(message: str) -> Refusal:
    return Refusal(400, message, http_status=400)


def notify(call: Request) -> dict[str, Any]:
    """Create one message from a ``segment`` or a ``transactional`` request."""
    kinds = [k for k in ("segment", "transactional") if isinstance(call.body.get(k), dict)]
    if len(kinds) != 1:
        raise _bad("exactly one of segment or transactional is required")
    request: dict[str, Any] = call.body[kinds[0]]
    application = request.get("application")
    if application not in call.account.applications:
        raise _bad("application not found")
    schedule = request.get("schedule")
    if not isinstance(schedule, dict):
        raise _bad("schedule is required")
    audience = Audience(everyone=True) if kinds[0] == "segment" else _listed(call, request)
    email = "email_payload" in request
    message, _ = record(
        call,
        channel="v2",
        method="notify",
        application=str(application),
        notification=request,
        audience=audience,
        scheduled=is_future(schedule.get("at")) or bool(schedule.get("after")),
        of_type=(EMAIL_DEVICE_TYPE,) if email else None,
    )
    result: dict[str, Any] = {"message_code": message.code}
    if request.get("return_unknown_identifiers"):
        result["unknown_identifiers"] = _unknown(call.account, str(application), request)
    return {"result": result}


def _ids(request: dict[str, Any], key: str) -> tuple[str, ...]:
    listed = request.get(key)
    if listed is None:
        return ()
    ids = listed.get("list") if isinstance(listed, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _bad(f'{key} must be {{"list": [...]}} of strings')
    return tuple(ids)


def _listed(call: Request, request: dict[str, Any]) -> Audience:
    hwids = _ids(request, "hwids")
    tokens = _ids(request, "push_tokens")
    by_token = tuple(d.hwid for d in _with_tokens(call.account, request, tokens))
    users = _ids(request, "users")
    if not (hwids or tokens or users or "test_devices" in request):
        raise _bad("a transactional request needs hwids, users or push_tokens")
    return Audience(hwids + by_token, users)


def _with_tokens(
    account: Account, request: dict[str, Any], tokens: tuple[str, ...]
) -> list[Device]:
    application = request.get("application")
    return [
        d
        for d in account.devices.values()
        if d.application == application and d.push_token in tokens
    ]


def _unknown(account: Account, application: str, request: dict[str, Any]) -> dict[str, list[str]]:
    known_tokens = {d.push_token for d in account.devices.values() if d.application == application}
    return {
        "hwids": [h for h in _ids(request, "hwids") if account.device(application, h) is None],
        "users": [u for u in _ids(request, "users") if not account.user_devices(application, u)],
        "push_tokens": [t for t in _ids(request, "push_tokens") if t not in known_tokens],
    }


def cancel(call: Request) -> dict[str, Any]:
    """Cancel a scheduled message; ``{}`` on success, as documented."""
    code = call.body.get("message_code")
    if not isinstance(code, str) or not code:
        raise _bad("message_code is required")
    message = call.account.messages.get(code)
    if message is None:
        raise Refusal(404, "message not found", http_status=404)
    try:
        cancel_scheduled(message)
    except Refusal as refusal:
        raise _bad(refusal.message) from None
    return {}


HANDLERS: dict[str, Handler] = {
    "notify": notify,
    "cancel": cancel,
}
