"""Segments end to end: export one as typed rows (``export``); import one (``importing``)."""

from pushwoosh_async.segments.archive import ExportedDevice
from pushwoosh_async.segments.export import MAX_EXPORT_BYTES, SavedExport, SegmentExport

__all__ = ["MAX_EXPORT_BYTES", "ExportedDevice", "SavedExport", "SegmentExport"]
