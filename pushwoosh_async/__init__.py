"""An asyncio client for the Pushwoosh Remote API.

::

    from pushwoosh_async import PushwooshClient, CreateMessage, Notification

    async with PushwooshClient(api_token="...", application="XXXXX-XXXXX") as pw:
        note = Notification(content="Hi", devices=["hwid-1"])
        result = await pw(CreateMessage(notifications=[note]))
        result.message_codes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pushwoosh_async import commands, errors
from pushwoosh_async._version import __version__
from pushwoosh_async.client import PushwooshClient
from pushwoosh_async.enums import DeviceType, ListOperator
from pushwoosh_async.errors import (
    APIError,
    PushwooshError,
    PushwooshWarning,
)
from pushwoosh_async.limits import Rate
from pushwoosh_async.pipeline import Call, Reply
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.settings import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from pushwoosh_async.commands import (
        CODE_NOT_AVAILABLE,
        BulkSetTags,
        CreateMessage,
        DeleteMessage,
        GetMessageDetails,
        GetTags,
        Notification,
        RegisterDevice,
        SetTags,
    )

_COMMANDS = frozenset(
    {
        "CODE_NOT_AVAILABLE",
        "BulkSetTags",
        "CreateMessage",
        "DeleteMessage",
        "GetMessageDetails",
        "GetTags",
        "Notification",
        "RegisterDevice",
        "SetTags",
    }
)
"""Names re-exported from ``commands``: looked up on first use, which imports their section."""


def __getattr__(name: str) -> Any:
    if name in _COMMANDS:
        value = getattr(commands, name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "CODE_NOT_AVAILABLE",
    "DEFAULT_BASE_URL",
    "APIError",
    "BulkSetTags",
    "Call",
    "CreateMessage",
    "DeleteMessage",
    "DeviceType",
    "GetMessageDetails",
    "GetTags",
    "ListOperator",
    "Notification",
    "PushwooshClient",
    "PushwooshError",
    "PushwooshWarning",
    "Rate",
    "RegisterDevice",
    "Reply",
    "RetryPolicy",
    "SetTags",
    "__version__",
    "commands",
    "errors",
]
