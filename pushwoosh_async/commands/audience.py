"""Audience API v2: bulk tag updates (``/api/v2/audience``, unwrapped body, server token)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from pushwoosh_async._converter import structure_many
from pushwoosh_async.commands._base import (
    Command,
    OpenCommand,
    OpenObject,
    OpenResult,
    StartedJob,
    TokenKind,
)
from pushwoosh_async.commands._fields import json_object, mapping, non_empty
from pushwoosh_async.commands._specs import JobSpec, status_state
from pushwoosh_async.enums import DeviceType, ListOperator
from pushwoosh_async.errors import ValidationError

__all__ = [
    "BulkDevice",
    "BulkDeviceOutcome",
    "BulkRegisterDevice",
    "BulkRegisterDeviceResult",
    "BulkSetTags",
    "BulkSetTagsJob",
    "BulkSetTagsJobStatus",
    "BulkSetTagsStatus",
    "DeviceTags",
]


def _operator(value: ListOperator | str | None) -> ListOperator | None:
    return None if value is None else ListOperator(value)


@attrs.frozen(kw_only=True)
class DeviceTags:
    """One entry of ``bulkSetTags``: exactly one of ``hwid``, ``user_id``, ``push_token``."""

    tags: Mapping[str, Any] = attrs.field(converter=json_object)
    hwid: str | None = None
    user_id: str | None = None
    push_token: str | None = None
    list_operator: ListOperator | None = attrs.field(default=None, converter=_operator)
    """How list tags change: set (replace), append or remove."""

    def __attrs_post_init__(self) -> None:
        given = [v for v in (self.hwid, self.user_id, self.push_token) if v is not None]
        if len(given) != 1:
            msg = "each device entry needs exactly one of hwid, user_id or push_token"
            raise ValidationError(msg)


def _devices(value: Iterable[DeviceTags | Mapping[str, Any]]) -> tuple[DeviceTags, ...]:
    return structure_many(value, DeviceTags)


@attrs.frozen(kw_only=True)
class BulkSetTagsJob(StartedJob["BulkSetTagsJobStatus"]):
    """The server-side job ``bulkSetTags`` started; poll it by ``request_id``.

    Both keys are always in the documented reply: one without them is a DecodeError.
    """

    request_id: str = attrs.field(validator=non_empty)
    status: str


@attrs.frozen(kw_only=True)
class BulkSetTags(Command[BulkSetTagsJob]):
    """Set tags on many devices in one asynchronous job.

    Not idempotent (``append`` would apply twice) and it has no de-duplication key, so it is
    never retried. The page asks for at least 50 devices per call (not enforced here) and gives
    no maximum: :attr:`max_devices` (1000) is inferred, the largest list the API documents
    elsewhere (``createMessage``'s devices), and what a segment import sends at most per call.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/audience-api/
    """

    path = "/api/v2/audience/bulkSetTags"
    token = TokenKind.SERVER
    job = JobSpec(lambda started: BulkSetTagsStatus(request_id=started.request_id), status_state)
    idempotent = False
    max_devices: ClassVar[int] = 1000
    """Entries per call a segment import sends at most (inferred: no maximum is documented)."""

    devices: tuple[DeviceTags, ...] = attrs.field(converter=_devices, validator=non_empty)
    application: str | None = None
    create_missing_tags: bool | None = None


@attrs.frozen(kw_only=True)
class BulkDeviceOutcome(OpenObject):
    """What a ``bulkSetTags`` job did to one device entry (in a ``detailed`` status)."""

    status: str = ""
    """``done``, ``not_found`` or ``failed``."""
    hwid: str | None = None
    user_id: str | None = None
    push_token: str | None = None
    errors: tuple[str, ...] = ()


def _outcomes(
    value: Iterable[BulkDeviceOutcome | Mapping[str, Any]] | None,
) -> tuple[BulkDeviceOutcome, ...] | None:
    return None if value is None else structure_many(value, BulkDeviceOutcome)


@attrs.frozen(kw_only=True)
class BulkSetTagsJobStatus(OpenResult):
    """The state of a ``bulkSetTags`` job.

    ``status`` (``Pending``, ``Completed`` or ``Failed``) is required. The counts and the per-device
    ``devices`` list (given for ``detailed=True``) are inferred names, see
    :class:`BulkSetTagsStatus`; other keys land in ``extra``.
    """

    status: str = attrs.field(validator=non_empty)
    request_id: str | None = None
    progress: int | None = None
    """Percent done."""
    devices_success: int | None = None
    devices_not_found: int | None = None
    devices_failed: int | None = None
    devices: tuple[BulkDeviceOutcome, ...] | None = attrs.field(default=None, converter=_outcomes)


def _request_id(_: Any, __: attrs.Attribute[Any], value: str) -> None:
    if not value:
        msg = "request_id must not be empty"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class BulkSetTagsStatus(OpenCommand[BulkSetTagsJobStatus]):
    """Poll a ``bulkSetTags`` job by the ``request_id`` it answered.

    The page documents ``GET .../bulkSetTags/{request_id}?detailed=false`` (``detailed=True`` asks
    for a per-device outcome list). Inferred: the stored copies of the page break off before its
    header table and reply, so the server token goes the way every other body-less Pushwoosh v2
    call takes it, ``Authorization: Token <server token>`` (the family's GET rule), and the reply
    keys beyond ``status`` are recalled names. Extra query parameters go in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/tags
    """

    path = "/api/v2/audience/bulkSetTags/{request_id}"
    method = "bulkSetTags status"
    http_method = "GET"
    token = TokenKind.SERVER

    request_id: str = attrs.field(validator=_request_id)
    detailed: bool | None = None


def _platform(value: DeviceType | int) -> int:
    return int(value)


@attrs.frozen(kw_only=True)
class BulkDevice(OpenObject):
    """One entry of ``bulkRegisterDevice``.

    ``platform`` is a device type code (14 for email, where ``hwid`` may be the address).
    ``list_operator`` is ``append`` or ``remove`` for list tags; unset replaces the whole list.
    Keys not modelled go in ``extra``.
    """

    hwid: str
    push_token: str
    platform: int = attrs.field(converter=_platform)
    tags: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)
    list_operator: ListOperator | None = attrs.field(default=None, converter=_operator)


def _bulk_devices(value: Iterable[BulkDevice | Mapping[str, Any]]) -> tuple[BulkDevice, ...]:
    return structure_many(value, BulkDevice)


@attrs.frozen(kw_only=True)
class BulkRegisterDeviceResult(OpenResult):
    """The reply of ``bulkRegisterDevice``: not documented.

    Assumed to resemble ``bulkSetTags`` (a ``request_id`` and ``status``); every other key lands
    in ``extra``.
    """

    request_id: str | None = None
    status: str | None = None


@attrs.frozen(kw_only=True)
class BulkRegisterDevice(OpenCommand[BulkRegisterDeviceResult]):
    """Register many devices (with their tags) in one call.

    Not idempotent (``append`` would apply twice), so never retried. Unmodelled keys go in
    ``extra``. Inferred: the page documents the request; its reply is not shown (see the result).

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/audience-api/
    """

    path = "/api/v2/audience/bulkRegisterDevice"
    token = TokenKind.SERVER
    idempotent = False

    devices: tuple[BulkDevice, ...] = attrs.field(converter=_bulk_devices, validator=non_empty)
    application: str | None = None
