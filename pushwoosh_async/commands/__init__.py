"""Every Pushwoosh method as a command class, named as the PascalCase of its wire name."""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.commands._base import Ack, Command, Result, TokenKind
from pushwoosh_async.commands.audience import BulkSetTags, BulkSetTagsJob, DeviceTags
from pushwoosh_async.commands.device import GetTags, RegisterDevice, SetTags, Tags
from pushwoosh_async.commands.messages import (
    CODE_NOT_AVAILABLE,
    MAX_RECIPIENTS,
    AndroidOptions,
    ChromeOptions,
    CreateMessage,
    CreateMessageResult,
    DeleteMessage,
    FirefoxOptions,
    GeoZone,
    GetMessageDetails,
    IOSOptions,
    MessageDetails,
    Notification,
    SafariOptions,
)

__all__ = [
    "ALL",
    "CODE_NOT_AVAILABLE",
    "MAX_RECIPIENTS",
    "Ack",
    "AndroidOptions",
    "BulkSetTags",
    "BulkSetTagsJob",
    "ChromeOptions",
    "Command",
    "CreateMessage",
    "CreateMessageResult",
    "DeleteMessage",
    "DeviceTags",
    "FirefoxOptions",
    "GeoZone",
    "GetMessageDetails",
    "GetTags",
    "IOSOptions",
    "MessageDetails",
    "Notification",
    "RegisterDevice",
    "Result",
    "SafariOptions",
    "SetTags",
    "Tags",
    "TokenKind",
]

ALL: Final[tuple[type[Command[Any]], ...]] = (
    CreateMessage,
    DeleteMessage,
    GetMessageDetails,
    RegisterDevice,
    SetTags,
    GetTags,
    BulkSetTags,
)
"""Every command class."""
