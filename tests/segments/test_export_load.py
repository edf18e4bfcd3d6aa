"""A 1,000,000-row export against the fake with flat client memory (``pytest -m load``)."""

from __future__ import annotations

import pytest

from benchmarks.bench_export import measure


@pytest.mark.load
def test_a_million_rows_export_in_flat_memory() -> None:
    small = measure(10_000, 2000)
    large = measure(1_000_000, 2000)
    assert (small["rows"], large["rows"]) == (10_000, 1_000_000)
    # Python memory held at once by the client: the same for 100x the rows (a batch of rows and
    # the reader's buffers), far below the ~100 MiB the rows would take in a list.
    assert large["tracemalloc_peak_mib"] < 16
    assert large["tracemalloc_peak_mib"] / small["tracemalloc_peak_mib"] < 1.5
