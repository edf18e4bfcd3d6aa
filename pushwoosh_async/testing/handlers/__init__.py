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
    applications,
    audience,
    campaigns,
    channels,
    device,
    device_reports,
    email,
    events,
    geozones,
    inbox,
    journeys,
    live_activities,
    message_stats,
    messages,
    messaging_v2,
    presets,
    sdk,
    segmentation,
    statistics,
    tags,
    testing_devices,
    users,
)
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS", "Handler"]

HANDLERS: Final[Mapping[str, Handler]] = {
    **applications.HANDLERS,
    **audience.HANDLERS,
    **campaigns.HANDLERS,
    **channels.HANDLERS,
    **device.HANDLERS,
    **device_reports.HANDLERS,
    **email.HANDLERS,
    **events.HANDLERS,
    **geozones.HANDLERS,
    **inbox.HANDLERS,
    **journeys.HANDLERS,
    **live_activities.HANDLERS,
    **message_stats.HANDLERS,
    **messages.HANDLERS,
    **messaging_v2.HANDLERS,
    **presets.HANDLERS,
    **sdk.HANDLERS,
    **segmentation.HANDLERS,
    **statistics.HANDLERS,
    **tags.HANDLERS,
    **testing_devices.HANDLERS,
    **users.HANDLERS,
}
"""The modelled methods, by wire method name (``Command.method``)."""
