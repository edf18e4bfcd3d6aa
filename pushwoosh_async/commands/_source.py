"""Where a command's shape comes from: the ``Source:`` line of its docstring.

Every command's docstring ends with one line that names the page its wire shape was checked
against and how sure that shape is::

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/messages-api/

The confidence is ``documented`` (the page documents the request and the reply),
``SDK code`` (the method is seen in Pushwoosh's SDK or client code at the URL, not on a
documentation page) or ``inferred`` (the URL documents part of it; the docstring says what was
inferred). The line is the only place the fact is written: the class reads it into
``Command.provenance`` when it is defined, and ``docs/commands.md`` is generated from that.
"""

from __future__ import annotations

import enum
import re
from typing import Final

import attrs

__all__ = ["Confidence", "Source", "parse_source"]


class Confidence(enum.Enum):
    """How sure a command's wire shape is."""

    DOCUMENTED = "documented"
    """The documentation page gives the request and the reply."""
    SDK_CODE = "SDK code"
    """Seen in Pushwoosh's own SDK or client code; no documentation page describes it."""
    INFERRED = "inferred"
    """Partly documented; the docstring says which parts are inferred."""


@attrs.frozen
class Source:
    """The page a command was checked against, and how sure its shape is."""

    confidence: Confidence
    url: str


_LINE: Final = re.compile(
    r"^\s*Source:\s*(?P<confidence>documented|SDK code|inferred),\s*(?P<url>https://\S+?)\.?\s*$",
    re.MULTILINE,
)


def parse_source(doc: str | None) -> Source | None:
    """The ``Source:`` line of a docstring, or ``None`` if it has none."""
    found = _LINE.search(doc or "")
    if found is None:
        return None
    return Source(Confidence(found["confidence"]), found["url"])
