"""Audience API v2: bulk tag updates (``/api/v2/audience``, unwrapped body, server token)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many
from pushwoosh_async.commands._base import Command, Result, TokenKind
from pushwoosh_async.commands._fields import json_object, non_empty
from pushwoosh_async.enums import ListOperator
from pushwoosh_async.errors import ValidationError

__all__ = ["BulkSetTags", "BulkSetTagsJob", "DeviceTags"]


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
class BulkSetTagsJob(Result):
    """The server-side job ``bulkSetTags`` started; poll it by ``request_id``."""

    request_id: str
    status: str = ""


@attrs.frozen(kw_only=True)
class BulkSetTags(Command[BulkSetTagsJob]):
    """Set tags on many devices in one asynchronous job.

    Not idempotent (``append`` would apply twice) and it has no de-duplication key, so it is
    never retried.
    """

    path = "/api/v2/audience/bulkSetTags"
    token = TokenKind.SERVER
    result_type = BulkSetTagsJob
    idempotent = False

    devices: tuple[DeviceTags, ...] = attrs.field(converter=_devices, validator=non_empty)
    application: str | None = None
    create_missing_tags: bool | None = None
