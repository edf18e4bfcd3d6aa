"""The fake answers every command, authenticated where the client puts the token, with JSON."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pushwoosh_async import codec, commands
from pushwoosh_async.commands import TokenKind
from pushwoosh_async.families import AuthPlacement, Host
from pushwoosh_async.pipeline import Call
from pushwoosh_async.testing import FakePushwoosh


def request_for(command: type[commands.Command[Any]]) -> tuple[str, str, dict[str, str], bytes]:
    """A raw request with no fields and the right token where the codec puts it."""
    route = codec.route(command, {Host.API: "", Host.JOURNEY: ""})
    path = re.sub(r"\{\w+\}", "x1", command.path)
    token = "D" if command.token is TokenKind.DEVICE else "T"
    headers: dict[str, str] = {}
    body_token = None
    if route.auth.where is AuthPlacement.HEADER:
        headers["Authorization"] = f"{route.auth.scheme} {token}"
    else:
        body_token = token
    call = Call(None, route, {}, {}, body_token=body_token)  # type: ignore[arg-type]
    return command.http_method, path, headers, codec.body(call) or b""


@pytest.mark.parametrize("command", commands.ALL, ids=lambda c: c.__name__)
async def test_every_command_gets_a_json_answer(command: type[commands.Command[Any]]) -> None:
    """An authenticated call with no fields gets JSON: a default 200 or an argument refusal."""
    fake = FakePushwoosh(api_token="T", device_token="D")
    method, path, headers, body = request_for(command)
    async with httpx.AsyncClient(transport=fake.transport, base_url="https://fake") as client:
        response = await client.request(method, path, headers=headers, content=body)
    assert response.status_code in (200, 400, 404), response.text
    assert response.status_code != 401, (
        "the fake expects the token elsewhere than the client sends it"
    )
    document = response.json()
    if path.startswith("/json/1.3/"):
        assert document["status_code"] in (200, 210), document
    assert fake.calls[-1].method == command.method
