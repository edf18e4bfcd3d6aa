"""Everything ``pushwoosh_async`` raises or warns about.

The tree::

    PushwooshError                   root of every exception raised here
    ├── ConfigurationError           bad client set-up (missing token, plain http://, ...)
    ├── ValidationError              a command refused before anything was sent
    │   └── UnsafeDownloadURL        a download link that is not https (or http to loopback)
    ├── ClientClosedError            the client was used after aclose() (or during it)
    ├── ForeignLoopError             the client was used from another event loop or thread
    ├── TransportError               the request did not complete on the network
    │   ├── DownloadFailed           ... an export's download answered other than 200
    │   ├── ConnectError             ... it never left: no connection (refused, DNS, TLS)
    │   └── Timeout                  ... a time limit ran out
    │       ├── PoolTimeout          ... it never left: no free connection in time
    │       ├── ConnectTimeout       ... it never left: connecting took too long
    │       ├── WriteTimeout         ... sending the request took too long
    │       ├── ReadTimeout          ... the reply did not come in time
    │       └── DeadlineExceeded     ... the call's deadline (all attempts) passed
    ├── Throttled                    the client's own rate limit would wait past max_wait
    ├── RateLimiterUnavailable       the shared (Redis) rate limiter did not answer: nothing sent
    ├── ReplyTooLarge                the reply was larger than max_reply_bytes
    ├── DownloadTooLarge             an export's download (or its member) passed max_bytes
    ├── ArchiveError                 the downloaded export is not a usable ZIP of one CSV/JSON
    ├── DecodeError                  a 2xx reply whose body is not the JSON expected
    └── APIError                     Pushwoosh answered and said no
        ├── ArgumentError            210: a missing or malformed argument
        ├── BadRequest               400: the request could not be parsed
        ├── Unauthorized             401: token missing, wrong kind or not allowed for the app
        ├── Forbidden                403: token restrictions forbid the operation
        ├── NotFound                 404: the resource does not exist
        ├── RateLimited              429: too many requests; see retry_after
        ├── ServerError              5xx: Pushwoosh (or a proxy in front of it) failed
        └── Redirected               3xx: never followed; location names the target host

    PushwooshWarning                 a 200 reply that carried a warning
    ├── UnknownDevicesWarning        some targeted devices are not known to Pushwoosh
    └── LimitWarning                 subscriber or active-device limit reached

Pushwoosh's three answer shapes all land in this tree: in the v1.3 envelope the body's
``status_code`` decides (210 arrives with HTTP 200); in the v2 ``{"message"}`` and gRPC-gateway
``{"code", "message", "details"}`` error bodies the HTTP status decides.

An HTTP error status wins over an unreadable body (a proxy's HTML page with 502 is a retried
``ServerError``); such a page, truncated JSON or an empty body with HTTP 200 is a ``DecodeError``.

A :class:`TransportError`'s ``not_sent`` is true only when the request provably never left the
client on any attempt (no connection, or no free pooled one in time): safe to repeat, always.

Errors pickle, and never hold a token or request body (echoed text is scrubbed of the tokens).
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any, Final

import attrs

from pushwoosh_async.scrubbing import scrub

__all__ = [
    "ISSUE_WARNINGS",
    "APIError",
    "ArchiveError",
    "ArgumentError",
    "BadRequest",
    "ClientClosedError",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "DeadlineExceeded",
    "DecodeError",
    "DownloadFailed",
    "DownloadTooLarge",
    "Forbidden",
    "ForeignLoopError",
    "LimitWarning",
    "NotFound",
    "PoolTimeout",
    "PushwooshError",
    "PushwooshWarning",
    "RateLimited",
    "RateLimiterUnavailable",
    "ReadTimeout",
    "Redirected",
    "ReplyTooLarge",
    "ServerError",
    "Throttled",
    "Timeout",
    "TransportError",
    "Unauthorized",
    "UnknownDevicesWarning",
    "UnsafeDownloadURL",
    "ValidationError",
    "WriteTimeout",
    "error_class_for",
    "scrub",
]


class PushwooshError(Exception):
    """Root of every exception this library raises."""


class ConfigurationError(PushwooshError, ValueError):
    """The client was set up in a way that cannot work (raised before any I/O)."""


class ValidationError(PushwooshError, ValueError):
    """A command was refused before anything was sent: the input breaks a documented rule."""


class ClientClosedError(PushwooshError, RuntimeError):
    """The client was used after ``aclose()`` started (or after its ``async with`` block ended).

    A call that was in flight when the client closed ends with this error too: no request leaves
    a closing client.
    """


class ForeignLoopError(PushwooshError, RuntimeError):
    """The client was used from an event loop (or thread) other than the one it runs in.

    A client's connection pool belongs to the loop of its first call. Create one client per event
    loop, or use ``pushwoosh_async.sync`` from threads.
    """


@attrs.define(auto_exc=True, str=False)
class TransportError(PushwooshError):
    """The request did not complete on the network (connection refused or reset, TLS, ...).

    ``method`` is the Pushwoosh method name; the underlying exception is the ``__cause__``.
    ``not_sent`` is true when no attempt of the call can have reached Pushwoosh.
    """

    message: str
    method: str = ""
    not_sent: bool = False

    def __str__(self) -> str:
        return f"{self.method}: {self.message}" if self.method else self.message


@attrs.define(auto_exc=True, str=False)
class ConnectError(TransportError):
    """No connection could be made (refused, name resolution, TLS handshake): nothing was sent."""

    not_sent: bool = True


class Timeout(TransportError):
    """A time limit ran out while connecting, sending or waiting for the reply."""


@attrs.define(auto_exc=True, str=False)
class PoolTimeout(Timeout):
    """No pooled connection came free within the ``pool`` timeout: nothing was sent."""

    not_sent: bool = True


@attrs.define(auto_exc=True, str=False)
class ConnectTimeout(Timeout):
    """Connecting took longer than the ``connect`` timeout: nothing was sent."""

    not_sent: bool = True


class WriteTimeout(Timeout):
    """Sending the request took longer than the ``write`` timeout; part of it may have arrived."""


class ReadTimeout(Timeout):
    """The reply did not arrive within the ``read`` timeout; the request may have been processed."""


class DeadlineExceeded(Timeout):
    """The call's ``deadline`` (every attempt and wait included) passed before it finished."""


@attrs.define(auto_exc=True, str=False)
class Throttled(PushwooshError):
    """The client's rate limiter would hold the call longer than it may wait: nothing was sent.

    Raised at once when the limiter can tell (``wait``: its estimate) or when the wait runs out;
    the budget is untouched. ``allowed``: the call's ``max_wait``, or what was left of its deadline.
    """

    method: str
    wait: float
    allowed: float
    not_sent: bool = True

    def __str__(self) -> str:
        return (
            f"{self.method}: the rate limit would hold this call {self.wait:.2f}s, "
            f"longer than the {self.allowed:.2f}s it may wait; nothing was sent"
        )


@attrs.define(auto_exc=True, str=False)
class RateLimiterUnavailable(PushwooshError):
    """The shared rate limiter (Redis) did not answer in time: nothing was sent.

    ``fleet.RedisLimiter`` fails closed by default: without the fleet's budget no request may
    leave. ``reason`` names the failure (an exception class name, never an address or a secret;
    the exception is the ``__cause__``). The call is safe to repeat.
    """

    method: str
    reason: str
    not_sent: bool = True

    def __str__(self) -> str:
        return (
            f"{self.method}: the shared rate limiter did not answer ({self.reason}); "
            "nothing was sent"
        )


@attrs.define(auto_exc=True, str=False)
class ReplyTooLarge(PushwooshError):
    """The reply (decoded, so a compression bomb counts at its real size) passed the bound.

    The connection is dropped and the part already read discarded; the call is not retried (the
    same request would get the same reply).
    """

    method: str
    limit: int
    http_status: int = 0

    def __str__(self) -> str:
        return f"{self.method}: the reply is larger than {self.limit:,} bytes (max_reply_bytes)"


class UnsafeDownloadURL(ValidationError):
    """A download link that is not ``https://`` (``http://`` only to loopback): nothing sent."""


@attrs.define(auto_exc=True, str=False)
class DownloadFailed(TransportError):
    """A download answered HTTP ``status``, not 200 (a 3xx is never followed; see ``message``)."""

    status: int = 0


class DownloadTooLarge(PushwooshError):
    """The download, or its archive's data member unpacked, passed ``max_bytes``."""


class ArchiveError(PushwooshError, ValueError):
    """The export is no usable ZIP (truncated, bad CRC, not one CSV/JSON member, bad rows)."""


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
    """Status 210: an argument is missing or malformed; ``status_message`` says which.

    A v2 ``{"error": "..."}`` body with HTTP 200 (``getMessageLog``) is one too; its
    ``status_code`` is then the HTTP status, 200.
    """


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


@attrs.define(auto_exc=True, str=False)
class ServerError(APIError):
    """Status 5xx: an internal error at Pushwoosh or a failing proxy in front of it.

    ``retry_after`` is the server's ``Retry-After`` in seconds (503s often carry one), if given.
    """

    retry_after: float | None = None


@attrs.define(auto_exc=True, str=False)
class Redirected(APIError):
    """Status 3xx: Pushwoosh (or something in front of it) redirected the call.

    Redirects are never followed: the token must not travel to another host, and a forged reply
    from one must not pass for Pushwoosh's. ``location`` is the target's scheme and host only.
    """

    location: str = ""

    def __str__(self) -> str:
        target = self.location or "an unnamed location"
        return f"{self.method}: HTTP {self.http_status} redirect to {target} refused (not followed)"


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
"""Whether calls in this context issue ``PushwooshWarning`` warnings (kept on ``result.warnings``).

The bulk sender turns it off for its chunks: their unknown devices are in its report.
"""


class PushwooshWarning(UserWarning):
    """A call succeeded but Pushwoosh attached a warning; also kept on ``result.warnings``."""


class UnknownDevicesWarning(PushwooshWarning):
    """Pushwoosh did not recognise some of the targeted devices (see ``unknown_devices``)."""


class LimitWarning(PushwooshWarning):
    """The account reached its subscriber or active-device limit; delivery was restricted."""


class SegmentConflict(PushwooshError):
    """A filter (segment) of that name exists with another expression; nothing was overwritten."""
