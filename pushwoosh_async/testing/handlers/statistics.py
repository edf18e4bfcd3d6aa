"""Statistics: scheduled reports read back with ``getResults``."""

from __future__ import annotations

from pushwoosh_async.testing.handlers.jobs import get_msg_stats, get_results
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

HANDLERS: dict[str, Handler] = {
    "getMsgStats": get_msg_stats,
    "getResults": get_results,
}
