"""examples/fastapi_app.py under an ASGI client, against the fake: both ways a test can wire it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh
from tests.support import fake_account, fake_client

pytest.importorskip("fastapi", reason="the examples extra: pip install '.[examples]'")

from examples import fastapi_app

REQUESTS = 200


async def post_welcomes(app: object, users: list[str]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        return await asyncio.gather(*(http.post(f"/users/{u}/welcome") for u in users))


async def test_the_lifespan_client_serves_200_concurrent_requests() -> None:
    """One client, opened by the lifespan and closed with it, carries every request at once."""
    fake = fake_account(latency=0.05)  # each answer takes 50 ms: one at a time would take 10 s
    opened: list[PushwooshClient] = []

    def open_client() -> PushwooshClient:
        opened.append(fake_client(fake))
        return opened[-1]

    app = fastapi_app.create_app(open_client)
    users = [f"user-{i}" for i in range(REQUESTS)]
    # ASGITransport sends no lifespan events: run the lifespan around the requests yourself.
    async with app.router.lifespan_context(app):
        started = time.monotonic()
        responses = await post_welcomes(app, users)
        elapsed = time.monotonic() - started
        assert app.state.pushwoosh is opened[0]
        assert not opened[0].closed

    assert [r.status_code for r in responses] == [200] * REQUESTS
    assert all(r.json()["message_code"] for r in responses)
    assert len(opened) == 1, "one client (one pool, one rate limiter) for every request"
    assert opened[0].closed, "the lifespan closes it"
    assert elapsed < 5, f"{REQUESTS} requests took {elapsed:.1f} s: they did not run at once"
    calls = fake.calls_to("createMessage")
    assert len(calls) == REQUESTS
    assert len(fake.state.messages) == REQUESTS
    sent_to = sorted(m.notification["users"][0] for m in fake.state.messages.values())
    assert sent_to == sorted(users)


@pytest.fixture
async def fake_pushwoosh() -> AsyncIterator[tuple[FakePushwoosh, PushwooshClient]]:
    fake = fake_account()
    async with fake_client(fake) as client:
        yield fake, client


async def test_a_dependency_override_swaps_in_a_fake_client(
    fake_pushwoosh: tuple[FakePushwoosh, PushwooshClient],
) -> None:
    """Without the lifespan the production client is never built; the override hands the fake's."""
    fake, client = fake_pushwoosh
    app = fastapi_app.app
    app.dependency_overrides[fastapi_app.get_pushwoosh] = lambda: client
    try:
        (response,) = await post_welcomes(app, ["u-1"])
    finally:
        app.dependency_overrides.clear()
    assert response.status_code == 200
    (call,) = fake.calls_to("createMessage")
    assert call.body["request"]["notifications"][0]["users"] == ["u-1"]
