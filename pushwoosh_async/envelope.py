"""Reading a reply: the three Pushwoosh response shapes, mapped to data, warnings or an error.

* v1.3: ``{"status_code": 200, "status_message": "OK", "response": {...}}``. The body's code
  decides; ``210`` arrives with HTTP 200.
* v2: the bare JSON document on success, ``{"message": "..."}`` (or ``{"error": "..."}``) on
  failure, with an HTTP error status.
* gRPC gateway: ``{"code": 5, "message": "...", "details": []}`` with an HTTP error status.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any

from pushwoosh_async.errors import (
    APIError,
    DecodeError,
    LimitWarning,
    PushwooshWarning,
    RateLimited,
    UnknownDevicesWarning,
    error_class_for,
)
from pushwoosh_async.pipeline import Reply

__all__ = ["decode"]

_EXCERPT = 200


def decode(method: str, reply: Reply) -> Reply:
    """``reply`` with ``data`` and ``warnings`` filled in; raises the mapped error otherwise."""
    document: Any = None
    readable = False
    if reply.body:
        try:
            # str input skips json's byte-encoding sniffing: half the cost for small bodies.
            document = json.loads(reply.body.decode())
            readable = True
        except ValueError:  # UnicodeDecodeError is a ValueError too
            pass

    if reply.http_status >= 400:
        raise _http_error(method, reply, document)
    if not readable:
        what = "an empty body" if not reply.body else "a body that is not JSON"
        raise DecodeError(
            f"expected JSON, got {what}", method, reply.http_status, _excerpt(reply.body)
        )
    if isinstance(document, dict) and "status_code" in document:
        return _from_envelope(method, reply, document)
    if isinstance(document, dict) and set(document) == {"error"}:
        status = reply.http_status
        raise APIError(status, str(document["error"]), status, method, document)
    return Reply(reply.http_status, reply.headers, reply.body, document)


def _from_envelope(method: str, reply: Reply, document: dict[str, Any]) -> Reply:
    code = document.get("status_code")
    message = str(document.get("status_message") or "")
    data = document.get("response")
    if code != 200:
        if not isinstance(code, int):
            raise DecodeError(
                f"status_code is {code!r}", method, reply.http_status, _excerpt(reply.body)
            )
        raise _api_error(code, message, reply, method, document)
    return Reply(reply.http_status, reply.headers, reply.body, data, _warnings(message, data))


def _warnings(message: str, data: Any) -> tuple[PushwooshWarning, ...]:
    if message == "OK" and not (isinstance(data, dict) and data.get("UnknownDevices")):
        return ()  # the common case, decided without building anything
    found: list[PushwooshWarning] = []
    if "warning" in message.lower():
        found.append(LimitWarning(message))
    if isinstance(data, dict):
        unknown = data.get("UnknownDevices")
        if unknown:
            count = sum(len(v) for v in unknown.values()) if isinstance(unknown, Mapping) else 0
            message = f"{count} targeted device(s) are unknown to Pushwoosh"
            found.append(UnknownDevicesWarning(message))
    return tuple(found)


def _http_error(method: str, reply: Reply, document: Any) -> APIError:
    code = reply.http_status
    message = ""
    if isinstance(document, dict):
        if isinstance(document.get("status_code"), int) and document["status_code"] != 200:
            code = document["status_code"]
        message = str(
            document.get("status_message") or document.get("message") or document.get("error") or ""
        )
    if not message:
        message = _excerpt(reply.body) or f"HTTP {reply.http_status}"
    return _api_error(code, message, reply, method, document)


def _api_error(code: int, message: str, reply: Reply, method: str, document: Any) -> APIError:
    cls = error_class_for(code)
    if cls is RateLimited:
        return RateLimited(
            code, message, reply.http_status, method, document, _retry_after(reply.headers)
        )
    return cls(code, message, reply.http_status, method, document)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _excerpt(body: bytes) -> str:
    """The start of a body on one line (HTML pages span many)."""
    return " ".join(body[:_EXCERPT].decode("utf-8", "replace").split())
