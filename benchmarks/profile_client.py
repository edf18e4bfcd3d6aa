"""Where a runner's CPU goes: one run under cProfile, functions and packages by own time.

    bash benchmarks/server.sh start
    python benchmarks/profile_client.py                         # pushwoosh at C=64
    python benchmarks/profile_client.py --runner aiohttp_raw    # the reference, same table
    bash benchmarks/server.sh stop

It first makes one run without the profiler to measure the client CPU per request, then the same
run under cProfile. The profiler slows everything down, so next to the profiled microseconds per
request the tables show an estimate scaled back to the unprofiled CPU time: a function's share of
the profiled time times the unprofiled CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_runs import (
    RUNNERS,
    check_server,
    drive,
    drop_proxy_variables,
    markdown_table,
    pin_to_cpu,
)

# (pattern on the file name, group); the first match wins.
GROUPS: list[tuple[str, str]] = [
    (r"<attrs generated .*pushwoosh_async", "pushwoosh_async (attrs-generated)"),
    (r"<cattrs generated ", "pushwoosh_async (cattrs-generated)"),
    (r"/pushwoosh_async/", "pushwoosh_async"),
    (r"<attrs generated ", "attrs (generated)"),
    (r"/(attrs|attr)/", "attrs"),
    (r"/cattrs/", "cattrs"),
    (r"/aiohttp/", "aiohttp"),
    (r"/(yarl|multidict|propcache|aiosignal|frozenlist)/", "yarl/multidict/propcache"),
    (r"/(httpx|httpcore|h11|anyio|sniffio)/", "httpx/httpcore/h11/anyio"),
    (r"/json/", "json"),
    (r"/asyncio/", "asyncio"),
    (r"^~$", "builtins and C functions"),
]


def group_of(filename: str) -> str:
    for pattern, group in GROUPS:
        if re.search(pattern, filename):
            return group
    return "other Python"


def label(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    for marker in ("site-packages/", "lib/python3."):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    if "/pushwoosh_async/" in filename:
        filename = "pushwoosh_async/" + filename.split("/pushwoosh_async/", 1)[1]
    return f"{filename}:{line}({name})"


async def one_run(
    runner: str, base_url: str, concurrency: int, requests: int, profiler: cProfile.Profile | None
) -> tuple[int, float]:
    """(requests sent, client CPU seconds) of one warmed-up run, profiled if asked."""
    async with RUNNERS[runner](base_url) as send:
        await drive(send, max(500, 2 * concurrency), concurrency, 5.0)
        cpu_before = time.process_time()
        if profiler:
            profiler.enable()
        sent, _ = await drive(send, requests, concurrency, 60.0)
        if profiler:
            profiler.disable()
        return sent, time.process_time() - cpu_before


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runner", default="pushwoosh", choices=list(RUNNERS))
    parser.add_argument("-c", "--concurrency", type=int, default=64)
    parser.add_argument("-n", "--requests", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=25, help="functions to list")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "18080")))
    parser.add_argument("--cpu", type=int, default=1, help="pin to this CPU; -1: don't")
    parser.add_argument("--save", type=Path, help="also write the pstats file here")
    args = parser.parse_args(argv)

    drop_proxy_variables()
    pin_to_cpu(None if args.cpu < 0 else args.cpu)
    base_url = f"http://127.0.0.1:{args.port}"
    check_server(base_url)

    sent, cpu = asyncio.run(one_run(args.runner, base_url, args.concurrency, args.requests, None))
    cpu_us = cpu / sent * 1e6
    profiler = cProfile.Profile()
    profiled_sent, _ = asyncio.run(
        one_run(args.runner, base_url, args.concurrency, args.requests, profiler)
    )
    if args.save:
        profiler.dump_stats(args.save)

    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tottime for _, _, tottime, _, _ in stats.values())
    per_req = 1e6 / profiled_sent
    scale = cpu_us / (total * per_req)

    print(
        f"{args.runner}, C={args.concurrency}: {cpu_us:.0f} µs CPU/request unprofiled, "
        f"{total * per_req:.0f} µs/request under cProfile ({sent:,} + {profiled_sent:,} requests)."
        f" 'est. µs/req' = share of profiled time x {cpu_us:.0f} µs.\n"
    )

    groups: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        groups[group_of(filename)] += tottime
    print(
        markdown_table(
            ["own time by package", "share", "est. µs/req"],
            (
                [name, f"{t / total:.1%}", f"{t * per_req * scale:.1f}"]
                for name, t in sorted(groups.items(), key=lambda kv: -kv[1])
            ),
        )
    )

    for key, title in ((2, "own time (tottime)"), (3, "cumulative time (cumtime)")):
        ranked = sorted(stats.items(), key=lambda kv: -kv[1][key])[: args.top]
        print()
        print(
            markdown_table(
                [f"by {title}", "calls/req", "tottime µs/req", "cumtime µs/req", "est. own µs/req"],
                (
                    [
                        label(func),
                        f"{ncalls / profiled_sent:.2f}",
                        f"{tottime * per_req:.1f}",
                        f"{cumtime * per_req:.1f}",
                        f"{tottime * per_req * scale:.1f}",
                    ]
                    for func, (_, ncalls, tottime, cumtime, _) in ranked
                ),
            )
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
