"""Everything ``pushwoosh_async`` raises or warns about.

The tree::

    PushwooshError                   root of every exception raised here
    ├── ConfigurationError           bad client set-up (missing token, plain http://, ...)
    ├── ValidationError              a command refused before anything was sent
    ├── ClientClosedError            the client was used after ``aclose()``
    ├── TransportError               the request did not complete on the network
    │   └── Timeout                  ... because a time limit ran out
    ├── DecodeError                  a 2xx reply whose body is not the JSON expected
    └── APIError                     Pushwoosh answered and said no
        ├── ArgumentError            210: a missing or malformed argument
        ├── BadRequest               400: the request could not be parsed
        ├── Unauthorized             401: token missing, wrong kind or not allowed for the app
        ├── Forbidden                403: token restrictions forbid the operation
        ├── NotFound                 404: the resource does not exist
        ├── RateLimited              429: too many requests; see ``retry_after``
        └── ServerError              5xx: Pushwoosh (or a proxy in front of it) failed

    PushwooshWarning                 a 200 reply that carried a warning
    ├── UnknownDevicesWarning        some targeted devices are not known to Pushwoosh
    └── LimitWarning                 subscriber or active-device limit reached

Pushwoosh answers in three shapes, and all of them land in this one tree:

* the v1.3 envelope ``{"status_code", "status_message", "response"}``: the body's
  ``status_code`` decides (210 arrives with HTTP 200);
* the v2 error body ``{"message": ...}`` and
* the gRPC-gateway error body ``{"code", "message", "details"}``: the HTTP status decides.

An HTTP error status always wins over an unreadable body: a proxy's HTML page with HTTP 502 is a
``ServerError`` (and is retried), while an HTML page, a truncated JSON document or an empty body
with HTTP 200 is a ``DecodeError``.

Errors are attrs classes with positional fields, so they pickle (job queues move them between
processes). None of them ever holds an API token or a request body.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any, Final

import attrs

__all__ = [
    "ISSUE_WARNINGS",
    "APIError",
    "ArgumentError",
    "BadRequest",
    "ClientClosedError",
    "ConfigurationError",
    "DecodeError",
    "Forbidden",
    "LimitWarning",
    "NotFound",
    "PushwooshError",
    "PushwooshWarning",
    "RateLimited",
    "ServerError",
    "Timeout",
    "TransportError",
    "Unauthorized",
    "UnknownDevicesWarning",
    "ValidationError",
    "error_class_for",
]


class PushwooshError(Exception):
    """Root of every exception this library raises."""


class ConfigurationError(PushwooshError, ValueError):
    """The client was set up in a way that cannot work (raised before any I/O)."""


class ValidationError(PushwooshError, ValueError):
    """A command was refused before anything was sent: the input breaks a documented rule."""


class ClientClosedError(PushwooshError, RuntimeError):
    """The client was used after ``aclose()`` (or after its ``async with`` block ended)."""


@attrs.define(auto_exc=True, str=False)
class TransportError(PushwooshError):
    """The request did not complete on the network (connection refused or reset, TLS, ...).

    ``method`` is the Pushwoosh method name; the underlying exception is the ``__cause__``.
    """

    message: str
    method: str = ""

    def __str__(self) -> str:
        return f"{self.method}: {self.message}" if self.method else self.message


class Timeout(TransportError):
    """A time limit ran out while connecting, sending or waiting for the reply."""


@attrs.define(auto_exc=True, str=False)
class DecodeError(PushwooshError):
    """A reply with a success status whose body is not the JSON the method returns.

    Covers HTML pages, truncated JSON, empty bodies and results that do not fit the documented
    shape. ``excerpt`` holds at most the first 200 characters of the body.
    """

    message: str
    method: str = ""
    http_status: int = 0
    excerpt: str = ""

    def __str__(self) -> str:
        return f"{self.method}: {self.message} (HTTP {self.http_status})"


@attrs.define(auto_exc=True, str=False)
class APIError(PushwooshError):
    """Pushwoosh answered and refused the call.

    ``status_code`` is the body's Pushwoosh status code when there is one, else the HTTP status.
    ``response`` is the decoded body as received (never the request).
    """

    status_code: int
    status_message: str
    http_status: int = 200
    method: str = ""
    response: Any = None

    def __str__(self) -> str:
        return f"{self.method}: {self.status_code} {self.status_message}"


class ArgumentError(APIError):
    """Status 210: an argument is missing or malformed; ``status_message`` says which."""


class BadRequest(APIError):
    """Status 400: the request string could not be parsed."""


class Unauthorized(APIError):
    """Status 401: the token is missing, of the wrong kind, or not authorised for the app."""


class Forbidden(APIError):
    """Status 403: the token's restrictions forbid the operation (or a plan limit was hit)."""


class NotFound(APIError):
    """Status 404: the resource (application, message, journey, ...) does not exist."""


@attrs.define(auto_exc=True, str=False)
class RateLimited(APIError):
    """Status 429: too many requests. ``retry_after`` is the server's wait in seconds, if given."""

    retry_after: float | None = None


class ServerError(APIError):
    """Status 5xx: an internal error at Pushwoosh or a failing proxy in front of it."""


_BY_STATUS: Final[Mapping[int, type[APIError]]] = {
    210: ArgumentError,
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    429: RateLimited,
}


def error_class_for(status: int) -> type[APIError]:
    """The exception class for a Pushwoosh status code or an HTTP error status."""
    if 500 <= status < 600:
        return ServerError
    return _BY_STATUS.get(status, APIError)


ISSUE_WARNINGS: Final = contextvars.ContextVar("pushwoosh_async_issue_warnings", default=True)
"""Whether calls in this context issue ``PushwooshWarning``s (they stay on ``result.warnings``).

The bulk sender turns it off for its chunks: their unknown devices are in its report.
"""


class PushwooshWarning(UserWarning):
    """A call succeeded but Pushwoosh attached a warning; also kept on ``result.warnings``."""


class UnknownDevicesWarning(PushwooshWarning):
    """Pushwoosh did not recognise some of the targeted devices (see ``unknown_devices``)."""


class LimitWarning(PushwooshWarning):
    """The account reached its subscriber or active-device limit; delivery was restricted."""
