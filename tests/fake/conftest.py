"""The fixtures of the end-to-end fake tests: one account, and one client of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh
from tests.support import fake_account, fake_client


@pytest.fixture
def fake() -> FakePushwoosh:
    """A fake account with the test tokens and application (a test module may seed its own)."""
    return fake_account()


@pytest.fixture
async def pw(fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    """A client of ``fake``, closed after the test."""
    async with fake_client(fake) as client:
        yield client
