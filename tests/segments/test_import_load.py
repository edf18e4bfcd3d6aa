"""Import throughput at the default options against the in-process fake (``pytest -m load``)."""

from __future__ import annotations

import time

import pytest

from tests.support import fake_account, fake_client


@pytest.mark.load
async def test_import_100k_identifiers_at_the_defaults() -> None:
    """100,000 user ids, 100 jobs: measured 11,000 ids/s, bound by the 1 s poll interval."""
    fake = fake_account()
    for n in range(100_000):
        fake.add_device(f"h{n}", user_id=f"u{n}")
    async with fake_client(fake) as pw:
        started = time.perf_counter()
        report = await pw.import_segment("load", (f"u{n}" for n in range(100_000)))
        elapsed = time.perf_counter() - started
    assert (report.tagged, report.complete) == (100_000, True)
    assert elapsed < 60, f"{100_000 / elapsed:,.0f} identifiers/s"
