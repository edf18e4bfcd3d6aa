"""SMS, WhatsApp and Kakao messages (``/json/1.3``, server token).

Each channel must be enabled for the account by Pushwoosh. SMS and WhatsApp take one recipient
per request, so their commands hold exactly one notification with exactly one ``devices`` entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import Command, OpenResult, TokenKind
from pushwoosh_async.commands._fields import mapping, non_empty, strings
from pushwoosh_async.commands.messages import valid_send_date
from pushwoosh_async.errors import ValidationError

__all__ = [
    "ChannelMessageResult",
    "ChannelSend",
    "CreateKakaoMessage",
    "CreateSMSMessage",
    "CreateWhatsAppMessage",
    "KakaoNotification",
    "SMSNotification",
    "WhatsAppNotification",
]

T = TypeVar("T")


def _one_recipient(value: Iterable[str]) -> tuple[str, ...]:
    devices = strings(value) or ()
    if len(devices) != 1:
        msg = f"SMS and WhatsApp messages take exactly one recipient, got {len(devices)}"
        raise ValidationError(msg)
    return devices


def _whatsapp_recipient(value: Iterable[str]) -> tuple[str, ...]:
    devices = _one_recipient(value)
    if not devices[0].startswith("whatsapp:+"):
        msg = f"a WhatsApp recipient is 'whatsapp:+<E.164 number>', got {devices[0]!r}"
        raise ValidationError(msg)
    return devices


@attrs.frozen(kw_only=True)
class SMSNotification:
    """One SMS: ``content`` (or an SMS ``preset``) to one E.164 number in ``devices``."""

    devices: tuple[str, ...] = attrs.field(converter=_one_recipient)
    content: str | None = None
    preset: str | None = None
    send_date: dt.datetime | str = attrs.field(
        default="now", validator=valid_send_date, metadata=wire(always=True)
    )
    use_auto_registration: bool | None = None
    """Register the number if Pushwoosh does not know it yet."""
    dynamic_content_placeholders: Mapping[str, Any] | None = attrs.field(
        default=None, converter=mapping
    )

    def __attrs_post_init__(self) -> None:
        if self.content is None and self.preset is None:
            msg = "an SMS needs content or a preset"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class WhatsAppNotification:
    """One WhatsApp message to one ``whatsapp:+<E.164>`` recipient.

    Give free ``content`` or an approved Meta template by ``content_id``, with its
    ``content_variables`` (``{"1": "Jane"}``), ``button_url_variables`` (0-based button index ->
    value), ``header_variables`` (``{"image"|"video"|"document"|"text": value}``) and template
    ``language`` (Pushwoosh's default ``en_US``).
    """

    devices: tuple[str, ...] = attrs.field(converter=_whatsapp_recipient)
    content: str | None = None
    content_id: str | None = None
    send_date: dt.datetime | str = attrs.field(
        default="now", validator=valid_send_date, metadata=wire(always=True)
    )
    use_auto_registration: bool | None = None
    content_variables: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    button_url_variables: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    header_variables: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    preset: str | None = None
    language: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.content is None and self.content_id is None:
            msg = "a WhatsApp message needs content or a content_id (template)"
            raise ValidationError(msg)


def _kakao_send_date(value: dt.datetime | str) -> str:
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S")


@attrs.frozen(kw_only=True)
class KakaoNotification:
    """One Kakao message from an approved ``template``.

    Recipients: ``devices`` (``kakao:<token>``) or ``users``.
    ``send_date`` is ``"now"`` or a UTC time; a datetime is sent as ``YYYY-MM-DD HH:MM:SS`` (naive
    read as UTC). Pushwoosh refuses ``platforms``, ``filter``, ``filter_code`` and ``conditions``.
    """

    template: str = attrs.field(validator=non_empty)
    devices: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    users: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    send_date: str = attrs.field(
        default="now", converter=_kakao_send_date, metadata=wire(always=True)
    )
    kakao_content_variables: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)

    def __attrs_post_init__(self) -> None:
        if not (self.devices or self.users):
            msg = "a Kakao message needs devices or users"
            raise ValidationError(msg)


def _sms(value: Iterable[SMSNotification | Mapping[str, Any]]) -> tuple[SMSNotification, ...]:
    return _single(structure_many(value, SMSNotification))


def _whatsapp(
    value: Iterable[WhatsAppNotification | Mapping[str, Any]],
) -> tuple[WhatsAppNotification, ...]:
    return _single(structure_many(value, WhatsAppNotification))


def _kakao(value: Iterable[KakaoNotification | Mapping[str, Any]]) -> tuple[KakaoNotification, ...]:
    return structure_many(value, KakaoNotification)


def _single(notifications: tuple[T, ...]) -> tuple[T, ...]:
    if len(notifications) != 1:
        msg = f"one recipient per request: give one notification, not {len(notifications)}"
        raise ValidationError(msg)
    return notifications


def _codes(value: Iterable[str] | None) -> tuple[str, ...]:
    return () if value is None else tuple(value)


@attrs.frozen(kw_only=True)
class ChannelMessageResult(OpenResult):
    """The message codes (``Messages``), one per notification; a reply without them is refused.

    Documented for SMS and WhatsApp; for Kakao assumed by analogy. Other keys land in ``extra``.
    """

    message_codes: tuple[str, ...] = attrs.field(converter=_codes, metadata=wire("Messages"))


@attrs.frozen(kw_only=True)
class ChannelSend(Command[ChannelMessageResult]):
    """A send on one of these channels: server token, never retried (no de-duplication key)."""

    token = TokenKind.SERVER
    idempotent = False

    application: str | None = None


@attrs.frozen(kw_only=True)
class CreateSMSMessage(ChannelSend):
    """Send or schedule one SMS. Not idempotent and never retried.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/sms
    """

    path = "/json/1.3/createSMSMessage"

    notifications: tuple[SMSNotification, ...] = attrs.field(converter=_sms)


@attrs.frozen(kw_only=True)
class CreateWhatsAppMessage(ChannelSend):
    """Send or schedule one WhatsApp message. Not idempotent and never retried.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/whatsapp
    """

    path = "/json/1.3/createWhatsAppMessage"

    notifications: tuple[WhatsAppNotification, ...] = attrs.field(converter=_whatsapp)


@attrs.frozen(kw_only=True)
class CreateKakaoMessage(ChannelSend):
    """Send or schedule Kakao messages. Not idempotent and never retried.

    The request is the Kakao page's; its reply (``Messages``) is inferred from the SMS page.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/kakao
    """

    path = "/json/1.3/createKakaoMessage"

    notifications: tuple[KakaoNotification, ...] = attrs.field(
        converter=_kakao, validator=non_empty
    )
