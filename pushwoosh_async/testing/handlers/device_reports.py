"""What the SDKs report about a device: its badge, app opens, push deliveries and opens, purchases.

``pushStat`` and ``messageDeliveryEvent`` are recorded in ``account.opens`` and
``account.deliveries`` as :class:`~pushwoosh_async.testing._state.Interaction` records (message
code, hwid, when), which the statistics methods count. The fake's push payload hash is the
message code; a report of a hash the account never sent is accepted and counts for nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Interaction
from pushwoosh_async.testing.handlers.device import known_device, register_device
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

PURCHASE_KEYS: Final = ("transactionDate", "quantity", "currency", "productIdentifier", "price")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def set_badge(call: Request) -> None:
    """Keep the badge the device shows, for server-side badge increments."""
    device = known_device(call)
    badge = call.body.get("badge")
    if not isinstance(badge, int) or isinstance(badge, bool) or badge < 0:
        raise Refusal(210, 'Invalid or missing "badge"')
    call.account.badges[device.application, device.hwid] = badge


def application_open(call: Request) -> None:
    """Record an app open; the first open of an unknown hwid creates its record (no token)."""
    application = call.application()
    hwid = call.text("hwid")
    if call.account.device(application, hwid) is None:
        register_device(call)
    call.account.last_opens[application, hwid] = _now()


def _push_report(call: Request, into: list[Interaction]) -> None:
    device = known_device(call)
    message = call.account.messages.get(call.text("hash"))
    if message is not None:
        into.append(Interaction(message.code, device.hwid, _now()))


def push_stat(call: Request) -> None:
    """Record that a push was opened on the device."""
    _push_report(call, call.account.opens)


def message_delivery_event(call: Request) -> None:
    """Record that a push was delivered to the device."""
    _push_report(call, call.account.deliveries)


def set_purchase(call: Request) -> None:
    """Record an in-app purchase of the device."""
    device = known_device(call)
    missing = [key for key in PURCHASE_KEYS if key not in call.body]
    if missing:
        raise Refusal(210, f'Missing "{missing[0]}"')
    call.account.purchases.append(
        {
            "application": device.application,
            "hwid": device.hwid,
            **{key: call.body[key] for key in PURCHASE_KEYS},
        }
    )


HANDLERS: dict[str, Handler] = {
    "setBadge": set_badge,
    "applicationOpen": application_open,
    "pushStat": push_stat,
    "messageDeliveryEvent": message_delivery_event,
    "setPurchase": set_purchase,
}
