"""The default aiohttp sender over real loopback HTTP: wire format, errors and the pool."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import test_utils, web

from pushwoosh_async import CreateMessage, GetTags, Notification, PushwooshClient, RetryPolicy
from pushwoosh_async.errors import ArgumentError, DecodeError, ServerError, Timeout, TransportError
from pushwoosh_async.senders import AiohttpSender
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, ok, refused, transaction_ids


class Recorder:
    """A tiny Pushwoosh on aiohttp.web that records requests and plays scripted replies."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.replies: list[web.Response] = []
        self.delay = 0.0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append((request.path, dict(request.headers), json.loads(body)))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.replies:
            return self.replies.pop(0)
        return web.json_response(ok({"Messages": ["C-1"], "result": {}}))  # createMessage, getTags


@pytest.fixture
async def server() -> AsyncIterator[tuple[Recorder, str]]:
    """A loopback aiohttp server playing a Recorder; yields it and the server's base URL."""
    recorder = Recorder()
    app = web.Application()
    app.router.add_post("/{tail:.*}", recorder.handle)
    test_server = test_utils.TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    try:
        yield recorder, str(test_server.make_url("")).rstrip("/")
    finally:
        await test_server.close()


def client(base_url: str, **kwargs: Any) -> PushwooshClient:
    """A client on the default sender (no transport) for ``base_url``; retries off unless given."""
    kwargs.setdefault("retry", RetryPolicy.off())
    return PushwooshClient(
        API_TOKEN, device_token=DEVICE_TOKEN, application=APPLICATION, base_url=base_url, **kwargs
    )


def message() -> CreateMessage:
    """A createMessage to one device with the caller's transactionId tx-1."""
    return CreateMessage(
        notifications=[Notification(content="Hi", devices=["hwid-1"], transaction_id="tx-1")]
    )


async def test_default_sender_is_aiohttp(server: tuple[Recorder, str]) -> None:
    """Without a transport the client sends through aiohttp, with the documented wire format."""
    recorder, base_url = server
    pw = client(base_url)
    assert isinstance(pw._sender, AiohttpSender)
    async with pw:
        result = await pw(message())
        await pw(GetTags(hwid="hwid-1"))
    assert result.message_codes == ("C-1",)
    (path, headers, body), (tags_path, tags_headers, tags_body) = recorder.requests
    assert path == "/json/1.3/createMessage"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("pushwoosh-async/")
    assert "Authorization" not in headers
    assert body == {
        "request": {
            "notifications": [
                {
                    "send_date": "now",
                    "content": "Hi",
                    "devices": ["hwid-1"],
                    "transactionId": "tx-1",
                }
            ],
            "application": APPLICATION,
            "auth": API_TOKEN,
        }
    }
    assert tags_path == "/json/1.3/getTags"
    assert tags_headers["Authorization"] == f"Token {DEVICE_TOKEN}"
    assert tags_body == {"request": {"hwid": "hwid-1", "application": APPLICATION}}


async def test_aiohttp_errors_are_typed(server: tuple[Recorder, str]) -> None:
    """API errors, 5xx pages and garbled bodies map to the same types as on the httpx path."""
    recorder, base_url = server
    recorder.replies = [
        web.json_response(refused(210, "Bad")),
        web.Response(status=502, text="<html>Bad gateway</html>", content_type="text/html"),
        web.Response(status=200, text='{"status_code": 2', content_type="application/json"),
    ]
    async with client(base_url) as pw:
        with pytest.raises(ArgumentError):
            await pw(message())
        with pytest.raises(ServerError) as caught:
            await pw(message())
        assert caught.value.http_status == 502
        with pytest.raises(DecodeError):
            await pw(message())


async def test_aiohttp_timeout(server: tuple[Recorder, str]) -> None:
    """A reply slower than the timeout raises Timeout."""
    recorder, base_url = server
    recorder.delay = 1.0
    async with client(base_url, timeout=0.05) as pw:
        with pytest.raises(Timeout):
            await pw(message())


async def test_connection_refused_is_a_transport_error() -> None:
    """Nothing listening on the port raises TransportError, retried per the policy."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    policy = RetryPolicy(attempts=2, initial_delay=0, jitter=0)
    async with client(f"http://127.0.0.1:{port}", retry=policy) as pw:
        with pytest.raises(TransportError) as caught:
            await pw(message())
    assert caught.value.method == "createMessage"
    assert caught.value.__cause__ is not None


async def test_retry_reaches_the_server_again(server: tuple[Recorder, str]) -> None:
    """A 503 then a success makes two requests with the same transactionId."""
    recorder, base_url = server
    recorder.replies = [web.Response(status=503, text="busy")]
    policy = RetryPolicy(attempts=3, initial_delay=0, jitter=0)
    async with client(base_url, retry=policy) as pw:
        await pw(CreateMessage(notifications=[Notification(content="Hi", devices=["h"])]))
    ids = [transaction_ids(body) for _, _, body in recorder.requests]
    assert len(ids) == 2
    assert ids[0] == ids[1]
    assert ids[0][0], "the client generated a transactionId"


async def test_many_concurrent_calls_share_the_pool(server: tuple[Recorder, str]) -> None:
    """Hundreds of concurrent calls all complete through one client."""
    recorder, base_url = server
    async with client(base_url, rate_limits={}) as pw:
        results = await asyncio.gather(*(pw(GetTags(hwid=f"h{i}")) for i in range(300)))
    assert len(results) == 300
    assert len(recorder.requests) == 300
