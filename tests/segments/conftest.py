"""The client the segment tests use: over the fake's transport (httpx) and over loopback HTTP
(the default aiohttp sender), each test running on both. A module gives its own ``fake``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running
from tests.support import API_TOKEN, APPLICATION


@pytest.fixture(params=["httpx", "aiohttp"])
async def pw(request: pytest.FixtureRequest, fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    if request.param == "httpx":
        async with PushwooshClient(
            API_TOKEN, application=APPLICATION, transport=fake.transport
        ) as client:
            yield client
    else:
        async with (
            running(fake) as url,
            PushwooshClient(API_TOKEN, application=APPLICATION, base_url=url) as client,
        ):
            yield client
