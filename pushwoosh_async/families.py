"""API families: how a path's prefix decides host, body shape and where the server token goes.

Pushwoosh's endpoints come in families that differ in envelope and authentication. A command only
names its path; this table is the single place that turns a path into wire behaviour.
"""

from __future__ import annotations

import enum
from functools import cache
from typing import Final

import attrs

__all__ = ["FAMILIES", "AuthPlacement", "Family", "family_of"]


class AuthPlacement(enum.Enum):
    """Where the server token travels."""

    BODY = "body"
    """As the ``auth`` member of the JSON body."""
    HEADER = "header"
    """As ``Authorization: <scheme> <token>``."""


@attrs.frozen
class Family:
    """One API family. Device-token methods always authenticate with ``Authorization: Token``."""

    name: str
    prefix: str
    wrapped: bool
    """Whether the request body is ``{"request": {...}}``."""
    server_auth: AuthPlacement
    header_scheme: str = "Token"


FAMILIES: Final[tuple[Family, ...]] = (
    Family("v1.3", "/json/1.3/", wrapped=True, server_auth=AuthPlacement.BODY),
    Family("audience v2", "/api/v2/audience/", wrapped=False, server_auth=AuthPlacement.BODY),
)


@cache
def family_of(path: str) -> Family:
    """The family a path belongs to (longest matching prefix)."""
    matches = [f for f in FAMILIES if path.startswith(f.prefix)]
    if not matches:
        msg = f"no API family serves {path!r}"
        raise LookupError(msg)
    return max(matches, key=lambda f: len(f.prefix))
