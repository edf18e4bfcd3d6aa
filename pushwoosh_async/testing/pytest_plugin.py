"""Pytest fixtures for testing code that talks to Pushwoosh, against ``FakePushwoosh``.

Enable them in your own root ``conftest.py`` (there is no automatic entry point, so installing
the library never changes a test suite that does not ask for it)::

    pytest_plugins = ["pushwoosh_async.testing.pytest_plugin"]

Then::

    async def test_welcome_push(pushwoosh_client, pushwoosh_fake):
        await send_welcome(pushwoosh_client, user_id="u-1")
        assert len(pushwoosh_fake.state.messages) == 1

``pushwoosh_client`` is an async fixture: it needs an asyncio pytest plugin (pytest-asyncio,
anyio's pytest plugin, ...) in the suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pushwoosh_async.client import PushwooshClient
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.testing.fake import FakePushwoosh

__all__ = [
    "FAKE_API_TOKEN",
    "FAKE_APPLICATION",
    "FAKE_DEVICE_TOKEN",
    "pushwoosh_client",
    "pushwoosh_fake",
]

FAKE_API_TOKEN = "test-api-token"  # noqa: S105 (the fake's own token)
FAKE_DEVICE_TOKEN = "test-device-token"  # noqa: S105
FAKE_APPLICATION = "ABCDE-12345"


@pytest.fixture
def pushwoosh_fake() -> FakePushwoosh:
    """A fresh fake Pushwoosh account: the tokens above and application ``ABCDE-12345``."""
    return FakePushwoosh(
        api_token=FAKE_API_TOKEN,
        device_token=FAKE_DEVICE_TOKEN,
        applications=[FAKE_APPLICATION],
    )


@pytest.fixture
async def pushwoosh_client(pushwoosh_fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    """A client wired to ``pushwoosh_fake``, retrying without sleeping; closed after the test."""
    client = PushwooshClient(
        FAKE_API_TOKEN,
        device_token=FAKE_DEVICE_TOKEN,
        application=FAKE_APPLICATION,
        transport=pushwoosh_fake.transport,
        retry=RetryPolicy(initial_delay=0, jitter=0, max_retry_after=0),
    )
    try:
        yield client
    finally:
        await client.aclose()
