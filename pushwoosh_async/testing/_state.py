"""The fake's model of one Pushwoosh account: what the API calls read and change."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs

from pushwoosh_async.testing._exports import ExportFiles

__all__ = [
    "Account",
    "CampaignRecord",
    "Device",
    "Interaction",
    "Job",
    "JourneyRecord",
    "Message",
]


def _touched(_device: Device, _: attrs.Attribute[Any], value: Any) -> Any:
    Device.changes += 1  # the indexes of Account.devices_by are rebuilt on their next use
    return value


@attrs.define
class Device:
    """A registered device (or email, SMS or WhatsApp address) of one application."""

    changes: ClassVar[int] = 0
    """Counts devices created and ``application``/``push_token``/``user_id`` changes (any)."""

    application: str = attrs.field(on_setattr=_touched)
    hwid: str
    device_type: int
    push_token: str | None = attrs.field(default=None, on_setattr=_touched)
    user_id: str | None = attrs.field(default=None, on_setattr=_touched)
    language: str | None = None
    tags: dict[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        Device.changes += 1


@attrs.define
class Message:
    """A message of any channel (push, email, SMS, ..., v2): as sent, and what it reached."""

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
    # messaging (issue 11): cancellation and what a message was sent as.
    cancelled: bool = False
    """Cancelled while still scheduled (v1.3 ``cancelMessage`` or v2 ``cancel``): never sent."""
    method: str = "createMessage"
    """The wire method that created it (``createMessage``, ``notify``, ``startLiveActivity``...)."""
    users: tuple[str, ...] = ()
    """The user ids it targeted explicitly (``users`` / v2 ``users.list``)."""
    scheduled: bool = False
    """Held for a future send time (a ``send_date`` or ``schedule`` ahead): it can be cancelled."""


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
    # messaging (issue 11): email bounces and iOS Live Activities.
    bounced_emails: set[str] = attrs.field(factory=set)
    """Email addresses that bounced; tests fill it, ``getBouncedEmails`` reports it."""
    live_activities: dict[str, list[str]] = attrs.field(factory=dict)
    """Live Activity id -> the codes of the messages that started and updated it, in order."""

    # --- device, users, tags, events, test devices, inbox (the Device API sections) -----------
    badges: dict[tuple[str, str], int] = attrs.field(factory=dict)
    """(application, hwid) -> the badge ``setBadge`` last reported."""
    last_opens: dict[tuple[str, str], dt.datetime] = attrs.field(factory=dict)
    """(application, hwid) -> when ``applicationOpen`` last reported the app opened (UTC)."""
    purchases: list[dict[str, Any]] = attrs.field(factory=list)
    """Every ``setPurchase``, in order: ``application``, ``hwid`` and the purchase's wire keys."""
    test_devices: dict[tuple[str, str], dict[str, Any]] = attrs.field(factory=dict)
    """(application, push token) -> ``name``, ``device_type``, ``description`` as created."""
    tag_scopes: dict[str, bool] = attrs.field(factory=dict)
    """Tag name -> whether ``addTag`` made it application-specific (``listTags`` reports it)."""
    inbox_states: dict[tuple[str, str, str], int] = attrs.field(factory=dict)
    """(application, user id or hwid, message code) -> inbox status (2 read, 3 opened, 4 deleted);
    a message without an entry is delivered (1)."""
    # --- segmentation, audience and SDK calls (helper "segments", issue 11) ---
    in_apps: list[dict[str, Any]] = attrs.field(factory=list)
    """The in-app resources ``getInApps`` answers; tests fill it (``in_apps.append({...})``)."""
    web_config: dict[str, Any] = attrs.field(factory=dict)
    """Web SDK feature name -> its configuration, as ``getConfig`` answers; tests fill it."""
    popup_forms: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Pop-up form code -> the form; its ``json``/``html`` keys are what ``getPopupFormContent``
    answers, the other keys what ``getPopupForms`` lists. Tests fill it."""
    inapp_actions: list[dict[str, Any]] = attrs.field(factory=list)
    """Every ``triggerInAppAction`` received, in order."""
    rich_media_actions: list[dict[str, Any]] = attrs.field(factory=list)
    """Every ``richMediaAction`` received, in order."""
    page_visits: list[dict[str, Any]] = attrs.field(factory=list)
    """Every ``pageVisit`` received, in order."""
    popup_form_events: list[dict[str, Any]] = attrs.field(factory=list)
    """Every ``recordPopupFormEvent`` received, in order."""
    advertising_ids: dict[tuple[str, str], str | None] = attrs.field(factory=dict)
    """(application, hwid) -> the advertising id ``setMADID`` set (``None`` once cleared)."""
    exports: ExportFiles = attrs.field(factory=ExportFiles)
    """The export ZIPs built, where their links point, and each download (``testing._exports``)."""
    failing_exports: int = 0
    """How many of the next export jobs end ``failed`` (tests set it)."""
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
        return self.devices_by(application, "user_id", user_id)

    def devices_by(self, application: str, key: str, value: str) -> list[Device]:
        """The devices of ``application`` whose ``key`` (``user_id``, ``push_token``) is ``value``.

        Indexed: an index is built once and used until a device is created or one's
        application, push token or user id changes; a device removed from ``devices`` is left out.
        """
        revision, index = self._indexes.get((application, key), (-1, {}))
        if revision != Device.changes:
            index = {}
            for device in self.devices.values():
                found = getattr(device, key)
                if device.application == application and found is not None:
                    index.setdefault(found, []).append(device)
            self._indexes[application, key] = (Device.changes, index)
        return [d for d in index.get(value, ()) if self.devices.get((application, d.hwid)) is d]

    # --- applications, presets, geozones (issue 11) ------------------------------------------
    application_details: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Application code -> its settings (``title``, ``icon``, ``sdk_ios``, ``sdk_android``, ...)
    and ``platforms``: device type -> ``{"enabled": bool, "settings": {...}}``. ``applications``
    stays the set of codes that exist; an application without an entry here has the defaults."""
    geozones: dict[int, dict[str, Any]] = attrs.field(factory=dict)
    """Geozone id -> the zone as added (wire names, ``application`` and ``id`` included)."""
    geozone_clusters: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Cluster code -> ``{"application", "code", "name", "cooldown"}``."""
    last_geozone_id: int = 0
    """The id the last added geozone got (ids are never reused)."""
    device_locations: dict[tuple[str, str], tuple[float, float]] = attrs.field(factory=dict)
    """(application, hwid) -> the (lat, lng) ``getNearestZone`` last recorded."""
    _indexes: dict[tuple[str, str], tuple[int, dict[str, list[Device]]]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )


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
