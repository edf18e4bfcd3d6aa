"""Message Inbox: a user's inbox, read from the messages sent with inbox options.

A message is in a user's inbox when its notification has an inbox option (``inbox_date``,
``inbox_image`` or ``inbox_days``) and it reached one of the user's devices (a device whose User ID
is ``userId``, or whose hwid is, as the docs say to use the hwid when there is no User ID).
Newest first; each message's ``order`` is its inbox code and the paging cursor: ``last_code`` is
the previous page's ``next``. A message stays until ``inbox_date`` (``YYYY-MM-DD``) or for
``inbox_days`` days (30 if neither is given: the fake's choice). ``inboxStatus`` changes its status
for that user; deleted by the user (4), it leaves the inbox; deleted in the Control Panel, its code
is listed in ``deleted``. ``new_inbox`` counts the messages still delivered (not read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Message
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

DELIVERED: Final = 1
DELETED_BY_USER: Final = 4
DEFAULT_DAYS: Final = 30
INBOX_OPTIONS: Final = ("inbox_date", "inbox_image", "inbox_days")


def _user_hwids(call: Request, application: str, user_id: str) -> set[str]:
    hwids = {d.hwid for d in call.account.user_devices(application, user_id)}
    hwid = call.body.get("hwid")
    for candidate in (user_id, hwid):
        if isinstance(candidate, str) and call.account.device(application, candidate) is not None:
            hwids.add(candidate)
    return hwids


def _removal(message: Message) -> dt.datetime:
    note = message.notification
    date = note.get("inbox_date")
    if isinstance(date, str):
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise Refusal(210, 'Invalid "inbox_date" (YYYY-MM-DD)') from None
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    days = note.get("inbox_days", DEFAULT_DAYS)
    return message.created + dt.timedelta(days=days if isinstance(days, int) else DEFAULT_DAYS)


def _inbox(call: Request, application: str, user_id: str) -> Iterator[tuple[str, Message]]:
    """(inbox code, message) of every inbox message of the user, newest first, expired ones not."""
    hwids = _user_hwids(call, application, user_id)
    now = dt.datetime.now(dt.timezone.utc)
    entries = [
        (f"{position:010d}", message)
        for position, message in enumerate(call.account.messages.values(), 1)
        if message.application == application
        and any(option in message.notification for option in INBOX_OPTIONS)
        and hwids.intersection(message.devices)
        and _removal(message) > now
    ]
    return reversed(entries)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _entry(code: str, message: Message, status: int) -> dict[str, Any]:
    note = message.notification
    if "rich_media" in note:
        action_type, params = "RichMedia", {"rm": note["rich_media"]}
    elif "link" in note:
        action_type, params = "URL", {"l": note["link"]}
    else:
        action_type, params = "Default", {}
    return {
        "inbox_id": message.code,
        "order": code,
        "send_date": str(int(message.created.timestamp())),
        "rt": str(int(_removal(message).timestamp())),
        "title": _text(note.get("ios_title") or note.get("android_header") or ""),
        "text": _text(note.get("content")),
        "image": note.get("inbox_image", ""),
        "action_type": action_type,
        "action_params": params,
        "status": status,
        "hash": message.code,
    }


def get_inbox_messages(call: Request) -> dict[str, Any]:
    """One page of the user's inbox: ``count`` messages after ``last_code`` (0: all of them)."""
    application = call.application()
    user_id = call.text("userId")
    count = call.body.get("count") or 0
    last_code = call.body.get("last_code") or ""
    if not isinstance(count, int) or count < 0 or not isinstance(last_code, str):
        raise Refusal(210, 'Invalid "count" or "last_code"')
    states = call.account.inbox_states
    live: list[dict[str, Any]] = []
    deleted: list[str] = []
    for code, message in _inbox(call, application, user_id):
        status = states.get((application, user_id, message.code), DELIVERED)
        if message.deleted:
            deleted.append(code)
        elif status != DELETED_BY_USER:
            live.append(_entry(code, message, status))
    after = [e for e in live if not last_code or e["order"] < last_code]
    page = after[:count] if count else after
    more = len(after) > len(page)
    return {
        "messages": page,
        "next": page[-1]["order"] if more else "",
        "deleted": deleted,
        "new_inbox": sum(e["status"] == DELIVERED for e in live),
    }


def inbox_status(call: Request) -> None:
    """Set what happened to one inbox message of the user: 1-4, as the user's app reports."""
    application = call.application()
    user_id = call.text("userId")
    inbox_code = call.text("inbox_code")
    status = call.body.get("status")
    if status not in (1, 2, 3, 4) or isinstance(status, bool):
        raise Refusal(210, '"status" must be 1 (delivered), 2 (read), 3 (opened) or 4 (deleted)')
    found = next((m for c, m in _inbox(call, application, user_id) if c == inbox_code), None)
    if found is None or found.deleted:
        raise Refusal(210, "Inbox message not found")
    call.account.inbox_states[application, user_id, found.code] = status


HANDLERS: dict[str, Handler] = {
    "getInboxMessages": get_inbox_messages,
    "inboxStatus": inbox_status,
}
