"""Messages: create, inspect and delete push messages (``/json/1.3``, server token)."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from pushwoosh_async._converter import structure_many, structure_one, wire
from pushwoosh_async.commands._base import (
    Ack,
    Command,
    KeyedSend,
    OpenCommand,
    OpenObject,
    OpenResult,
    PageOf,
    Result,
    TokenKind,
)
from pushwoosh_async.commands._fields import MAX_RECIPIENTS, ints, mapping, non_empty, strings
from pushwoosh_async.commands._specs import PageSpec
from pushwoosh_async.errors import ValidationError

__all__ = [
    "CODE_NOT_AVAILABLE",
    "MAX_RECIPIENTS",
    "AndroidOptions",
    "CancelMessage",
    "ChromeOptions",
    "CreateMessage",
    "CreateMessageResult",
    "CreateTargetedMessage",
    "CreateTargetedMessageResult",
    "DeleteMessage",
    "FirefoxOptions",
    "GeoZone",
    "GetMessageDetails",
    "GetPushHistory",
    "IOSOptions",
    "MessageDetails",
    "Notification",
    "PushHistory",
    "PushHistoryEntry",
    "PushHistorySearch",
    "RawResult",
    "SafariOptions",
]


CODE_NOT_AVAILABLE: Final = "CODE_NOT_AVAILABLE"
"""Pushwoosh's placeholder in ``Messages`` when a message got no code (e.g. < 10 devices)."""

LocalizedText = str | Mapping[str, str]
"""A text, or a mapping from language code to text (``{"en": "Hi", "de": "Hallo"}``)."""


# Platform blocks. Their keys sit flat in the notification on the wire; the names come from
# Pushwoosh's docs and, where marked, from the public clients (the catalogue lists them as a
# family, "ios_* / android_* / ..."). Keys not modelled here go in ``Notification.extra``.


@attrs.frozen(kw_only=True)
class IOSOptions:
    """iOS keys of a notification (``ios_*``)."""

    badges: int | str | None = attrs.field(default=None, metadata=wire("ios_badges"))
    """A number, or ``"+n"`` / ``"-n"`` to change the current badge."""
    sound: str | None = attrs.field(default=None, metadata=wire("ios_sound"))
    ttl: int | None = attrs.field(default=None, metadata=wire("ios_ttl"))
    silent: int | None = attrs.field(default=None, metadata=wire("ios_silent"))
    category_id: str | None = attrs.field(default=None, metadata=wire("ios_category_id"))
    root_params: Mapping[str, Any] | None = attrs.field(
        default=None, converter=mapping, metadata=wire("ios_root_params")
    )
    title: str | None = attrs.field(default=None, metadata=wire("ios_title"))
    subtitle: str | None = attrs.field(default=None, metadata=wire("ios_subtitle"))
    trim_content: int | None = attrs.field(default=None, metadata=wire("apns_trim_content"))


@attrs.frozen(kw_only=True)
class AndroidOptions:
    """Android keys of a notification (``android_*``)."""

    header: str | None = attrs.field(default=None, metadata=wire("android_header"))
    icon: str | None = attrs.field(default=None, metadata=wire("android_icon"))
    custom_icon: str | None = attrs.field(default=None, metadata=wire("android_custom_icon"))
    banner: str | None = attrs.field(default=None, metadata=wire("android_banner"))
    sound: str | None = attrs.field(default=None, metadata=wire("android_sound"))
    vibration: int | None = attrs.field(default=None, metadata=wire("android_vibration"))
    led: str | None = attrs.field(default=None, metadata=wire("android_led"))
    priority: int | None = attrs.field(default=None, metadata=wire("android_priority"))
    ttl: int | None = attrs.field(default=None, metadata=wire("android_gcm_ttl"))
    root_params: Mapping[str, Any] | None = attrs.field(
        default=None, converter=mapping, metadata=wire("android_root_params")
    )
    silent: int | None = attrs.field(default=None, metadata=wire("android_silent"))


@attrs.frozen(kw_only=True)
class ChromeOptions:
    """Chrome web push keys (``chrome_*``); names from public client code."""

    title: str | None = attrs.field(default=None, metadata=wire("chrome_title"))
    icon: str | None = attrs.field(default=None, metadata=wire("chrome_icon"))
    image: str | None = attrs.field(default=None, metadata=wire("chrome_image"))
    ttl: int | None = attrs.field(default=None, metadata=wire("chrome_gcm_ttl"))
    duration: int | None = attrs.field(default=None, metadata=wire("chrome_duration"))


@attrs.frozen(kw_only=True)
class SafariOptions:
    """Safari web push keys (``safari_*``); names from public client code."""

    title: str | None = attrs.field(default=None, metadata=wire("safari_title"))
    action: str | None = attrs.field(default=None, metadata=wire("safari_action"))
    url_args: tuple[str, ...] | None = attrs.field(
        default=None, converter=strings, metadata=wire("safari_url_args")
    )
    ttl: int | None = attrs.field(default=None, metadata=wire("safari_ttl"))


@attrs.frozen(kw_only=True)
class FirefoxOptions:
    """Firefox web push keys (``firefox_*``); names from public client code."""

    title: str | None = attrs.field(default=None, metadata=wire("firefox_title"))
    icon: str | None = attrs.field(default=None, metadata=wire("firefox_icon"))


@attrs.frozen(kw_only=True)
class GeoZone:
    """Send to devices inside a circle: ``range`` in metres."""

    lat: float
    lng: float
    range: int


def _geozone(value: GeoZone | Mapping[str, Any] | None) -> GeoZone | None:
    return None if value is None else structure_one(value, GeoZone)


def _ios(value: IOSOptions | Mapping[str, Any] | None) -> IOSOptions | None:
    return None if value is None else structure_one(value, IOSOptions)


def _android(value: AndroidOptions | Mapping[str, Any] | None) -> AndroidOptions | None:
    return None if value is None else structure_one(value, AndroidOptions)


def _chrome(value: ChromeOptions | Mapping[str, Any] | None) -> ChromeOptions | None:
    return None if value is None else structure_one(value, ChromeOptions)


def _safari(value: SafariOptions | Mapping[str, Any] | None) -> SafariOptions | None:
    return None if value is None else structure_one(value, SafariOptions)


def _firefox(value: FirefoxOptions | Mapping[str, Any] | None) -> FirefoxOptions | None:
    return None if value is None else structure_one(value, FirefoxOptions)


def _conditions(
    value: Iterable[Iterable[Any]] | None,
) -> tuple[tuple[Any, ...], ...] | None:
    if value is None:
        return None
    conditions = tuple(tuple(c) for c in value)
    for condition in conditions:
        if len(condition) != 3 or not isinstance(condition[0], str):
            msg = f"a condition is [tag name, operator, operand], got {list(condition)!r}"
            raise ValidationError(msg)
    return conditions


@attrs.frozen(kw_only=True)
class Notification(OpenObject):
    """One message of a ``createMessage`` call.

    Targeting is explicit: list ``devices`` or ``users`` (at most 1000 each), or name a
    ``filter``, tag ``conditions`` or a ``geozone``. A notification with none of those would go to
    every subscriber of the application, so it is refused unless ``broadcast=True`` says that is
    the intent (``platforms`` alone narrows a broadcast; it is not a target).

    ``send_date`` is ``"now"`` or a datetime, sent as ``YYYY-MM-DD HH:MM``: a naive datetime is
    read in ``timezone`` if given, else in UTC; an aware one is converted to UTC (and then must not
    be combined with ``timezone``).

    ``transaction_id`` (wire ``transactionId``) is Pushwoosh's de-duplication key. Leave it unset
    and the client generates one per send, reused on every retry; set it to make a repeat of the
    same logical message (e.g. after a crash) a no-op.

    Keys the library does not model go in ``extra`` and are sent as given.
    """

    content: LocalizedText | None = None
    send_date: dt.datetime | str = attrs.field(default="now", metadata=wire(always=True))
    title: LocalizedText | None = None
    subtitle: LocalizedText | None = None
    devices: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    users: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    filter: str | None = None
    conditions: tuple[tuple[Any, ...], ...] | None = attrs.field(
        default=None, converter=_conditions
    )
    geozone: GeoZone | None = attrs.field(default=None, converter=_geozone)
    platforms: tuple[int, ...] | None = attrs.field(default=None, converter=ints)
    broadcast: bool = attrs.field(default=False, metadata=wire(local=True))
    """Allow a notification with no target, i.e. a send to every subscriber."""
    ignore_user_timezone: bool | None = None
    timezone: str | None = None
    campaign: str | None = None
    preset: str | None = None
    link: str | None = None
    minimize_link: int | None = None
    """0: send ``link`` as is; 2: shorten it with bitly (Pushwoosh's default)."""
    data: Mapping[str, Any] | str | None = None
    page_id: int | None = None
    rich_page_id: int | None = None
    rich_media: str | None = None
    remote_page: str | None = None
    send_rate: int | None = None
    """Pushes per second (throttling); seen in public clients, not in the current docs."""
    transaction_id: str | None = attrs.field(default=None, metadata=wire("transactionId"))
    ios: IOSOptions | None = attrs.field(
        default=None, converter=_ios, metadata=wire(flatten=IOSOptions)
    )
    android: AndroidOptions | None = attrs.field(
        default=None, converter=_android, metadata=wire(flatten=AndroidOptions)
    )
    chrome: ChromeOptions | None = attrs.field(
        default=None, converter=_chrome, metadata=wire(flatten=ChromeOptions)
    )
    safari: SafariOptions | None = attrs.field(
        default=None, converter=_safari, metadata=wire(flatten=SafariOptions)
    )
    firefox: FirefoxOptions | None = attrs.field(
        default=None, converter=_firefox, metadata=wire(flatten=FirefoxOptions)
    )

    def __attrs_post_init__(self) -> None:
        if self.content is None and self.preset is None:
            msg = "a notification needs content or a preset"
            raise ValidationError(msg)
        self._check_recipients()
        self._check_target()
        self._check_send_date()

    def _check_recipients(self) -> None:
        for name in ("devices", "users"):
            listed = getattr(self, name)
            if listed is not None and not listed:
                msg = f"{name} is an empty list: it would target nobody, or everybody"
                raise ValidationError(msg)
            if listed is not None and len(listed) > MAX_RECIPIENTS:
                msg = (
                    f"{len(listed)} {name} in one notification; the limit is {MAX_RECIPIENTS} "
                    "(split the list, or use the bulk sender)"
                )
                raise ValidationError(msg)

    def _check_target(self) -> None:
        targets = (self.devices, self.users, self.filter, self.conditions, self.geozone)
        targeted = any(t is not None for t in targets)
        if not targeted and not self.broadcast:
            msg = (
                "the notification has no target (devices, users, filter, conditions or geozone); "
                "pass broadcast=True to send it to every subscriber"
            )
            raise ValidationError(msg)
        if targeted and self.broadcast:
            msg = "broadcast=True contradicts the targets given"
            raise ValidationError(msg)

    def _check_send_date(self) -> None:
        if isinstance(self.send_date, dt.datetime):
            if self.send_date.tzinfo is not None and self.timezone is not None:
                msg = "give send_date as a naive datetime when timezone is set"
                raise ValidationError(msg)
        elif self.send_date != "now":
            try:
                dt.datetime.strptime(self.send_date, "%Y-%m-%d %H:%M")  # noqa: DTZ007
            except ValueError:
                wanted = '"now", a datetime or "YYYY-MM-DD HH:MM"'
                msg = f"send_date must be {wanted}, not {self.send_date!r}"
                raise ValidationError(msg) from None


def _notifications(
    value: Iterable[Notification | Mapping[str, Any]],
) -> tuple[Notification, ...]:
    return structure_many(value, Notification)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    codes = strings(value)
    return () if codes is None else codes


def _code_lists(value: Mapping[str, Iterable[str]] | None) -> Mapping[str, tuple[str, ...]]:
    # Pushwoosh sends [] rather than {} when nothing is unknown.
    if not value:
        return {}
    if not isinstance(value, Mapping):
        msg = f"UnknownDevices must map message codes to device lists, got {value!r}"
        raise ValidationError(msg)
    return {code: _codes(devices) for code, devices in value.items()}


@attrs.frozen(kw_only=True)
class CreateMessageResult(Result):
    """Message codes, one per notification in order, and the devices Pushwoosh did not know.

    A code may be :data:`CODE_NOT_AVAILABLE` (e.g. an immediate send to fewer than 10 devices):
    the message was accepted, but it has no code to look it up by.
    """

    message_codes: tuple[str, ...] = attrs.field(converter=_codes, metadata=wire("Messages"))
    """Always in a successful reply: a reply without ``Messages`` is a ``DecodeError``."""
    unknown_devices: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_code_lists, metadata=wire("UnknownDevices")
    )


@attrs.frozen(kw_only=True)
class CreateMessage(KeyedSend[CreateMessageResult]):
    """Send or schedule push notifications. Limited to 600 requests per minute per account.

    Not idempotent: every notification gets a ``transactionId`` (Pushwoosh's de-duplication key),
    generated once per send unless you set one, which is what makes a retry after a lost reply
    safe. ``application`` defaults to the client's; ``applications_group`` replaces it.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/messages-api/
    """

    path = "/json/1.3/createMessage"
    token = TokenKind.SERVER

    notifications: tuple[Notification, ...] = attrs.field(
        converter=_notifications, validator=non_empty
    )


@attrs.frozen(kw_only=True)
class DeleteMessage(Command[Ack]):
    """Delete a scheduled message that has not been sent yet.

    The request is the legacy reference's; that the reply carries no data is inferred.

    Source: inferred, https://docs.pushwoosh.com/docs/deletemessage
    """

    path = "/json/1.3/deleteMessage"
    token = TokenKind.SERVER

    message: str
    """The message code returned by ``createMessage``."""


def _platform_list(value: str | Iterable[int] | None) -> tuple[int, ...]:
    # Pushwoosh returns the list JSON-encoded in a string ("[1,3]").
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(int(v) for v in value)


def _flag(value: str | int | bool | None) -> bool | None:
    return None if value is None else str(value) not in ("0", "", "False", "false")


@attrs.frozen(kw_only=True)
class MessageDetails(OpenResult):
    """What ``getMessageDetails`` knows about one message.

    The field set comes from public client code, not from Pushwoosh's docs; whether the data sits
    under a ``message`` member is unconfirmed, so both shapes are read. Fields not listed here are
    kept in ``extra``.
    """

    id: int | None = None
    code: str | None = None
    created: str | None = None
    send_date: str | None = None
    status: str | None = None
    content: LocalizedText | None = None
    platforms: tuple[int, ...] = attrs.field(default=(), converter=_platform_list)
    ignore_user_timezone: bool | None = attrs.field(default=None, converter=_flag)

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The details, whether or not they sit under a ``message`` member."""
        if isinstance(data, Mapping) and isinstance(data.get("message"), Mapping):
            return data["message"]
        return data


@attrs.frozen(kw_only=True)
class GetMessageDetails(Command[MessageDetails]):
    """Details of a message by its code (or id).

    The current reference does not list it: the request (``message``) and the reply's fields are
    inferred from public client code.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/messages-api/
    """

    path = "/json/1.3/getMessageDetails"
    token = TokenKind.SERVER

    message: str


def valid_send_date(_: Any, attribute: attrs.Attribute[Any], value: dt.datetime | str) -> None:
    """Validator: ``"now"``, a datetime, or a ``YYYY-MM-DD HH:MM`` string."""
    if isinstance(value, dt.datetime) or value == "now":
        return
    try:
        dt.datetime.strptime(value, "%Y-%m-%d %H:%M")  # noqa: DTZ007
    except ValueError:
        msg = f'{attribute.name} must be "now", a datetime or "YYYY-MM-DD HH:MM", not {value!r}'
        raise ValidationError(msg) from None


@attrs.frozen(kw_only=True)
class RawResult(OpenResult):
    """The reply of a method whose reply shape is unknown: every key lands in ``extra``.

    A reply that is neither ``null`` nor a JSON object is kept under ``extra["value"]``.
    """

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The reply as an object (a bare value is wrapped as ``{"value": ...}``)."""
        return data if data is None or isinstance(data, Mapping) else {"value": data}


@attrs.frozen(kw_only=True)
class CreateTargetedMessageResult(OpenResult):
    """The code of the message ``createTargetedMessage`` created.

    ``messageCode`` is the name the PHP client reads, not confirmed by current docs; anything
    else in the reply lands in ``extra``.
    """

    message_code: str | None = attrs.field(default=None, metadata=wire("messageCode"))


@attrs.frozen(kw_only=True)
class CreateTargetedMessage(OpenCommand[CreateTargetedMessageResult]):
    """Send a push to the devices a segmentation-language expression selects.

    ``devices_filter`` is seglang, e.g. ``A("ABCDE-12345") * T("age", BETWEEN, [17, 20])``: without
    an ``A(...)`` term the message can reach every application of the account. The message keys sit
    at the top level (no ``notifications`` list); the platform blocks are those of
    :class:`Notification`. The legacy reference gives the request; the reply's ``messageCode`` is
    inferred from a public client. Unlisted keys go in ``extra``. Not idempotent and has no
    de-duplication key, so it is never retried.

    Source: inferred, https://pushwoosh.readme.io/reference/createtargetedmessage
    """

    path = "/json/1.3/createTargetedMessage"
    token = TokenKind.SERVER
    idempotent = False

    devices_filter: str = attrs.field(validator=non_empty)
    send_date: dt.datetime | str = attrs.field(
        default="now", validator=valid_send_date, metadata=wire(always=True)
    )
    content: LocalizedText | None = None
    ignore_user_timezone: bool | None = None
    timezone: str | None = None
    campaign: str | None = None
    ios: IOSOptions | None = attrs.field(
        default=None, converter=_ios, metadata=wire(flatten=IOSOptions)
    )
    android: AndroidOptions | None = attrs.field(
        default=None, converter=_android, metadata=wire(flatten=AndroidOptions)
    )
    chrome: ChromeOptions | None = attrs.field(
        default=None, converter=_chrome, metadata=wire(flatten=ChromeOptions)
    )
    safari: SafariOptions | None = attrs.field(
        default=None, converter=_safari, metadata=wire(flatten=SafariOptions)
    )
    firefox: FirefoxOptions | None = attrs.field(
        default=None, converter=_firefox, metadata=wire(flatten=FirefoxOptions)
    )


@attrs.frozen(kw_only=True)
class CancelMessage(OpenCommand[RawResult]):
    """Cancel a scheduled v1.3 message. Only the method's name is known.

    No request field or reply has been seen, so the request is whatever ``extra`` holds (e.g.
    ``extra={"message": code}``, a guess by analogy with ``deleteMessage``) and the reply is kept
    raw. Prefer the documented :class:`~pushwoosh_async.commands.messaging_v2.Cancel`. Both the
    request and the reply are inferred; the page documents neither.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/messages-api/
    """

    path = "/json/1.3/cancelMessage"
    token = TokenKind.SERVER


class PushHistorySearch(str, enum.Enum):
    """What ``getPushHistory``'s ``value`` is matched against (raw strings are accepted too)."""

    ALL = ""
    NOTIFICATION_ID = "notificationID"
    NOTIFICATION_CODE = "notificationCode"
    APPLICATION_CODE = "applicationCode"
    CAMPAIGN_CODE = "campaignCode"


def _search_by(value: PushHistorySearch | str | None) -> PushHistorySearch | str | None:
    try:
        return None if value is None else PushHistorySearch(value)
    except ValueError:
        return value


@attrs.frozen(kw_only=True)
class PushHistoryEntry(OpenObject):
    """One sent message in ``getPushHistory``'s ``rows``; unlisted keys land in ``extra``."""

    id: int | str | None = None
    create_date: str | None = attrs.field(default=None, metadata=wire("createDate"))
    send_date: str | None = attrs.field(default=None, metadata=wire("sendDate"))
    content: LocalizedText | None = None
    url: str | None = None
    filter: str | None = None
    rich_page_id: int | str | None = attrs.field(default=None, metadata=wire("richPageId"))
    geozone: str | None = None
    """As Pushwoosh sends it: a JSON-encoded string."""


def _history_rows(
    value: Iterable[PushHistoryEntry | Mapping[str, Any]] | None,
) -> tuple[PushHistoryEntry, ...]:
    return () if value is None else structure_many(value, PushHistoryEntry)


def _cursor(value: str | int | None) -> str | None:
    return None if value is None or value == "" else str(value)


@attrs.frozen(kw_only=True)
class PushHistory(OpenResult, PageOf[PushHistoryEntry]):
    """Sent messages (``rows``) and the cursor of the next page, if any; other keys in ``extra``."""

    rows: tuple[PushHistoryEntry, ...] = attrs.field(default=(), converter=_history_rows)
    last_notification_id: str | None = attrs.field(
        default=None, converter=_cursor, metadata=wire("lastNotificationID")
    )
    """Send it back as ``GetPushHistory.last_notification_id`` for the next rows."""


def _next_history(command: GetPushHistory, page: Any) -> GetPushHistory | None:
    if not page.rows:
        return None
    cursor = page.last_notification_id or _cursor(page.rows[-1].id)
    return attrs.evolve(command, last_notification_id=cursor)


@attrs.frozen(kw_only=True)
class GetPushHistory(OpenCommand[PushHistory]):
    """Legacy history of sent messages (``messages:list`` is the documented replacement).

    Pages by ``lastNotificationID``: the reply's cursor, sent back to read the next rows. The
    request fields are the legacy reference's; the reply's ``rows`` keys and the cursor are
    inferred from public clients. Other keys go in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/docs/getpushhistory
    """

    path = "/json/1.3/getPushHistory"
    token = TokenKind.SERVER
    pages = PageSpec(lambda page: page.rows, _next_history)

    search_by: PushHistorySearch | str | None = attrs.field(
        default=None, converter=_search_by, metadata=wire("searchBy")
    )
    value: str | None = None
    source: str | None = None
    last_notification_id: str | None = attrs.field(
        default=None, metadata=wire("lastNotificationID")
    )
