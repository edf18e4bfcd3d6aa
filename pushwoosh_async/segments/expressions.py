"""Segmentation-language expressions the library writes: values quoted, the tag filter."""

from __future__ import annotations

import json

from pushwoosh_async.segments.import_report import TagValue

__all__ = ["filter_expression", "quote"]


def quote(value: TagValue) -> str:
    r"""A value as a segmentation-language literal: a string in double quotes, JSON escapes.

    Inferred: the docs show only plain quoted strings; backslash escapes as JSON writes them
    (``\"``, ``\\``, ``\n``) are what the fake's reader, and JSON-based parsers, take.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def filter_expression(tag: str, value: TagValue) -> str:
    """The segment of the devices whose ``tag`` equals ``value``: ``T("tag", EQ, value)``."""
    return f"T({quote(tag)}, EQ, {quote(value)})"
