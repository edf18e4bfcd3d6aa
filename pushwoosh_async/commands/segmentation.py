"""Segmentation: filters (``/json/1.3``) and segment exports (``/api/v2/audience``)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from pushwoosh_async._converter import structure_many, wire
from pushwoosh_async.commands._base import (
    Ack,
    Command,
    OpenCommand,
    OpenResult,
    Result,
    StartedJob,
    TokenKind,
)
from pushwoosh_async.commands._fields import strings
from pushwoosh_async.commands._specs import JobSpec, status_state
from pushwoosh_async.commands.statistics import SCHEDULED, ScheduledResults
from pushwoosh_async.errors import ValidationError

__all__ = [
    "CompileFilter",
    "CompiledFilter",
    "CreateFilter",
    "DeleteFilter",
    "ExportFormat",
    "ExportSegment",
    "ExportSegmentLegacy",
    "ExportSegmentLegacyJob",
    "ExportSegmentResult",
    "ExportStatus",
    "ExportTask",
    "FilterCreated",
    "FilterInfo",
    "FilterList",
    "ListFilters",
]


def _required(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value:
        msg = f"{attribute.name} must not be empty"
        raise ValidationError(msg)


def _date(value: dt.date | str | None) -> str | None:
    return value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else value


def _conditions(value: Iterable[Iterable[Any]] | None) -> tuple[tuple[Any, ...], ...] | None:
    return None if value is None else tuple(tuple(c) for c in value)


@attrs.frozen(kw_only=True)
class FilterCreated(Result):
    """The name of the filter ``createFilter`` made (always in the documented reply)."""

    name: str = attrs.field(validator=_required)


@attrs.frozen(kw_only=True)
class CreateFilter(Command[FilterCreated]):
    """Create a filter (saved segment).

    Give ``filter_expression`` in the segmentation language, e.g. ``T("City", eq, "Madrid")``
    (current docs), or the legacy ``conditions`` (``[[tag, operator, values], ...]``) joined by
    ``operator``. ``expiration_date`` (date or ``YYYY-MM-DD``): the filter is deleted then unless
    a preset or RSS feed uses it. The docs say ``application`` matters only for a High-Speed
    setup; the client's default is sent like everywhere else, and without one it is left out.
    ``conditions``/``operator`` are the older page's shape
    (https://docs.pushwoosh.com/platform-docs/api-reference/filters).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/segmentation-filters-api/
    """

    path = "/json/1.3/createFilter"
    token = TokenKind.SERVER
    needs_application = False  # optional on the page: omitted when neither set nor defaulted

    name: str = attrs.field(validator=_required)
    filter_expression: str | None = None
    conditions: tuple[tuple[Any, ...], ...] | None = attrs.field(
        default=None, converter=_conditions
    )
    operator: Literal["AND", "OR"] | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.in_(("AND", "OR")))
    )
    application: str | None = None
    expiration_date: str | None = attrs.field(default=None, converter=_date)

    def __attrs_post_init__(self) -> None:
        if (self.filter_expression is None) == (self.conditions is None):
            msg = "give filter_expression or (legacy) conditions, exactly one"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class FilterInfo:
    """One filter as ``listFilters`` reports it (legacy replies carry ``conditions`` as text)."""

    name: str = ""
    code: str | None = None
    filter_expression: str | None = None
    expiration_date: str | None = None
    application: str | None = None
    conditions: str | None = None


def _filters(value: Iterable[FilterInfo | Mapping[str, Any]] | None) -> tuple[FilterInfo, ...]:
    return () if value is None else structure_many(value, FilterInfo)


@attrs.frozen(kw_only=True)
class FilterList(Result):
    """The filters of an application (``filters`` is always in the documented reply)."""

    filters: tuple[FilterInfo, ...] = attrs.field(converter=_filters)


@attrs.frozen(kw_only=True)
class ListFilters(Command[FilterList]):
    """List the filters of an application (required by the newest docs; the client's default).

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/segmentation-filters-api/
    """

    path = "/json/1.3/listFilters"
    token = TokenKind.SERVER

    application: str | None = None


@attrs.frozen(kw_only=True)
class DeleteFilter(Command[Ack]):
    """Delete a filter by name.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/segmentation-filters-api/
    """

    path = "/json/1.3/deleteFilter"
    token = TokenKind.SERVER

    name: str = attrs.field(validator=_required)


class ExportFormat(str, enum.Enum):
    """File format of a segment export."""

    CSV = "CSV"
    JSON = "JSON"


def _format(value: ExportFormat | str | None) -> ExportFormat | None:
    try:
        return None if value is None else ExportFormat(value)
    except ValueError:
        msg = f"format must be CSV or JSON, not {value!r}"
        raise ValidationError(msg) from None


def _task_id_text(value: str | int | None) -> str:
    # The docs type task_id as string or integer; it is kept as a string either way. A null id
    # becomes "", which the validator refuses.
    return "" if value is None else str(value)


@attrs.frozen(kw_only=True)
class ExportTask(StartedJob["ExportStatus"]):
    """The export job ``exportSegment`` started; poll it with ``ExportSegmentResult``.

    ``task_id`` is what the page says the reply carries: a reply without one is a DecodeError.
    """

    task_id: str = attrs.field(converter=_task_id_text, validator=_required)


@attrs.frozen(kw_only=True)
class ExportSegment(Command[ExportTask]):
    """Start exporting the devices of a segment given as a segmentation-language expression.

    ``export_csv=False`` only counts devices (as Pushwoosh's pypwtools does); ``export_data``
    restricts the exported columns. Inferred: the page names ``filterExpression``, ``exportData``,
    ``format`` and the ``task_id`` reply, but its field table was not readable in full, and
    ``exportCsv`` comes from pypwtools.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/filters
    """

    path = "/api/v2/audience/exportSegment"
    token = TokenKind.SERVER
    job = JobSpec(lambda started: ExportSegmentResult(task_id=started.task_id), status_state)

    filter_expression: str = attrs.field(validator=_required, metadata=wire("filterExpression"))
    export_csv: bool | None = attrs.field(default=None, metadata=wire("exportCsv"))
    format: ExportFormat | None = attrs.field(default=None, converter=_format)
    export_data: tuple[str, ...] | None = attrs.field(
        default=None, converter=strings, metadata=wire("exportData")
    )


@attrs.frozen(kw_only=True)
class ExportStatus(OpenResult):
    """Progress of a segment export.

    ``status`` is ``in-progress``, ``completed`` or ``failed`` (values from pypwtools). The file
    link is ``filename`` in the docs but ``csv_filename`` in pypwtools: both are read, and
    :attr:`url` gives whichever came. Unknown keys land in ``extra``.
    """

    status: str = ""
    progress: int | None = None
    """Percent done."""
    devices_count: int | None = None
    filename: str | None = None
    csv_filename: str | None = None

    @property
    def url(self) -> str | None:
        """The link to the ZIP holding the export, once completed."""
        return self.filename or self.csv_filename

    @property
    def finished(self) -> bool:
        """Whether polling can stop (``completed`` or ``failed``)."""
        return self.status in ("completed", "failed")


@attrs.frozen(kw_only=True)
class ExportSegmentResult(Command[ExportStatus]):
    """Poll a segment export by the ``task_id`` ``ExportSegment`` answered (pypwtools: 1/s).

    Inferred: the page documents the ``task_id`` request and the ``filename`` link of the reply;
    ``status``, ``progress`` and ``devices_count`` are read as pypwtools reads them.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/filters
    """

    path = "/api/v2/audience/exportSegment/result"
    method = "exportSegment/result"
    token = TokenKind.SERVER

    task_id: str = attrs.field(converter=_task_id_text, validator=_required)


@attrs.frozen(kw_only=True)
class ExportSegmentLegacyJob(StartedJob[ScheduledResults]):
    """The job the legacy ``exportSegment`` started; read its outcome with ``getResults``.

    ``request_id`` is always in the documented reply: a reply without one is a DecodeError.
    """

    request_id: str = attrs.field(validator=_required)


@attrs.frozen(kw_only=True)
class ExportSegmentLegacy(Command[ExportSegmentLegacyJob]):
    """Export a segment through the old v1.3 endpoint (current docs point to ``ExportSegment``).

    ``devices_filter`` is a segmentation-language expression, e.g. ``T("Language", EQ, "ru")``.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/filters
    """

    path = "/json/1.3/exportSegment"
    method = "exportSegment (legacy v1.3)"
    token = TokenKind.SERVER
    job = SCHEDULED

    devices_filter: str = attrs.field(validator=_required)


@attrs.frozen(kw_only=True)
class CompiledFilter(OpenResult):
    """The reply of ``compileFilter``: never captured, so every key lands in ``extra``."""

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """A non-object reply is kept as ``extra["response"]``."""
        return data if data is None or isinstance(data, Mapping) else {"response": data}


@attrs.frozen(kw_only=True)
class CompileFilter(OpenCommand[CompiledFilter]):
    """Compile (dry-run) a filter expression.

    Seen only in Pushwoosh's old Python library (its ``CompileFilterCommand``, "from the Advanced
    Tags guide"); whether it still exists is unknown. Other request keys go in ``extra``.

    Source: SDK code, https://github.com/Pushwoosh/pushwoosh-python-lib/blob/master/pypushwoosh/command.py
    """

    path = "/json/1.3/compileFilter"
    token = TokenKind.SERVER

    devices_filter: str = attrs.field(validator=_required)
