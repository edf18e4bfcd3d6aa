"""The one wire codec: commands to requests, replies to data or typed errors, by the family table.

Every wire rule comes from two places only: the command class (path, verb, token kind, fields)
and its family's row in ``families.FAMILIES`` (host, body wrapping, where each token goes, the
reply and error shapes). This module applies them, for every side of the wire:

* the client: :func:`route` says where a command class goes (``encoder.Encoder``, one per
  command class per client, renders each command into a ``Call``); :func:`body` renders the
  bytes a sender sends; :func:`decode` reads a reply into data and warnings or raises the typed
  error;
* the fake: :func:`path_pattern`, :func:`token_rule`, :func:`request_object`, :func:`reply_body`
  and :func:`error_body`; the tests check all of it against literal, documented bytes.

Replies are read by their shape whatever the family (a v1.3 envelope, a v2 ``{"message"}`` or
``{"error"}`` document, the gRPC gateway's ``{code, message, details}``): Pushwoosh's gateways
do not always answer in their own.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

from pushwoosh_async._sendable import refusal
from pushwoosh_async.commands._base import Command, TokenKind
from pushwoosh_async.errors import (
    APIError,
    ArgumentError,
    DecodeError,
    LimitWarning,
    PushwooshWarning,
    RateLimited,
    Redirected,
    ServerError,
    UnknownDevicesWarning,
    error_class_for,
    scrub,
)
from pushwoosh_async.families import (
    ErrorShape,
    Family,
    Host,
    ReplyShape,
    TokenRule,
    family_of,
)
from pushwoosh_async.json_backend import dumps, loads
from pushwoosh_async.pipeline import Call, Reply, Route

__all__ = [
    "body",
    "decode",
    "error_body",
    "path_pattern",
    "reply_body",
    "request_object",
    "retry_after",
    "route",
    "token_rule",
]

_EXCERPT: Final = 200


# --- where tokens go ---------------------------------------------------------------------------


def token_rule(family: Family, token: TokenKind, http_method: str) -> TokenRule:
    """Where a method's token goes: its family's rule for that token kind and verb."""
    if token is TokenKind.DEVICE:
        return family.device_token
    return family.server_token_get if http_method == "GET" else family.server_token


def route(command: type[Command[Any]], base_urls: Mapping[Host, str]) -> Route:
    """Where a command class goes on a client with these base URLs."""
    family, token, verb = family_of(command.path), command.token, command.http_method
    url = base_urls[family.host] + command.path
    return Route(command.method, verb, url, family, token, token_rule(family, token, verb))


# --- requests ----------------------------------------------------------------------------------


def body(call: Call) -> bytes | None:
    """The request body as sent; ``None`` for a GET.

    The payload, with ``auth`` last where the family carries the token in the body, wrapped in
    ``{"request": ...}`` where the family wraps. A payload JSON cannot carry (NaN, a set, bytes, a
    lone surrogate, absurd nesting) raises :class:`ValidationError` naming the value's path, before
    anything is sent; finding that path costs nothing unless encoding failed.
    """
    if call.route.http_method == "GET":
        return None
    try:
        text = dumps(call.payload)
        if call.body_token is not None:
            auth = '"auth":' + dumps(call.body_token)
            text = "{" + auth + "}" if text == "{}" else text[:-1] + "," + auth + "}"
        if call.route.family.wrapped:
            text = '{"request":' + text + "}"
        return text.encode()
    except (ValueError, TypeError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise refusal(type(call.command).__name__, call.payload, exc) from None


def path_pattern(path: str) -> re.Pattern[str]:
    """A regular expression matching ``path`` with its ``{placeholders}`` as named groups."""
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
    return re.compile(regex + "/?")


def request_object(family: Family, document: Any) -> dict[str, Any] | None:
    """A request body's fields, unwrapped where the family wraps; ``None`` if malformed."""
    if family.wrapped:
        inner = document.get("request") if isinstance(document, dict) else None
        return dict(inner) if isinstance(inner, dict) else None
    return dict(document) if isinstance(document, dict) else None


# --- replies -----------------------------------------------------------------------------------

_GRPC_CODES: Final = {400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 429: 8, 500: 13}  # HTTP -> gRPC


def _envelope(status_code: int, message: str, response: Any = None) -> bytes:
    document = {"status_code": status_code, "status_message": message, "response": response}
    return json.dumps(document, separators=(",", ":")).encode()


def reply_body(family: Family, data: Any) -> bytes:
    """A successful reply carrying ``data``, in the family's reply shape."""
    if family.replies is ReplyShape.ENVELOPE:
        return _envelope(200, "OK", data)
    return json.dumps(data).encode()


def error_body(family: Family | None, status_code: int, message: str, http_status: int) -> bytes:
    """A refusal in the family's error shape (a v2 ``{"message"}`` for a path of no family)."""
    shape = family.errors if family is not None else ErrorShape.MESSAGE
    if shape is ErrorShape.ENVELOPE:
        return _envelope(status_code, message)
    if shape is ErrorShape.GRPC:
        code = _GRPC_CODES.get(http_status, 2)
        return json.dumps({"code": code, "message": message, "details": []}).encode()
    return json.dumps({"message": message}).encode()


def decode(method: str, reply: Reply, secrets: tuple[str, ...] = ()) -> Reply:
    """``reply`` itself, its ``data`` and ``warnings`` filled in; raises the mapped error otherwise.

    The reply is filled in place, not copied: it is the one the sender built for this attempt.

    ``secrets`` (the client's tokens) are scrubbed from every text the error keeps of the reply.
    """
    status = reply.http_status
    if 300 <= status < 400:
        raise _redirected(method, reply, secrets)
    body = reply.body
    try:  # one scan of the body in the common case
        document = loads(body) if body else _NOT_JSON
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        document = _NOT_JSON
    if status >= 400:
        document = None if document is _NOT_JSON else scrub(document, secrets)
        raise _http_error(method, reply, document, secrets)
    if document is _NOT_JSON:
        what = "an empty body" if not body else "a body that is not JSON"
        excerpt = scrub(_excerpt(body), secrets)
        raise DecodeError(f"expected JSON, got {what}", method, status, excerpt)
    if isinstance(document, dict):
        if "status_code" in document:  # a v1.3 envelope, read here: one frame for a success
            code = document["status_code"]
            if code != 200:
                raise _envelope_error(method, reply, document, code, secrets)
            message = document.get("status_message")
            data = reply.data = document.get("response")
            if message != "OK" or (isinstance(data, dict) and data.get("UnknownDevices")):
                reply.warnings = _warnings(str(message or ""), data)  # a success builds nothing
            return reply
        if len(document) == 1 and "error" in document:
            # A v2 refusal with HTTP 200 (getMessageLog's documented errors), read as a 210.
            clean = scrub(document, secrets)
            raise ArgumentError(status, str(clean["error"]), status, method, clean)
    reply.data = document
    return reply


_NOT_JSON: Final = object()  # decode's document for an empty or non-JSON body (None is null)


def _redirected(method: str, reply: Reply, secrets: tuple[str, ...]) -> Redirected:
    """A 3xx as an error naming where it pointed (scheme and host only: never followed)."""
    location = reply.headers.get("Location") or reply.headers.get("location") or ""
    parts = urllib.parse.urlsplit(location)
    target = f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else ""
    if not target and location.startswith("/"):
        target = "a path on the same host"
    status = reply.http_status
    return Redirected(status, f"HTTP {status}", status, method, None, scrub(target, secrets))


def _envelope_error(
    method: str, reply: Reply, document: dict[str, Any], code: Any, secrets: tuple[str, ...]
) -> Exception:
    """The error a v1.3 envelope with a ``status_code`` other than 200 stands for."""
    if not isinstance(code, int):
        excerpt = scrub(_excerpt(reply.body), secrets)
        return DecodeError(f"status_code is {code!r}", method, reply.http_status, excerpt)
    message = str(document.get("status_message") or "")
    return _api_error(code, scrub(message, secrets), reply, method, scrub(document, secrets))


def _warnings(message: str, data: Any) -> tuple[PushwooshWarning, ...]:
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


def _http_error(method: str, reply: Reply, document: Any, secrets: tuple[str, ...]) -> APIError:
    code = reply.http_status
    message = ""
    if isinstance(document, dict):
        if isinstance(document.get("status_code"), int) and document["status_code"] != 200:
            code = document["status_code"]
        message = str(
            document.get("status_message") or document.get("message") or document.get("error") or ""
        )
    if not message:
        message = scrub(_excerpt(reply.body), secrets) or f"HTTP {reply.http_status}"
    return _api_error(code, message, reply, method, document)


def _api_error(code: int, message: str, reply: Reply, method: str, document: Any) -> APIError:
    cls = error_class_for(code)
    if cls is RateLimited or cls is ServerError:
        wait = retry_after(reply.headers)
        return cls(code, message, reply.http_status, method, document, wait)
    return cls(code, message, reply.http_status, method, document)


def retry_after(headers: Mapping[str, str]) -> float | None:
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
