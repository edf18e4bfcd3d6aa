"""What every test module shares: the test account's tokens and ids, envelopes, examples.

Import it as ``from tests.support import ...`` (the suite runs under ``--import-mode=importlib``
with the project root on ``pythonpath``). Each constant is defined here and nowhere else.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import httpx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh

API: Final = "https://api.pushwoosh.com"
"""The production API host, as the client builds URLs for it."""
JOURNEY: Final = "https://journey.pushwoosh.com"
"""The customer journey host."""
API_TOKEN: Final = "SERVER_API_TOKEN"
"""The server API token the tests use (the catalogue's placeholder)."""
DEVICE_TOKEN: Final = "DEVICE_API_TOKEN"
"""The device API token the tests use."""
APPLICATION: Final = "ABCDE-12345"
"""The application code the tests use."""

EXAMPLES: Final = Path(__file__).resolve().parent / "data" / "examples"
"""The API catalogue's example requests and replies, vendored with the tests."""


def ok(response: Any = None, message: str = "OK") -> dict[str, Any]:
    """A v1.3 success envelope around ``response``."""
    return {"status_code": 200, "status_message": message, "response": response}


def refused(code: int, message: str, response: Any = None) -> dict[str, Any]:
    """A v1.3 envelope whose ``status_code`` refuses the call (210, 403, ...), at HTTP 200."""
    return {"status_code": code, "status_message": message, "response": response}


def mock_client(
    handler: Callable[[httpx.Request], Any],
    api_token: str | None = API_TOKEN,
    *,
    device_token: str | None = DEVICE_TOKEN,
    application: str | None = APPLICATION,
    **options: Any,
) -> PushwooshClient:
    """A client with the test tokens and application that sends through ``MockTransport(handler)``.

    For tests that run their own event loop (the virtual clock) or script the transport
    themselves; the ``make_client`` fixture in ``tests/conftest.py`` builds on it. Other keyword
    arguments go to ``PushwooshClient`` as given (retries keep the library's default).
    """
    return PushwooshClient(
        api_token,
        device_token=device_token,
        application=application,
        transport=httpx.MockTransport(handler),
        **options,
    )


def fake_account(**options: Any) -> FakePushwoosh:
    """A ``FakePushwoosh`` account that accepts the test tokens and knows ``APPLICATION``."""
    return FakePushwoosh(
        api_token=API_TOKEN, device_token=DEVICE_TOKEN, applications=[APPLICATION], **options
    )


def fake_client(
    fake: FakePushwoosh, api_token: str | None = API_TOKEN, **options: Any
) -> PushwooshClient:
    """A client for ``fake`` in process (``fake.transport``): the test tokens and application."""
    options.setdefault("device_token", DEVICE_TOKEN)
    options.setdefault("application", APPLICATION)
    return PushwooshClient(api_token, transport=fake.transport, **options)


def raw_client(fake: FakePushwoosh) -> httpx.AsyncClient:
    """A bare httpx client into ``fake`` (no library code between the test and the fake)."""
    return httpx.AsyncClient(transport=fake.transport, base_url=API)


def transaction_ids(body: Mapping[str, Any]) -> list[str | None]:
    """The ``transactionId`` of each notification in one createMessage request body."""
    return [n.get("transactionId") for n in body["request"]["notifications"]]


def example(name: str) -> Any:
    """One example file of the catalogue, parsed."""
    return json.loads((EXAMPLES / name).read_text())


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A loopback port whose accept queue is full: a connection to it never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):  # fill the accept queue; further SYNs are dropped by the kernel
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(listener.getsockname())
            fillers.append(filler)
        yield listener.getsockname()[1]
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
