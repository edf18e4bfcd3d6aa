"""Shared helpers for the per-section wire tests: constants, examples, send and checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
"""The API catalogue's example requests and replies, vendored with the tests."""


def example(name: str) -> Any:
    """One example file of the catalogue, parsed."""
    return json.loads((EXAMPLES / name).read_text())


API = "https://api.pushwoosh.com"
JOURNEY = "https://journey.pushwoosh.com"
TOKEN = "SERVER_API_TOKEN"
DEVICE_TOKEN = "DEVICE_API_TOKEN"
APP = "ABCDE-12345"


async def send(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any = None
) -> tuple[httpx.Request, Any]:
    """Send ``command`` against ``reply`` (default: an OK v1.3 envelope with no data)."""
    if reply is None:
        reply = {"status_code": 200, "status_message": "OK", "response": None}
    router.clear()
    route = router.route().mock(return_value=httpx.Response(200, json=reply))
    result = await pw(command)
    assert route.call_count == 1
    return route.calls.last.request, result


def ok(response: Any) -> dict[str, Any]:
    return {"status_code": 200, "status_message": "OK", "response": response}


def v13_server(request: httpx.Request, method: str, fields: dict[str, Any]) -> None:
    """POST /json/1.3/<method>, {"request": {...}} with the server token as auth, no header."""
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"request": {**fields, "auth": TOKEN}}
