"""A segment export's client side: rows/s and peak memory at 10k vs 1M rows ("flat" as a ratio).

The fake runs in its own process (``--serve``: ``add_devices(N)``, then
``testing.server.running``), so its million devices and the archive it builds never count in
the client's figures. Each measurement is a fresh client process (``--client``) that exports
every device over real loopback HTTP with the default (aiohttp) sender and reports:

* rows/s: rows read divided by the seconds from the first ``exportSegment`` to the last row
  (the fake builds the ZIP when the job starts, so that is in it: ``read rows/s`` leaves it out,
  from the download's start to the last row);
* tracemalloc peak: the most Python memory the export held at once (started just before it;
  from a second, traced run, as tracemalloc slows allocation several times);
* RSS high-water growth: ``ru_maxrss`` at the end minus before the export (untraced run).

    python benchmarks/bench_export.py                      # 10k and 1M rows, batch 2000
    python benchmarks/bench_export.py --rows 100000 --batch 1 100 2000 20000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pushwoosh_async import PushwooshClient  # noqa: E402
from pushwoosh_async.segments import export as export_module  # noqa: E402
from pushwoosh_async.testing import FakePushwoosh  # noqa: E402
from pushwoosh_async.testing.server import running  # noqa: E402

TOKEN = "bench-token"  # noqa: S105
APP = "ABCDE-12345"


async def serve(rows: int) -> None:
    fake = FakePushwoosh(api_token=TOKEN, applications=[APP])
    fake.add_devices(rows, tags={"City": "Madrid"})
    async with running(fake) as url:
        print(url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    fake.exports.close()


async def client(url: str, batch: int, *, trace: bool) -> dict[str, float]:
    export_module.BATCH_ROWS = batch  # type: ignore[misc]
    async with PushwooshClient(TOKEN, application=APP, base_url=url) as pw:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        count = 0
        export = pw.export_segment(f'A("{APP}")', interval=0.05, max_interval=0.2)
        async with export:
            async for _ in export:
                if count == 0:
                    first = time.perf_counter()
                count += 1
        ended = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {
        "rows": count,
        "seconds": ended - started,
        "rows_per_s": count / (ended - started),
        "read_rows_per_s": count / (ended - first),
        "tracemalloc_peak_mib": peak / 2**20,
        "rss_growth_mib": grown / 1024,
        "zip_mib": export.bytes / 2**20,
    }


def measure(rows: int, batch: int) -> dict[str, float]:
    """rows/s from an untraced client (tracemalloc slows allocation), memory from a traced one."""
    speed = _run(rows, batch, trace=False)
    memory = _run(rows, batch, trace=True)
    return {**speed, "tracemalloc_peak_mib": memory["tracemalloc_peak_mib"]}


def _run(rows: int, batch: int, *, trace: bool) -> dict[str, float]:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(rows)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        out = subprocess.run(
            [sys.executable, __file__, "--client", url, "--batch", str(batch)]
            + (["--trace"] if trace else []),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out)
    finally:
        assert server.stdin is not None
        assert server.stdout is not None
        server.stdin.close()
        server.wait(30)
        server.stdout.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 1_000_000])
    parser.add_argument("--batch", type=int, nargs="*", default=[export_module.BATCH_ROWS])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve))
        return
    if args.client is not None:
        print(json.dumps(asyncio.run(client(args.client, args.batch[0], trace=args.trace))))
        return
    results = {}
    for batch in args.batch:
        for rows in args.rows:
            result = results[rows, batch] = measure(rows, batch)
            print(
                f"{rows:>9,} rows batch {batch:>5}: {result['rows_per_s']:>9,.0f} rows/s "
                f"(read {result['read_rows_per_s']:>9,.0f}), zip {result['zip_mib']:.1f} MiB, "
                f"tracemalloc peak {result['tracemalloc_peak_mib']:.2f} MiB, "
                f"RSS growth {result['rss_growth_mib']:.1f} MiB",
                flush=True,
            )
    if len(args.rows) > 1:
        small, large = min(args.rows), max(args.rows)
        for batch in args.batch:
            a, b = results[small, batch], results[large, batch]
            ratio = b["tracemalloc_peak_mib"] / a["tracemalloc_peak_mib"]
            print(f"batch {batch}: peak at {large:,} / at {small:,} rows = {ratio:.2f}")


if __name__ == "__main__":
    main()
