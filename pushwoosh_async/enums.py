"""Closed value sets of the API. Fields typed with these also accept the raw int or string."""

from __future__ import annotations

import enum

__all__ = ["DeviceType", "ListOperator"]


class DeviceType(enum.IntEnum):
    """Device (platform) type codes, as in ``registerDevice`` and ``platforms``."""

    IOS = 1
    BLACKBERRY = 2
    ANDROID = 3
    WINDOWS_PHONE = 5
    OSX = 7
    WINDOWS = 8
    AMAZON = 9
    SAFARI = 10
    CHROME = 11
    FIREFOX = 12
    IE11 = 13
    EMAIL = 14
    HUAWEI = 17
    SMS = 18
    XIAOMI = 19
    WHATSAPP = 21


class ListOperator(str, enum.Enum):
    """How ``bulkSetTags`` applies values to a list tag."""

    SET = "set"
    APPEND = "append"
    REMOVE = "remove"
