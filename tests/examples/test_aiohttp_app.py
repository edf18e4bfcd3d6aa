"""examples/aiohttp_app.py served by aiohttp.test_utils (no pytest-aiohttp), against the fake."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer

from examples.aiohttp_app import PUSHWOOSH, make_app
from pushwoosh_async import PushwooshClient
from tests.support import fake_account, fake_client


async def test_cleanup_ctx_opens_one_client_for_every_request_and_closes_it() -> None:
    fake = fake_account()
    opened: list[PushwooshClient] = []

    def open_client() -> PushwooshClient:
        opened.append(fake_client(fake))
        return opened[-1]

    app = make_app(open_client)
    async with TestClient(TestServer(app)) as client:
        assert app[PUSHWOOSH] is opened[0]
        responses = await asyncio.gather(*(client.post(f"/users/u-{i}/welcome") for i in range(20)))
        assert [r.status for r in responses] == [200] * 20
        assert all([(await r.json())["message_code"] for r in responses])
        assert not opened[0].closed

    assert len(opened) == 1, "one client per app, not per request"
    assert opened[0].closed, "cleanup_ctx closes it with the app"
    assert len(fake.state.messages) == 20
    (call, *_) = fake.calls_to("createMessage")
    assert call.body["request"]["notifications"][0]["content"] == "Welcome!"
