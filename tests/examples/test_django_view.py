"""examples/django_view.py: request threads share the module's one sync client, against the fake
served over HTTP (the client is built from the environment, as in production)."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import ModuleType

import pytest

from pushwoosh_async._loop_thread import LoopThread
from pushwoosh_async.testing import FakePushwoosh, Fault
from pushwoosh_async.testing.server import running
from tests.support import API_TOKEN, APPLICATION, fake_account


@dataclass
class FakeRequest:
    method: str = "POST"
    POST: Mapping[str, str] = field(default_factory=dict)


@pytest.fixture
def account() -> FakePushwoosh:
    fake = fake_account()
    for n in range(20):
        fake.add_device(f"hwid-{n}", user_id=f"u-{n}")
    return fake


@pytest.fixture
def view(account: FakePushwoosh, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The example module, imported with the environment pointing at the fake's HTTP server."""
    serving = running(account)

    async def stop_serving() -> None:
        await serving.__aexit__(None, None, None)

    server = LoopThread("fake-server")  # the fake's own event loop, on its own thread
    url = server.run(serving.__aenter__)
    monkeypatch.setenv("PUSHWOOSH_API_TOKEN", API_TOKEN)
    monkeypatch.setenv("PUSHWOOSH_APPLICATION", APPLICATION)
    monkeypatch.setenv("PUSHWOOSH_BASE_URL", url)
    sys.modules.pop("examples.django_view", None)
    module = importlib.import_module("examples.django_view")
    try:
        yield module
    finally:
        module.pw.close()
        sys.modules.pop("examples.django_view", None)
        server.stop(stop_serving)


def test_request_threads_share_the_one_client(view: ModuleType, account: FakePushwoosh) -> None:
    requests = [FakeRequest(POST={"user_id": f"u-{n}"}) for n in range(20)]
    with ThreadPoolExecutor(8) as threads:  # a threaded WSGI server's request threads
        replies = list(threads.map(view.order_shipped, requests))
    assert [r.status for r in replies] == [202] * 20
    assert all(r.body["message_code"] for r in replies)
    assert len(account.calls_to("createMessage")) == 20
    assert len(account.state.messages) == 20
    assert not view.pw.closed


def test_refusals_are_answered_not_raised(view: ModuleType, account: FakePushwoosh) -> None:
    assert view.order_shipped(FakeRequest(method="GET")).status == 405
    missing = view.order_shipped(FakeRequest(POST={}))
    assert missing.status == 400
    assert "users" in missing.body["error"]
    account.inject(Fault.http_error(400), method="createMessage")
    assert view.order_shipped(FakeRequest(POST={"user_id": "u-1"})).status == 502
    assert account.calls_to("createMessage")[0].status == 400


def test_a_spent_budget_is_a_503_with_retry_after(view: ModuleType, account: FakePushwoosh) -> None:
    sent = view.pw._client._limiter.window("createMessage")._sent
    sent.extend([time.monotonic()] * 600)  # this minute's 600 createMessage are spent
    busy = view.order_shipped(FakeRequest(POST={"user_id": "u-1"}))
    assert busy.status == 503
    assert int(busy.headers["Retry-After"]) > 0
    assert account.calls_to("createMessage") == []
