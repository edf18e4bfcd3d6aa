"""iOS Live Activities: start and update, each notification recorded as a push message.

``account.live_activities`` maps a ``live_activity_id`` to the codes of the messages that
started and updated it. An update naming an id that was never started is refused (210), as is
a start reusing a running id.
"""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.messages import audience_of, notifications_of
from pushwoosh_async.testing.handlers.outbox import Audience, record
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def _live_activity(notification: dict[str, Any]) -> dict[str, Any]:
    block = notification.get("live_activity", notification.get("ios_live_activity"))
    if not isinstance(block, dict) or not isinstance(block.get("content-state"), dict):
        raise Refusal(210, '"live_activity" with a "content-state" object is required')
    return block


def start_live_activity(call: Request) -> dict[str, Any]:
    """Start one Live Activity per notification on the devices it names."""
    application = call.application()
    notifications = notifications_of(call)
    for notification in notifications:
        _live_activity(notification)
        activity = notification.get("live_activity_id")
        if not isinstance(activity, str) or not activity:
            raise Refusal(210, 'Invalid or missing "live_activity_id"')
        if activity in call.account.live_activities:
            raise Refusal(210, f"Live Activity {activity} is already started")
    codes = []
    for notification in notifications:
        message, _ = record(
            call,
            channel="push",
            method="startLiveActivity",
            application=application,
            notification=notification,
            audience=audience_of(call, notification),
        )
        call.account.live_activities[notification["live_activity_id"]] = [message.code]
        codes.append(message.code)
    return {"Messages": codes}


def update_live_activity(call: Request) -> dict[str, Any]:
    """Update (or end) running Live Activities, by id or by their push tokens."""
    application = call.application()
    notifications = notifications_of(call)
    for notification in notifications:
        _live_activity(notification)
        activity = notification.get("live_activity_id")
        if activity is not None and activity not in call.account.live_activities:
            raise Refusal(210, f"Live Activity {activity} is not started")
    codes = []
    for notification in notifications:
        activity = notification.get("live_activity_id")
        reached = (
            call.account.messages[call.account.live_activities[activity][0]].devices
            if activity
            else ()
        )
        message, _ = record(
            call,
            channel="push",
            method="updateLiveActivity",
            application=application,
            notification=notification,
            audience=Audience(devices=reached),
        )
        if activity:
            call.account.live_activities[activity].append(message.code)
        codes.append(message.code)
    return {"Messages": codes}


HANDLERS: dict[str, Handler] = {
    "startLiveActivity": start_live_activity,
    "updateLiveActivity": update_live_activity,
}
