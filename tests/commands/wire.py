"""The wire harness of the section tests: the case type, the documented wire shapes, ``send``.

Each section file lists its commands as :class:`WireCase` values in ``CASES``; ``test_wire.py``
sends every one through a real client and checks verb, URL, ``Authorization`` and body against
the case. The expectation is written out, literally, from the API's documentation: the builders
below only spell out a documented family shape (host, path prefix, envelope, where the token
goes) and never consult the library, so a family rule dropped from the library turns cases red.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from tests.support import API, API_TOKEN, DEVICE_TOKEN, JOURNEY, ok

NO_AUTH: Mapping[str, str | None] = {"Authorization": None}
"""The request carries no ``Authorization`` header (the token is in the body)."""
DEVICE_AUTH: Mapping[str, str | None] = {"Authorization": f"Token {DEVICE_TOKEN}"}
"""The Device API token in the header, as ``Token DEVICE_API_TOKEN``."""
SERVER_AUTH: Mapping[str, str | None] = {"Authorization": f"Token {API_TOKEN}"}
"""The server token in the header, as ``Token SERVER_API_TOKEN``."""
JOURNEY_AUTH: Mapping[str, str | None] = {"Authorization": f"Api {API_TOKEN}"}
"""The customer journey scheme: ``Api SERVER_API_TOKEN``."""


@dataclass(frozen=True)
class WireCase:
    """One command, the request it must become, the reply it gets and the result that gives."""

    id: str
    """A readable case id, unique within its section."""
    command: Command[Any]
    http_method: str
    url: str
    """The full URL, host and query included."""
    headers: Mapping[str, str | None]
    """Header values expected; ``None``: the header must be absent."""
    body: Any
    """The JSON document sent, exactly; ``None``: no body at all (a GET)."""
    reply: Any
    """The JSON the fake server answers with (status 200)."""
    result: Any
    """What the client returns for that reply (compared with ``==``)."""
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())

    def param(self, section: str) -> Any:
        """This case as a pytest parameter with the id ``<section>/<id>``."""
        return pytest.param(self, id=f"{section}/{self.id}", marks=self.marks)


class Matches:
    """Equal to any string that matches ``pattern`` in full (for generated values)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and re.fullmatch(self.pattern, other) is not None

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Matches({self.pattern!r})"


UUID = Matches(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""Any lower-case UUID string (e.g. a generated ``transactionId``)."""


# --- the documented wire shapes ---------------------------------------------------------------


def v13_server(method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """v1.3, server token: POST /json/1.3/<method>, ``{"request": {..., "auth": token}}``."""
    return {
        "http_method": "POST",
        "url": f"{API}/json/1.3/{method}",
        "headers": NO_AUTH,
        "body": {"request": {**fields, "auth": API_TOKEN}},
    }


def v13_device(method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """v1.3, Device API token: ``{"request": {...}}`` without ``auth``, ``Token`` header."""
    return {
        "http_method": "POST",
        "url": f"{API}/json/1.3/{method}",
        "headers": DEVICE_AUTH,
        "body": {"request": dict(fields)},
    }


def audience_v2(path: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Audience v2: POST /api/v2/audience/<path>, bare body with ``auth``, no header."""
    return {
        "http_method": "POST",
        "url": f"{API}/api/v2/audience/{path}",
        "headers": NO_AUTH,
        "body": {**fields, "auth": API_TOKEN},
    }


def server_get(path: str) -> dict[str, Any]:
    """A GET on the main host: no body, so the server token goes in a ``Token`` header."""
    return {"http_method": "GET", "url": f"{API}{path}", "headers": SERVER_AUTH, "body": None}


def device_v2(method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Device API v2: POST /api/v2/device-api/<method>, bare body, device ``Token`` header."""
    return {
        "http_method": "POST",
        "url": f"{API}/api/v2/device-api/{method}",
        "headers": DEVICE_AUTH,
        "body": dict(fields),
    }


def statistics_v2(path: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Statistics v2: POST <path> on the main host, ``{"request": {...}}``, server ``Token``."""
    return {
        "http_method": "POST",
        "url": f"{API}{path}",
        "headers": SERVER_AUTH,
        "body": {"request": dict(fields)},
    }


def messaging_v2(method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Messaging v2: POST /messaging/v2/<method>, bare body, server ``Token`` header."""
    return {
        "http_method": "POST",
        "url": f"{API}/messaging/v2/{method}",
        "headers": SERVER_AUTH,
        "body": dict(fields),
    }


def journey(http_method: str, path: str, body: Any) -> dict[str, Any]:
    """Customer journey: journey.pushwoosh.com, bare body (or none), ``Api`` header."""
    return {
        "http_method": http_method,
        "url": f"{JOURNEY}{path}",
        "headers": JOURNEY_AUTH,
        "body": body,
    }


def printed(call: str, headers: Mapping[str, str | None], body: Any) -> dict[str, Any]:
    """A call as the catalogue prints it (``"POST https://..."``), with its headers and body."""
    http_method, url = call.split(" ")
    return {"http_method": http_method, "url": url, "headers": headers, "body": body}


# --- sending ----------------------------------------------------------------------------------


async def send(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any = None
) -> tuple[httpx.Request, Any]:
    """Send ``command`` once against ``reply`` (default: an OK v1.3 envelope with no data)."""
    if reply is None:
        reply = ok()
    router.clear()
    route = router.route().mock(return_value=httpx.Response(200, json=reply))
    result = await pw(command)
    assert route.call_count == 1
    return route.calls.last.request, result
