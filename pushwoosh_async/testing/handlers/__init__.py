"""What each Pushwoosh method does to the fake account, and what it answers.

One module per section of the API reference (the same sections as ``pushwoosh_async.commands``),
one small function per method. A handler gets the account and the request object (already
unwrapped from ``{"request": ...}`` and authenticated) and returns the reply's data, or raises
:class:`~pushwoosh_async.testing._request.Refusal` with the status Pushwoosh would give. Replies
use the documented field names; where Pushwoosh's exact wording is unknown, a refusal's message
says what is wrong in the same style.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from pushwoosh_async.testing.handlers import (
    audience,
    campaigns,
    device,
    events,
    journeys,
    message_stats,
    messages,
    presets,
    segmentation,
    statistics,
    tags,
)
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS", "Handler"]

HANDLERS: Final[Mapping[str, Handler]] = {
    **audience.HANDLERS,
    **campaigns.HANDLERS,
    **device.HANDLERS,
    **events.HANDLERS,
    **journeys.HANDLERS,
    **message_stats.HANDLERS,
    **messages.HANDLERS,
    **presets.HANDLERS,
    **segmentation.HANDLERS,
    **statistics.HANDLERS,
    **tags.HANDLERS,
}
"""The modelled methods, by wire method name (``Command.method``)."""
