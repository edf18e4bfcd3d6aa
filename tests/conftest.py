"""Shared test set-up: a respx router, client factories, a fake account (the test tokens), Redis."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async._loop_thread import LoopThread
from pushwoosh_async.testing import FakePushwoosh
from tests.redis_server import start_redis, stop
from tests.support import API as BASE_URL
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, fake_account, mock_client


@pytest.fixture
def router() -> respx.Router:
    """A respx router for api.pushwoosh.com; tests add the routes they need."""
    return respx.Router(base_url=BASE_URL, assert_all_called=False)


@pytest.fixture
async def make_client(router: respx.Router) -> AsyncIterator[Callable[..., PushwooshClient]]:
    """Build clients wired to ``router`` (both tokens, the catalogue application, no retries)."""
    clients: list[PushwooshClient] = []

    def make(
        api_token: str | None = API_TOKEN,
        *,
        device_token: str | None = DEVICE_TOKEN,
        application: str | None = APPLICATION,
        **kwargs: Any,
    ) -> PushwooshClient:
        kwargs.setdefault("retry", RetryPolicy.off())
        client = mock_client(
            router.async_handler,
            api_token,
            device_token=device_token,
            application=application,
            **kwargs,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def pw(make_client: Callable[..., PushwooshClient]) -> PushwooshClient:
    """The default client: server and device tokens, application ABCDE-12345, retries off."""
    return make_client()


@pytest.fixture
def fake() -> FakePushwoosh:
    """A fresh ``FakePushwoosh`` account with the test tokens and application."""
    return fake_account()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The session's Redis: ``$PUSHWOOSH_TEST_REDIS_URL``, else one started here (or skip)."""
    url = os.environ.get("PUSHWOOSH_TEST_REDIS_URL")
    if url:
        yield url
        return
    process, url = start_redis()
    try:
        yield url
    finally:
        stop(process)


class Hops:
    """How many times the sync client crossed to its loop thread (``LoopThread.run`` calls)."""

    count = 0


@pytest.fixture
def loop_hops(monkeypatch: pytest.MonkeyPatch) -> Hops:
    """Counts every ``LoopThread.run`` from here on, for tests of the sync client's hops."""
    hops = Hops()
    run = LoopThread.run

    def counted(self: LoopThread, *args: Any, **kwargs: Any) -> Any:
        hops.count += 1
        return run(self, *args, **kwargs)

    monkeypatch.setattr(LoopThread, "run", counted)
    return hops
