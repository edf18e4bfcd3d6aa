"""API families: how a path's prefix decides host, body shape and where the server token goes.

Pushwoosh's endpoints come in families that differ in envelope and authentication. A command only
names its path; this table is the single place that turns a path into wire behaviour.
"""

from __future__ import annotations

import enum
from functools import cache
from typing import Final

import attrs

__all__ = ["FAMILIES", "AuthPlacement", "Family", "Host", "family_of"]


class AuthPlacement(enum.Enum):
    """Where the server token travels."""

    BODY = "body"
    """As the ``auth`` member of the JSON body."""
    HEADER = "header"
    """As ``Authorization: <scheme> <token>``."""


class Host(enum.Enum):
    """Which base URL a family's paths hang off."""

    API = "api"
    """The main API host (``PushwooshClient(base_url=...)``, https://api.pushwoosh.com)."""
    JOURNEY = "journey"
    """The customer journey host (``journey_base_url``, https://journey.pushwoosh.com)."""


@attrs.frozen
class Family:
    """One API family. Device-token methods always authenticate with ``Authorization: Token``.

    A GET has no body, so a server token the family sends in the body goes in an
    ``Authorization: Token`` header instead (how Pushwoosh authenticates its job-status GETs is not
    documented: an inference).
    """

    name: str
    prefix: str
    wrapped: bool
    """Whether the request body is ``{"request": {...}}``."""
    server_auth: AuthPlacement
    header_scheme: str = "Token"
    host: Host = Host.API


_BODY, _HEADER = AuthPlacement.BODY, AuthPlacement.HEADER

FAMILIES: Final[tuple[Family, ...]] = (
    Family("v1.3", "/json/1.3/", wrapped=True, server_auth=_BODY),
    Family("audience v2", "/api/v2/audience/", wrapped=False, server_auth=_BODY),
    Family("device API v2", "/api/v2/device-api/", wrapped=False, server_auth=_HEADER),
    # The statistics v2 pages do not print the Authorization prefix; Token is the API's convention.
    Family("statistics v2", "/api/v2/messages:list", wrapped=True, server_auth=_HEADER),
    Family("statistics v2", "/api/v2/statistics/", wrapped=True, server_auth=_HEADER),
    Family("messaging v2", "/messaging/v2/", wrapped=False, server_auth=_HEADER),
    Family(
        "customer journey",
        "/api/v3/journeygateway",
        wrapped=False,
        server_auth=_HEADER,
        header_scheme="Api",
        host=Host.JOURNEY,
    ),
    Family(
        "customer journey",
        "/api/journey/",
        wrapped=False,
        server_auth=_HEADER,
        header_scheme="Api",
        host=Host.JOURNEY,
    ),
)


@cache
def family_of(path: str) -> Family:
    """The family a path belongs to (longest matching prefix)."""
    matches = [f for f in FAMILIES if path.startswith(f.prefix)]
    if not matches:
        msg = f"no API family serves {path!r}"
        raise LookupError(msg)
    return max(matches, key=lambda f: len(f.prefix))
