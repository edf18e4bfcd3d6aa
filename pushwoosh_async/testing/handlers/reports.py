"""What the fake's statistics are computed from: per message, who it reached, opened, got it.

Every count is read from the account: a message's sends are the devices it reached
(``Message.devices``), its deliveries and opens the :class:`Interaction` records of
``Account.deliveries`` / ``Account.opens`` (filled by ``messageDeliveryEvent`` and ``pushStat``).
Periods are ``YYYY-MM-DD HH:MM:SS`` (or ``YYYY-MM-DD``) in UTC, as the API takes them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from pushwoosh_async.enums import DeviceType
from pushwoosh_async.testing._request import Refusal
from pushwoosh_async.testing._state import Account, Interaction, Message

__all__ = [
    "CHANNEL_PLATFORMS",
    "Event",
    "bucket",
    "events_of",
    "formatter_for",
    "log_platform_name",
    "parse_time",
    "platform_name",
    "rows_of",
    "stamp",
]

UTC: Final = dt.timezone.utc
CHANNEL_PLATFORMS: Final = {
    "email": DeviceType.EMAIL,
    "sms": DeviceType.SMS,
    "whatsapp": DeviceType.WHATSAPP,
}
"""The platform a message of a non-push channel is counted under (Kakao has no code: 0)."""
_NAMES: Final[dict[int, str]] = {
    DeviceType.IOS: "IOS",
    DeviceType.ANDROID: "ANDROID",
    DeviceType.OSX: "OSX",
    DeviceType.WINDOWS: "WINDOWS",
    DeviceType.AMAZON: "AMAZON",
    DeviceType.SAFARI: "SAFARI",
    DeviceType.CHROME: "CHROME",
    DeviceType.FIREFOX: "FIREFOX",
    DeviceType.IE11: "IE",
    DeviceType.EMAIL: "EMAIL",
    DeviceType.HUAWEI: "HUAWEI_ANDROID",
    DeviceType.SMS: "SMS",
    DeviceType.WHATSAPP: "WHATSAPP",
}
"""``messages:list`` platform names (WhatsApp's is not in the documented list: inferred)."""
_LOG_NAMES: Final[dict[int, str]] = {
    DeviceType.BLACKBERRY: "blackberry",
    DeviceType.WINDOWS_PHONE: "windows phone",
    DeviceType.HUAWEI: "huawei android",
}
_FORMATS: Final = {19: "%Y-%m-%d %H:%M:%S", 16: "%Y-%m-%d %H:%M", 10: "%Y-%m-%d"}
"""The period layouts the API takes, by their length."""


def platform_name(platform: int) -> str:
    """The ``messages:list`` name of a platform code (``IOS``, ``EMAIL``, ...)."""
    return _NAMES.get(platform, str(platform))


def log_platform_name(platform: int) -> str:
    """The ``getMessageLog`` name of a platform code (``ios``, ``huawei android``, ...)."""
    known = _LOG_NAMES.get(platform)
    return known if known is not None else platform_name(platform).lower()


def parse_time(value: Any, name: str) -> dt.datetime:
    """A period bound as the API takes it (``Y-m-d H:i:s`` or ``Y-m-d``), in UTC; 210 if not."""
    layout = _FORMATS.get(len(value)) if isinstance(value, str) else None
    try:
        return dt.datetime.strptime(str(value), str(layout)).replace(tzinfo=UTC)
    except ValueError:
        raise Refusal(210, f'Invalid "{name}": expected Y-m-d H:i:s') from None


def stamp(moment: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def formatter_for(start: dt.datetime, end: dt.datetime) -> str:
    """The bucket size Pushwoosh picks for a period (yearly over a year ... minutely)."""
    span = end - start
    if span > dt.timedelta(days=365):
        return "yearly"
    if span > dt.timedelta(days=31):
        return "monthly"
    if span > dt.timedelta(days=1):
        return "daily"
    if span > dt.timedelta(hours=3):
        return "hourly"
    return "minutely"


def bucket(moment: dt.datetime, formatter: str) -> str:
    """The start of the ``formatter`` bucket ``moment`` falls in, as ``YYYY-MM-DD HH:MM:SS``."""
    moment = moment.astimezone(UTC)
    if formatter == "yearly":
        moment = moment.replace(month=1, day=1, hour=0, minute=0)
    elif formatter == "monthly":
        moment = moment.replace(day=1, hour=0, minute=0)
    elif formatter == "daily":
        moment = moment.replace(hour=0, minute=0)
    elif formatter == "hourly":
        moment = moment.replace(minute=0)
    return stamp(moment.replace(second=0, microsecond=0))


@attrs.frozen
class Event:
    """One thing that happened to a message on one device: ``send``, ``delivery`` or ``open``."""

    action: str
    message: Message
    hwid: str
    platform: int
    at: dt.datetime


def _platform(account: Account, message: Message, hwid: str) -> int:
    if message.channel in CHANNEL_PLATFORMS:
        return int(CHANNEL_PLATFORMS[message.channel])
    device = account.device(message.application, hwid)
    return device.device_type if device is not None else 0


def events_of(account: Account, messages: Iterable[Message]) -> Iterator[Event]:
    """The sends, deliveries and opens of ``messages`` (deleted ones included), in that order."""
    chosen = {m.code: m for m in messages}
    for message in chosen.values():
        for hwid in message.devices:
            yield Event("send", message, hwid, _platform(account, message, hwid), message.created)
    yield from _interactions(account, "delivery", account.deliveries, chosen)
    yield from _interactions(account, "open", account.opens, chosen)


def _interactions(
    account: Account, action: str, records: Iterable[Interaction], chosen: dict[str, Message]
) -> Iterator[Event]:
    for record in records:
        message = chosen.get(record.message_code)
        if message is not None:
            platform = _platform(account, message, record.hwid)
            yield Event(action, message, record.hwid, platform, record.at)


def rows_of(
    events: Iterable[Event], formatter: str, *, per_platform: bool = False
) -> list[dict[str, Any]]:
    """Report rows ``{datetime, action, count}`` (and ``platformid``), one per bucket and action."""
    counts: Counter[tuple[str, str, int]] = Counter(
        (bucket(e.at, formatter), e.action, e.platform if per_platform else 0) for e in events
    )
    rows = []
    for (when, action, platform), count in sorted(counts.items()):
        row: dict[str, Any] = {"datetime": when, "action": action, "count": count}
        if per_platform:
            row["platformid"] = platform
        rows.append(row)
    return rows
