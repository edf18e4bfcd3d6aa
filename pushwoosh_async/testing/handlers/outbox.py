"""Recording a message of any channel: who it reaches, its code, its ``transactionId``.

Every send method of the fake (push, email, SMS, WhatsApp, Kakao, Live Activities, Messaging API
v2) records one :class:`~pushwoosh_async.testing._state.Message` per notification in
``account.messages`` through :func:`record`, so reads (``getPushHistory``, ``getMessageDetails``,
statistics) and ``cancel``/``deleteMessage`` see every channel alike. A notification repeating a
``transactionId`` the account has seen creates nothing and gets the first message back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Account, Device, Message

__all__ = ["EMAIL_DEVICE_TYPE", "Audience", "find_message", "is_future", "message_id", "record"]

EMAIL_DEVICE_TYPE: Final = 14
"""The ``device_type`` of an email address (Pushwoosh's platform list)."""


@attrs.frozen
class Audience:
    """Who a notification names: explicit ``devices`` and ``users``, else everyone of a channel."""

    devices: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    everyone: bool = False
    """No explicit list (a filter, conditions, a segment, a broadcast): every matching device."""


def is_future(when: Any) -> bool:
    """Whether a ``send_date`` (``YYYY-MM-DD HH:MM[:SS]``, UTC) or RFC 3339 time is ahead."""
    if not isinstance(when, str) or when in ("", "now"):
        return False
    text = when.replace("Z", "+00:00")
    for parse in (dt.datetime.fromisoformat, _v13_time):
        try:
            moment = parse(text)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return moment > dt.datetime.now(dt.timezone.utc)
    raise Refusal(210, f"Invalid send date: {when}")


def _v13_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")  # noqa: DTZ007 (UTC, made aware above)


def record(
    call: Request,
    *,
    channel: str,
    method: str,
    application: str,
    notification: dict[str, Any],
    audience: Audience,
    scheduled: bool = False,
    of_type: Iterable[int] | None = None,
) -> tuple[Message, bool]:
    """The message for one notification and whether it is new (``False``: a repeated id).

    ``of_type`` narrows the devices a message reaches to those device types (email addresses
    for an email); ``None`` takes every device but email addresses.
    """
    account = call.account
    tid = notification.get("transactionId")
    if tid is not None and not isinstance(tid, str):
        raise Refusal(210, 'Invalid "transactionId": it must be a string')
    if tid is not None and tid in account.transactions:
        return account.messages[account.transactions[tid][0]], False
    types = frozenset(of_type) if of_type is not None else None
    known = [h for h in audience.devices if account.device(application, h) is not None]
    reached = set(known)
    for user in audience.users:
        reached.update(d.hwid for d in account.user_devices(application, user) if _fits(d, types))
    if audience.everyone:
        reached.update(
            d.hwid
            for d in account.devices.values()
            if d.application == application and _fits(d, types)
        )
    code = call.codes()
    message = account.messages[code] = Message(
        code=code,
        application=application,
        notification=notification,
        transaction_id=tid,
        devices=tuple(sorted(reached)),
        unknown_devices=tuple(h for h in audience.devices if h not in known),
        channel=channel,
        method=method,
        users=audience.users,
        scheduled=scheduled,
    )
    if tid is not None:
        account.transactions[tid] = [code]
    return message, True


def _fits(device: Device, types: frozenset[int] | None) -> bool:
    if types is None:
        return device.device_type != EMAIL_DEVICE_TYPE
    return device.device_type in types


def find_message(account: Account, code: str) -> Message:
    """The message ``code`` (a 210 refusal if the account has none)."""
    message = account.messages.get(code)
    if message is None:
        raise Refusal(210, "Message not found")
    return message


def message_id(account: Account, code: str) -> int:
    """The message's numeric id: its position in the account, from 1."""
    return list(account.messages).index(code) + 1
