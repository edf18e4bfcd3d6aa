"""Segments end to end: import a list of users or devices as a segment (more to come here)."""

from pushwoosh_async.segments.expressions import filter_expression, quote
from pushwoosh_async.segments.identifiers import identifiers_from_csv
from pushwoosh_async.segments.import_report import BatchReport, Failure, ImportReport
from pushwoosh_async.segments.importing import (
    ImportOptions,
    SegmentImport,
    default_tag,
    import_segment,
)

__all__ = [
    "BatchReport",
    "Failure",
    "ImportOptions",
    "ImportReport",
    "SegmentImport",
    "default_tag",
    "filter_expression",
    "identifiers_from_csv",
    "import_segment",
    "quote",
]
