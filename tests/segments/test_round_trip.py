"""Import then export: the segment an import creates exports exactly the identifiers imported.

Over both senders (the fake's transport, and real loopback HTTP with the aiohttp sender), in
both file formats: users are tagged through ``bulkSetTags`` batches, the filter is created on the
tag, and an export of that filter's expression yields every device of those users and no other.
"""

from __future__ import annotations

from typing import Literal

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh
from tests.support import fake_account

USERS = [f"user-{n}" for n in range(250)]


@pytest.fixture
def fake() -> FakePushwoosh:
    fake = fake_account()
    for n, user in enumerate(USERS):
        fake.add_device(f"hwid-{n}", user_id=user)
        if n % 10 == 0:
            fake.add_device(f"hwid-{n}-tablet", user_id=user)  # a user with two devices
    for n in range(50):
        fake.add_device(f"stranger-{n}", user_id=f"stranger-{n}")  # not imported
    return fake


@pytest.mark.parametrize("export_format", ["csv", "json"])
async def test_an_imported_segment_exports_the_imported_users(
    pw: PushwooshClient, fake: FakePushwoosh, export_format: Literal["csv", "json"]
) -> None:
    imported = [*USERS[:200], "nobody-1", "nobody-2"]  # two that Pushwoosh does not know
    report = await pw.import_segment("returning", imported, batch_size=64, poll_interval=0.01)
    assert report.complete
    assert (report.batches, report.tagged, report.not_found) == (4, 200, 2)
    assert fake.state.filters["returning"]["filter_expression"] == report.filter_expression

    rows = [
        device
        async for device in pw.export_segment(
            report.filter_expression,
            format=export_format,
            fields=["hwids", "users"],
            interval=0.01,
        )
    ]
    assert {row.user_id for row in rows} == set(USERS[:200])
    expected = {f"hwid-{n}" for n in range(200)} | {f"hwid-{n}-tablet" for n in range(0, 200, 10)}
    assert {row.hwid for row in rows} == expected
    assert len(rows) == len(expected)  # every device once
