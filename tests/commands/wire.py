"""Shared helpers for the per-section wire tests: constants, examples, send and checks."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from tests.support import (  # re-exported for the section files
    API,
    DEVICE_TOKEN,
    EXAMPLES,
    JOURNEY,
    example,
    ok,
)
from tests.support import (
    API_TOKEN as TOKEN,
)
from tests.support import (
    APPLICATION as APP,
)

__all__ = ["API", "APP", "DEVICE_TOKEN", "EXAMPLES", "JOURNEY", "TOKEN", "example", "ok", "send"]


async def send(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any = None
) -> tuple[httpx.Request, Any]:
    """Send ``command`` against ``reply`` (default: an OK v1.3 envelope with no data)."""
    if reply is None:
        reply = ok()
    router.clear()
    route = router.route().mock(return_value=httpx.Response(200, json=reply))
    result = await pw(command)
    assert route.call_count == 1
    return route.calls.last.request, result


def v13_server(request: httpx.Request, method: str, fields: dict[str, Any]) -> None:
    """POST /json/1.3/<method>, {"request": {...}} with the server token as auth, no header."""
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"request": {**fields, "auth": TOKEN}}
