"""Segments end to end: export one as typed rows (``export``), import one (``importing``)."""

from pushwoosh_async.segments.archive import ExportedDevice
from pushwoosh_async.segments.export import MAX_EXPORT_BYTES, SavedExport, SegmentExport
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
    "MAX_EXPORT_BYTES",
    "BatchReport",
    "ExportedDevice",
    "Failure",
    "ImportOptions",
    "ImportReport",
    "SavedExport",
    "SegmentExport",
    "SegmentImport",
    "default_tag",
    "filter_expression",
    "identifiers_from_csv",
    "import_segment",
    "quote",
]
