"""API families: the table that says, per path prefix, how a request and its reply look on the wire.

Pushwoosh's endpoints come in families that differ in host, body shape, where each token goes,
and the shapes of replies and errors. A command only names its path; its family's row here holds
every wire rule, and ``codec.py`` is the one module that applies them: the client, the fake
Pushwoosh and the tests all read this table, so no rule is written twice.
"""

from __future__ import annotations

import enum
from functools import cache
from typing import Final

import attrs

__all__ = [
    "FAMILIES",
    "AuthPlacement",
    "ErrorShape",
    "Family",
    "Host",
    "ReplyShape",
    "TokenRule",
    "family_of",
]


class AuthPlacement(enum.Enum):
    """Where a token travels."""

    BODY = "body"
    """As the ``auth`` member of the JSON request object."""
    HEADER = "header"
    """As ``Authorization: <scheme> <token>``."""


class Host(enum.Enum):
    """Which base URL a family's paths hang off."""

    API = "api"
    """The main API host (``PushwooshClient(base_url=...)``, https://api.pushwoosh.com)."""
    JOURNEY = "journey"
    """The customer journey host (``journey_base_url``, https://journey.pushwoosh.com)."""


class ReplyShape(enum.Enum):
    """How a successful reply carries its data."""

    ENVELOPE = "envelope"
    """``{"status_code": 200, "status_message": "OK", "response": <data>}``; the body's code
    decides, and refusals such as 210 also arrive with HTTP 200."""
    DOCUMENT = "document"
    """The bare JSON document is the data."""


class ErrorShape(enum.Enum):
    """How a refusal looks."""

    ENVELOPE = "envelope"
    """The v1.3 envelope with a ``status_code`` other than 200."""
    MESSAGE = "message"
    """``{"message": "..."}`` with an HTTP error status."""
    GRPC = "grpc"
    """The gRPC gateway's ``{"code": <gRPC code>, "message": "...", "details": []}``."""


@attrs.frozen
class TokenRule:
    """Where one token goes: the body's ``auth``, or an ``Authorization`` header with a scheme."""

    where: AuthPlacement
    scheme: str = "Token"
    """The word before the token in the header (``Token``, or ``Api`` on the journey host)."""


@attrs.frozen
class Family:
    """One API family: every wire rule of the paths under ``prefix``."""

    name: str
    prefix: str
    wrapped: bool
    """Whether the request body is ``{"request": {...}}``."""
    server_token: TokenRule
    """Where the server API token goes on a request with a body."""
    server_token_get: TokenRule
    """Where it goes on a GET, which has no body. How Pushwoosh authenticates its job-status GETs
    on body-token families is not documented: a ``Token`` header is an inference."""
    replies: ReplyShape
    errors: ErrorShape
    host: Host = Host.API
    device_token: TokenRule = TokenRule(AuthPlacement.HEADER, "Token")
    """Where the device API token goes: always ``Authorization: Token``."""


_BODY: Final = TokenRule(AuthPlacement.BODY)
_TOKEN: Final = TokenRule(AuthPlacement.HEADER, "Token")
_API: Final = TokenRule(AuthPlacement.HEADER, "Api")
_ENV, _DOC = ReplyShape.ENVELOPE, ReplyShape.DOCUMENT
_ENV_ERR, _MESSAGE, _GRPC = ErrorShape.ENVELOPE, ErrorShape.MESSAGE, ErrorShape.GRPC
_JOURNEY = Host.JOURNEY
_WRAPPED, _BARE = True, False

# One row a family: name, prefix, body wrapped?, server token (with a body, on a GET), reply shape,
# error shape, host (the API host unless said).
# The statistics v2 pages do not print the Authorization prefix; Token is the API's convention.
FAMILIES: Final[tuple[Family, ...]] = (
    Family("v1.3", "/json/1.3/", _WRAPPED, _BODY, _TOKEN, _ENV, _ENV_ERR),
    Family("audience v2", "/api/v2/audience/", _BARE, _BODY, _TOKEN, _DOC, _MESSAGE),
    Family("device API v2", "/api/v2/device-api/", _BARE, _TOKEN, _TOKEN, _DOC, _MESSAGE),
    Family("statistics v2", "/api/v2/messages:list", _WRAPPED, _TOKEN, _TOKEN, _DOC, _MESSAGE),
    Family("statistics v2", "/api/v2/statistics/", _WRAPPED, _TOKEN, _TOKEN, _DOC, _MESSAGE),
    # totalsByIntervals' documented body is bare (docs.pushwoosh.com, Statistics API v2).
    Family("statistics v2", "/api/v2/statistics/messages/", _BARE, _TOKEN, _TOKEN, _DOC, _MESSAGE),
    Family("messaging v2", "/messaging/v2/", _BARE, _TOKEN, _TOKEN, _DOC, _GRPC),
    Family("customer journey", "/api/v3/journeygateway", _BARE, _API, _API, _DOC, _GRPC, _JOURNEY),
    Family("customer journey", "/api/journey/", _BARE, _API, _API, _DOC, _GRPC, _JOURNEY),
)


@cache
def family_of(path: str) -> Family:
    """The family a path belongs to (longest matching prefix)."""
    matches = [f for f in FAMILIES if path.startswith(f.prefix)]
    if not matches:
        msg = f"no API family serves {path!r}"
        raise LookupError(msg)
    return max(matches, key=lambda f: len(f.prefix))
