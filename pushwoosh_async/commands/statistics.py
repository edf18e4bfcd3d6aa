"""Statistics: scheduled v1.3 reports polled with ``getResults``, and the v2 message statistics.

The scheduled methods (``getMsgStats``, ``getAppStats``, ``getCampaignStats``, ...) only start a
job and return a :class:`ScheduledRequest`; pass its ``request_id`` to :class:`GetResults` until
the data is there (Pushwoosh documents no "not ready" signal), or let ``pw.wait`` do it.
``messages:list`` and ``totalsByIntervals`` answer at once, with the server token in the
``Authorization`` header.

Pages: https://docs.pushwoosh.com/developer/api-reference/statistics-api/ (v1, campaign, events
and tags, message statistics) and
https://docs.pushwoosh.com/developer/api-reference/scheduled-requests (``getResults``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from pushwoosh_async._converter import structure_many, structure_one
from pushwoosh_async.commands._base import (
    Command,
    OpenCommand,
    OpenObject,
    OpenResult,
    PageOf,
    Result,
    StartedJob,
    TokenKind,
)
from pushwoosh_async.commands._fields import ints, json_object, non_empty, strings
from pushwoosh_async.commands._specs import JobSpec, JobState, PageSpec, numbered_pages
from pushwoosh_async.errors import ArgumentError, ValidationError

__all__ = [
    "MAX_LOG_LIMIT",
    "MAX_PER_PAGE",
    "Conversion",
    "DateRange",
    "EventAttributeFilter",
    "EventConversion",
    "GetAppStats",
    "GetApplicationSubscribersStats",
    "GetCampaignStats",
    "GetEventStatistics",
    "GetMessageLog",
    "GetMsgPlatformsStats",
    "GetMsgStats",
    "GetResults",
    "GetTagStats",
    "IntervalMetrics",
    "ListParams",
    "MessageFilters",
    "MessageLog",
    "MessageSummary",
    "MessageTotals",
    "MessagesList",
    "MessagesPage",
    "ScheduledRequest",
    "ScheduledResults",
    "StatsRow",
    "SubscribersStats",
    "TotalsByIntervals",
]

MAX_PER_PAGE: Final = 1000
"""Most messages one ``messages:list`` page may hold."""
MAX_LOG_LIMIT: Final = 100_000
"""Most events one ``getMessageLog`` reply may hold."""


def _timestamp(value: dt.datetime | str) -> str:
    """``Y-m-d H:i:s`` as the scheduled statistics methods want it (aware datetimes in UTC)."""
    if isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _optional_timestamp(value: dt.datetime | str | None) -> str | None:
    return None if value is None else _timestamp(value)


def _day(value: dt.date | str) -> str:
    """``YYYY-MM-DD`` (a datetime is cut to its date)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value if isinstance(value, str) else value.isoformat()


def _count(value: int | str | None) -> int:
    # totalsByIntervals sends its counts as strings ("5590").
    return 0 if value is None or value == "" else int(value)


def _objects(value: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple(json_object(v) for v in value)


# --- scheduled (v1.3) ------------------------------------------------------------------------


def _request_id(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value:
        msg = f"{attribute.name} must not be empty"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class ScheduledRequest(StartedJob["ScheduledResults"]):
    """A scheduled statistics job: poll :class:`GetResults` with its ``request_id``.

    ``request_id`` is always in the reply: a reply without it (or with an empty one) is a
    ``DecodeError``, not a job that can never be read.
    """

    request_id: str = attrs.field(validator=_request_id)


@attrs.frozen(kw_only=True)
class StatsRow:
    """One row of a scheduled report: an action counted in one time bucket.

    ``platformid`` is set in per-platform and campaign reports (``getCampaignStats``).
    """

    datetime: str | None = None
    action: str | None = None
    count: int = attrs.field(default=0, converter=_count)
    platformid: int | None = None


def _rows(value: Iterable[StatsRow | Mapping[str, Any]]) -> tuple[StatsRow, ...]:
    return structure_many(value, StatsRow)


def _entries(value: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    return _objects(value)


@attrs.frozen(kw_only=True)
class ScheduledResults(OpenResult):
    """What ``getResults`` returns; the shape depends on the method that started the job.

    ``getMsgStats``/``getMsgPlatformsStats``/``getCampaignStats`` fill ``formatter``, ``rows`` and
    ``conversion``; ``getAppStats`` returns ``applications``/``devices``/``messages`` blocks (in
    ``extra``); ``getEventStatistics`` returns a list of ``{date, count}`` objects (in
    ``entries``). Keys not modelled here are kept in ``extra``.
    """

    formatter: str | None = None
    """The bucket size: ``minutely``, ``hourly``, ``daily``, ``monthly`` or ``yearly``."""
    rows: tuple[StatsRow, ...] = attrs.field(default=(), converter=_rows)
    conversion: Mapping[str, Any] | None = None
    entries: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_entries)
    """The items of a reply that is a JSON array rather than an object."""

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """A list reply goes to ``entries``; an object is read as it is."""
        if isinstance(data, list):
            return {"entries": data}
        return data


@attrs.frozen(kw_only=True)
class GetResults(Command[ScheduledResults]):
    """Read the output of a scheduled statistics job by its ``request_id``.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/scheduled-requests
    """

    path = "/json/1.3/getResults"
    token = TokenKind.SERVER

    request_id: str = attrs.field(validator=non_empty)


def _done_once_read(_: object) -> JobState:
    # getResults answers the data only once the job is done; until then it refuses (inferred).
    return JobState.DONE


SCHEDULED: Final = JobSpec(
    lambda started: GetResults(request_id=started.request_id),
    _done_once_read,
    pending_while=(ArgumentError,),
)
"""The scheduled statistics job: started by getMsgStats, getAppStats, ...; read by getResults."""


@attrs.frozen(kw_only=True)
class GetMsgStats(Command[ScheduledRequest]):
    """Schedule the statistics of one message. Deprecated by Pushwoosh: use TotalsByIntervals.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/statistics-api-v1
    """

    path = "/json/1.3/getMsgStats"
    token = TokenKind.SERVER
    job = SCHEDULED

    message: str = attrs.field(validator=non_empty)
    """The message code."""


@attrs.frozen(kw_only=True)
class GetMsgPlatformsStats(Command[ScheduledRequest]):
    """Schedule one message's statistics per platform. Deprecated: use TotalsByIntervals.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/statistics-api-v1
    """

    path = "/json/1.3/getMsgPlatformsStats"
    token = TokenKind.SERVER
    job = SCHEDULED

    message: str = attrs.field(validator=non_empty)
    """The message code or id."""
    platforms: tuple[int, ...] | None = attrs.field(default=None, converter=ints)


@attrs.frozen(kw_only=True)
class GetAppStats(Command[ScheduledRequest]):
    """Schedule application statistics (opens, installs, registrations, sends) for a period.

    ``datefrom``/``dateto`` are sent as ``YYYY-MM-DD HH:MM:SS`` (aware datetimes in UTC). The
    bucket size follows the period: yearly over a year, ... minutely under three hours.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/application-subscriber-statistics
    """

    path = "/json/1.3/getAppStats"
    token = TokenKind.SERVER
    job = SCHEDULED

    datefrom: str = attrs.field(converter=_timestamp)
    dateto: str = attrs.field(converter=_timestamp)
    application: str | None = None


@attrs.frozen(kw_only=True)
class SubscribersStats(OpenResult):
    """Subscribers of an application by device type.

    The shape was not captured, so every key of the reply is kept in ``extra``.
    """


@attrs.frozen(kw_only=True)
class GetApplicationSubscribersStats(OpenCommand[SubscribersStats]):
    """Subscriber counts of an application, grouped by device type.

    The request (``application``) is documented; the reply's shape is inferred (not shown), so
    it is kept whole in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/statistics-api/statistics-api-v1
    """

    path = "/json/1.3/getApplicationSubscribersStats"
    token = TokenKind.SERVER

    application: str | None = None


@attrs.frozen(kw_only=True)
class GetCampaignStats(Command[ScheduledRequest]):
    """Schedule the statistics of one campaign over a period; ``getResults`` reads the rows.

    ``campaign`` is the campaign code; ``datefrom``/``dateto`` are sent as ``YYYY-MM-DD
    HH:MM:SS`` (a datetime is formatted, an aware one in UTC). All three are required.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/campaign-statistics
    """

    path = "/json/1.3/getCampaignStats"
    token = TokenKind.SERVER
    job = SCHEDULED

    campaign: str = attrs.field(validator=non_empty)
    datefrom: str = attrs.field(converter=_timestamp)
    dateto: str = attrs.field(converter=_timestamp)


@attrs.frozen(kw_only=True)
class EventAttributeFilter:
    """Narrow event statistics to events whose attribute ``name`` matches (``operator`` e.g.

    ``EQ``) one of ``values``.
    """

    name: str
    operator: str
    values: tuple[Any, ...] = attrs.field(converter=tuple)


def _attribute_filters(
    value: Iterable[EventAttributeFilter | Mapping[str, Any]] | None,
) -> tuple[EventAttributeFilter, ...] | None:
    return None if value is None else structure_many(value, EventAttributeFilter)


@attrs.frozen(kw_only=True)
class GetEventStatistics(Command[ScheduledRequest]):
    """Schedule hourly hit counts of an event.

    ``getResults`` then returns ``[{date, count}]`` (in :attr:`ScheduledResults.entries`).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/events-and-tags-statistics
    """

    path = "/json/1.3/getEventStatistics"
    token = TokenKind.SERVER
    job = SCHEDULED

    event: str = attrs.field(validator=non_empty)
    date_from: str = attrs.field(converter=_day)
    date_to: str = attrs.field(converter=_day)
    application: str | None = None
    attributes: tuple[EventAttributeFilter, ...] | None = attrs.field(
        default=None, converter=_attribute_filters
    )


@attrs.frozen(kw_only=True)
class GetTagStats(OpenCommand[ScheduledRequest]):
    """Schedule tag statistics.

    The scheduled-requests page lists the method without its parameters: they are inferred, so
    pass them in ``extra`` (the fake reads ``application`` and ``tag``).

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/scheduled-requests
    """

    path = "/json/1.3/getTagStats"
    token = TokenKind.SERVER
    job = SCHEDULED


# --- messages:list ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DateRange:
    """A reporting period, both ends ``YYYY-MM-DD``."""

    date_from: str = attrs.field(converter=_day)
    date_to: str = attrs.field(converter=_day)


def _date_range(value: DateRange | Mapping[str, Any] | None) -> DateRange | None:
    return None if value is None else structure_one(value, DateRange)


@attrs.frozen(kw_only=True)
class MessageFilters:
    """Which messages ``messages:list`` returns.

    ``platforms`` are names (``IOS``, ``ANDROID``, ``EMAIL``, ``SMS``, ...); ``source`` e.g.
    ``API``, ``CP``, ``CUSTOMER_JOURNEY``.
    """

    application: str = attrs.field(validator=non_empty)
    platforms: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    date_range: DateRange | None = attrs.field(default=None, converter=_date_range)
    source: str | None = None
    campaign: str | None = None
    messages_ids: tuple[int | str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple)
    )
    messages_codes: tuple[str, ...] | None = attrs.field(default=None, converter=strings)


@attrs.frozen(kw_only=True)
class ListParams:
    """Whether each listed message carries its details and its metrics."""

    with_details: bool | None = None
    with_metrics: bool | None = None


def _filters(value: MessageFilters | Mapping[str, Any]) -> MessageFilters:
    return structure_one(value, MessageFilters)


def _params(value: ListParams | Mapping[str, Any] | None) -> ListParams | None:
    return None if value is None else structure_one(value, ListParams)


def _per_page(_: Any, __: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= MAX_PER_PAGE:
        msg = f"per_page must be 1..{MAX_PER_PAGE}, got {value}"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class MessageSummary(OpenObject):
    """One message of ``messages:list``.

    ``push_info`` (details, metrics) and ``email_info`` are kept as JSON; keys not modelled here
    land in ``extra``.
    """

    id: int | None = None
    code: str | None = None
    created_date: str | None = None
    send_date: str | None = None
    status: str | None = None
    platforms: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    source: str | None = None
    push_info: Mapping[str, Any] | None = None
    email_info: Mapping[str, Any] | None = None


def _summaries(value: Iterable[MessageSummary | Mapping[str, Any]]) -> tuple[MessageSummary, ...]:
    return structure_many(value, MessageSummary)


@attrs.frozen(kw_only=True)
class MessagesPage(PageOf[MessageSummary]):
    """One page of sent messages, and how many match in all (both always in the reply)."""

    total: int
    items: tuple[MessageSummary, ...] = attrs.field(converter=_summaries)


@attrs.frozen(kw_only=True)
class MessagesList(Command[MessagesPage]):
    """List sent messages with optional details and metrics, a page at a time.

    The filters' ``application`` is required and is not filled from the client's default (it sits
    inside ``filters``). Pages are numbered from 1. The ``Authorization: Token`` prefix is
    assumed (the page shows none).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/message-statistics-api
    """

    path = "/api/v2/messages:list"
    token = TokenKind.SERVER
    pages = numbered_pages()

    filters: MessageFilters = attrs.field(converter=_filters)
    params: ListParams | None = attrs.field(default=None, converter=_params)
    per_page: int | None = attrs.field(default=None, validator=_per_page)
    page: int | None = None


# --- totalsByIntervals -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class IntervalMetrics:
    """Counts of one platform in one hour (Pushwoosh sends them as strings; read as ints)."""

    timestamp: str | None = None
    """``YYYY-MM-DD HH:MM:SS``."""
    platform: int | None = None
    sends: int = attrs.field(default=0, converter=_count)
    opens: int = attrs.field(default=0, converter=_count)
    deliveries: int = attrs.field(default=0, converter=_count)
    inbox_opens: int = attrs.field(default=0, converter=_count)
    unshowable_sends: int = attrs.field(default=0, converter=_count)
    errors: int = attrs.field(default=0, converter=_count)


@attrs.frozen(kw_only=True)
class EventConversion:
    """An event's hits after the message; ``conversion`` is relative to opens."""

    name: str | None = None
    hits: int = attrs.field(default=0, converter=_count)
    conversion: float = 0.0
    revenue: float = 0.0


def _event_conversions(
    value: Iterable[EventConversion | Mapping[str, Any]],
) -> tuple[EventConversion, ...]:
    return structure_many(value, EventConversion)


@attrs.frozen(kw_only=True)
class Conversion:
    """Totals of a message and the events that followed it."""

    sends: int = attrs.field(default=0, converter=_count)
    opens: int = attrs.field(default=0, converter=_count)
    events: tuple[EventConversion, ...] = attrs.field(default=(), converter=_event_conversions)


def _metrics(value: Iterable[IntervalMetrics | Mapping[str, Any]]) -> tuple[IntervalMetrics, ...]:
    return structure_many(value, IntervalMetrics)


def _conversion(value: Conversion | Mapping[str, Any] | None) -> Conversion | None:
    return None if value is None else structure_one(value, Conversion)


@attrs.frozen(kw_only=True)
class MessageTotals(Result):
    """Hourly metrics per platform and the conversion totals of one message.

    ``metrics`` is always in the reply (a reply without it is a ``DecodeError``).
    """

    metrics: tuple[IntervalMetrics, ...] = attrs.field(converter=_metrics)
    conversion: Conversion | None = attrs.field(default=None, converter=_conversion)


@attrs.frozen(kw_only=True)
class TotalsByIntervals(Command[MessageTotals]):
    """Hourly statistics of one message (push, SMS or WhatsApp); replaces ``getMsgStats``.

    ``message_code`` is required, ``platforms`` optional; the body is bare JSON. The
    ``Authorization: Token`` prefix is assumed (the page shows none).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/statistics-api/statistics-api-v2
    """

    path = "/api/v2/statistics/messages/totalsByIntervals"
    token = TokenKind.SERVER

    message_code: str = attrs.field(validator=non_empty)
    platforms: tuple[int, ...] | None = attrs.field(default=None, converter=ints)


# --- getMessageLog ---------------------------------------------------------------------------


def _hwids(value: str | Iterable[str] | None) -> str | tuple[str, ...] | None:
    return value if value is None or isinstance(value, str) else strings(value)


def _log_limit(_: Any, __: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= MAX_LOG_LIMIT:
        msg = f"limit must be 1..{MAX_LOG_LIMIT}, got {value}"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class MessageLog(OpenResult, PageOf[Any]):
    """One page of message events.

    The rows' key was not captured, so everything but ``pagination_token`` is kept in ``extra``;
    pass the token back for the next page.
    """

    pagination_token: str | None = None


def _log_rows(page: MessageLog) -> Sequence[Any]:
    # The key holding getMessageLog's rows was never captured: the first list in the reply.
    return next((v for v in page.extra.values() if isinstance(v, list)), [])


def _next_log(command: GetMessageLog, page: MessageLog) -> GetMessageLog | None:
    token = page.pagination_token
    return attrs.evolve(command, pagination_token=token) if token else None


@attrs.frozen(kw_only=True)
class GetMessageLog(OpenCommand[MessageLog]):
    """Message events (sent, delivered, opened, inbox ...) per device. Custom Plan only.

    The fields and the ``{"error": ...}`` refusals (which ``codec.decode`` raises as
    ``ArgumentError``) are documented. Inferred: the path and auth (the page lists the method
    without its URL; ``/api/v2/statistics/getMessageLog`` with the server token as
    ``Authorization: Token`` and a ``{"request": ...}`` body follow its neighbours) and the key
    holding the rows (the reply is not shown; the first list in it is read). Subclass with
    another ``path`` if Pushwoosh serves it elsewhere. Give at least one of ``message_id``,
    ``message_code``, ``campaign_code``, ``hwid``, ``user_id`` or ``date_from`` with ``date_to``
    (at most 30 days, ``YYYY-MM-DD HH:MM:SS``). Unmodelled keys go in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/statistics-api/statistics-api-v2
    """

    path = "/api/v2/statistics/getMessageLog"
    token = TokenKind.SERVER
    pages = PageSpec(_log_rows, _next_log)

    message_id: str | None = None
    message_code: str | None = None
    campaign_code: str | None = None
    hwid: str | tuple[str, ...] | None = attrs.field(default=None, converter=_hwids)
    user_id: str | None = None
    application_code: str | None = None
    date_from: str | None = attrs.field(default=None, converter=_optional_timestamp)
    date_to: str | None = attrs.field(default=None, converter=_optional_timestamp)
    limit: int | None = attrs.field(default=None, validator=_log_limit)
    pagination_token: str | None = None
    actions: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    """``sent``, ``delivered``, ``opened``, ``inbox_delivered``, ``inbox_read``, ..."""
    platforms: tuple[str, ...] | None = attrs.field(default=None, converter=strings)
    """Lowercase names: ``ios``, ``android``, ``chrome``, ``email``, ``huawei android``, ..."""

    def __attrs_post_init__(self) -> None:
        keys = (self.message_id, self.message_code, self.campaign_code, self.hwid, self.user_id)
        period = self.date_from is not None and self.date_to is not None
        if all(k is None for k in keys) and not period and not self.pagination_token:
            msg = (
                "give message_id, message_code, campaign_code, hwid, user_id, "
                "or date_from with date_to"
            )
            raise ValidationError(msg)
