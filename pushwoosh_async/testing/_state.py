"""The fake's model of one Pushwoosh account: what the API calls read and change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

__all__ = [
    "Account",
    "CampaignRecord",
    "Device",
    "Interaction",
    "Job",
    "JourneyRecord",
    "Message",
]


@attrs.define
class Device:
    """A registered device (or email, SMS or WhatsApp address) of one application."""

    application: str
    hwid: str
    device_type: int
    push_token: str | None = None
    user_id: str | None = None
    language: str | None = None
    tags: dict[str, Any] = attrs.field(factory=dict)


@attrs.define
class Message:
    """A message ``createMessage`` created: its notification as sent, and what it reached."""

    code: str
    application: str
    notification: dict[str, Any]
    transaction_id: str | None
    devices: tuple[str, ...] = ()
    """Known devices it targeted explicitly."""
    unknown_devices: tuple[str, ...] = ()
    """Devices it listed that the application does not know (the reply's ``UnknownDevices``)."""
    reply_code: str | None = None
    """The code ``createMessage`` answered for it: ``code``, or ``CODE_NOT_AVAILABLE`` when it
    reached few devices. A repeated ``transactionId`` is answered with it again."""
    deleted: bool = False
    channel: str = "push"
    """What sent it: ``push`` (createMessage and its kin), ``email``, ``sms``, ``whatsapp``,
    ``kakao``, or ``v2`` (Messaging API v2 ``notify``). Statistics count messages of each."""
    created: dt.datetime = attrs.field(factory=lambda: dt.datetime.now(dt.timezone.utc))
    """When the fake received it (UTC); date-ranged statistics select messages by it."""


@attrs.define
class Job:
    """A server-side asynchronous job: pending for ``polls_left`` status reads, then done."""

    request_id: str
    kind: str
    polls_left: int
    result: dict[str, Any] = attrs.field(factory=dict)

    def poll(self) -> str:
        """The job's status for one read; each read brings it closer to done."""
        if self.polls_left > 0:
            self.polls_left -= 1
            return "Pending"
        return "Completed"


@attrs.define
class Account:
    """Everything the fake knows. Read it from tests as ``fake.state``."""

    applications: set[str] = attrs.field(factory=set)
    devices: dict[tuple[str, str], Device] = attrs.field(factory=dict)
    """By (application, hwid)."""
    messages: dict[str, Message] = attrs.field(factory=dict)
    """By message code."""
    transactions: dict[str, list[str]] = attrs.field(factory=dict)
    """transactionId -> [the code of the message it created]. A repeat creates nothing and gets
    that message's original answer again: its ``reply_code`` and its ``UnknownDevices`` entry."""
    jobs: dict[str, Job] = attrs.field(factory=dict)
    tags: dict[str, int] = attrs.field(factory=dict)
    """Tag name -> type: 1 integer, 2 string, 3 list, 4 date, 5 boolean, 6 decimal, 7 version."""
    filters: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Filter (segment) name -> its definition as created."""
    presets: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Preset code -> its definition as created."""
    events: dict[tuple[str, str], dict[str, Any]] = attrs.field(factory=dict)
    """(application, event name) -> its definition as created."""
    posted_events: list[dict[str, Any]] = attrs.field(factory=list)
    """Every ``postEvent`` received, in order."""
    # --- statistics, campaigns, journeys -------------------------------------------------------
    opens: list[Interaction] = attrs.field(factory=list)
    """Pushes opened (``pushStat``), in order: what statistics count as ``open``."""
    deliveries: list[Interaction] = attrs.field(factory=list)
    """Pushes delivered (``messageDeliveryEvent``), in order: counted as ``delivery``."""
    campaigns: dict[str, CampaignRecord] = attrs.field(factory=dict)
    """Campaign code -> the campaign ``createCampaign`` made, in creation order."""
    journeys: dict[str, JourneyRecord] = attrs.field(factory=dict)
    """Journey uuid -> its definition, status and the users in it."""

    def device(self, application: str, hwid: str) -> Device | None:
        """The device ``hwid`` of ``application``, if registered."""
        return self.devices.get((application, hwid))

    def user_devices(self, application: str, user_id: str) -> list[Device]:
        """Every device of ``application`` registered for ``user_id``."""
        return [
            d
            for d in self.devices.values()
            if d.application == application and d.user_id == user_id
        ]


# --- statistics, campaigns, journeys -------------------------------------------------------------


@attrs.frozen
class Interaction:
    """One device's interaction with one message (an open, a delivery), and when it happened."""

    message_code: str
    hwid: str
    at: dt.datetime = attrs.field(factory=lambda: dt.datetime.now(dt.timezone.utc))


@attrs.define
class CampaignRecord:
    """A campaign of one application; messages sent with its code count in its statistics."""

    code: str
    application: str
    name: str
    description: str | None = None


@attrs.define
class JourneyRecord:
    """A customer journey: its definition as last sent, its status and who is in it."""

    uuid: str
    title: str
    params: dict[str, Any]
    points: list[dict[str, Any]] = attrs.field(factory=list)
    comments: list[dict[str, Any]] = attrs.field(factory=list)
    status: str = "STATUS_DRAFT"
    users: list[str] = attrs.field(factory=list)
    """Who entered through the API entry point (user ids, or hwids), in order; drops remove."""
    entries: list[dict[str, Any]] = attrs.field(factory=list)
    """Every accepted start-by-API payload, with its ``request_uuid``."""
    dropped: list[str] = attrs.field(factory=list)
    """Users taken out of the journey (``journey drop users``), in order."""
