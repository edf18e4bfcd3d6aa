"""Fixtures of the section tests: one respx router and the one client wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient, RetryPolicy
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN


@pytest.fixture
def router() -> respx.Router:
    """No base URL: these tests assert the full URL, host included."""
    return respx.Router(assert_all_called=False)


@pytest.fixture
async def pw(router: respx.Router) -> AsyncIterator[PushwooshClient]:
    """The section tests' client: both tokens, application ABCDE-12345, no retries, respx."""
    async with PushwooshClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        transport=httpx.MockTransport(router.async_handler),
        retry=RetryPolicy.off(),
    ) as client:
        yield client
