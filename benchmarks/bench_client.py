"""Issue 13's client benchmark: rounds of rotated blocks on long-lived clients.

Every variant (``bench_runners.py``) builds its client once and keeps it for the whole run. A
*round* runs, at each concurrency C, one *block* of every variant (``--block`` requests with
exactly C in flight), in an order rotated by one each round. Per block: wall time
(``perf_counter``) and CPU (``time.process_time`` delta: every thread of this process, so a Rust
runtime's threads count too). Ratios are taken within a round (blocks seconds apart), then the
median and spread over rounds are reported.

A round at one C is *disturbed* and dropped (and counted) when the reference's throughput in it
deviates more than ``--max-dev`` % from the median of the reference over all rounds at that C,
when the hypervisor stole more than ``--max-steal`` % of our core, or when other processes took
more than ``--max-others`` % of our core during its blocks (``/proc/stat``).

The goal table's met / not met is computed on the rounded figure it prints.

    BENCH_PORT=18082 bash benchmarks/server.sh start
    BENCH_PORT=18082 python benchmarks/bench_client.py            # ~3 min
    BENCH_PORT=18082 python benchmarks/bench_client.py --quick    # ~20 s smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from bench_runners import RUNNERS, Send, available
from bench_runs import (
    check_server,
    cpu_ticks,
    drive,
    drop_proxy_variables,
    environment,
    markdown_table,
    pin_to_cpu,
)

from pushwoosh_async.json_backend import BACKEND

REFERENCE: Final = "aiohttp_raw"
DEFAULT_RUNNERS: Final = ("pushwoosh", "aiohttp_raw", "aiohttp_plain")


@dataclass(frozen=True)
class Goal:
    label: str
    top: str
    levels: tuple[int, ...]
    target: float
    metric: str  # "cpu" (ratio of CPU per request, reference / top), "wall", or "lib_us"
    parser: str | None = None  # the json_backend.BACKEND the goal is about (None: either)


GOALS: Final = (
    Goal("1: default install >= 0.95", "pushwoosh", (1, 16, 64, 256), 0.95, "cpu", "json"),
    Goal("1: library CPU per getTags <= 7 µs", "pushwoosh", (64,), 7.0, "lib_us", "json"),
    Goal("2: with the speedups extra >= 1.0", "pushwoosh", (1, 16, 64, 256), 1.0, "cpu", "msgspec"),
    Goal("3: Rust-backed sender >= 1.5x at 64", "pushwoosh_pyreqwest", (64,), 1.5, "wall"),
    Goal("3 (raw pyreqwest, no sender)", "pyreqwest_raw", (1, 64, 256), 1.5, "wall"),
)


@dataclass(frozen=True)
class Block:
    round: int
    concurrency: int
    runner: str
    position: int
    requests: int
    seconds: float
    cpu_seconds: float
    busy_ticks: int | None
    steal_ticks: int | None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float:
        return self.cpu_seconds / self.requests * 1e6


async def run_block(send: Send, requests: int, concurrency: int, core: str | None) -> tuple:
    gc.collect()
    ticks = cpu_ticks(core) if core else None
    cpu, wall = time.process_time(), time.perf_counter()
    done, _ = await drive(send, requests, concurrency, 3600.0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = cpu_ticks(core) if core else None
    if ticks is None or after is None:
        return done, wall, cpu, None, None
    return done, wall, cpu, after[0] - ticks[0], after[1] - ticks[1]


async def measure(args: argparse.Namespace, base_url: str) -> list[Block]:
    core = None if args.cpu is None else f"cpu{args.cpu}"
    blocks: list[Block] = []
    async with contextlib.AsyncExitStack() as stack:
        sends = {n: await stack.enter_async_context(RUNNERS[n](base_url)) for n in args.names}
        for c in args.levels:  # warm every session at every level (connections, caches)
            for send in sends.values():
                await drive(send, max(args.warmup, 2 * c), c, 5.0)
        started = time.monotonic()
        for rnd in range(1, args.rounds + 1):
            for i, c in enumerate(args.levels):
                shift = (rnd - 1 + i) % len(args.names)
                order = [*args.names[shift:], *args.names[:shift]]
                for pos, name in enumerate(order):
                    result = await run_block(sends[name], args.block, c, core)
                    blocks.append(Block(rnd, c, name, pos, *result))
            print(f"round {rnd}/{args.rounds} {time.monotonic() - started:.0f} s", file=sys.stderr)
    return blocks


def disturbed(blocks: Sequence[Block], args: argparse.Namespace) -> dict[tuple[int, int], str]:
    """(round, C) -> why it is dropped."""
    hertz = os.sysconf("SC_CLK_TCK")
    why: dict[tuple[int, int], str] = {}
    for c in args.levels:
        refs = {b.round: b.rate for b in blocks if b.concurrency == c and b.runner == REFERENCE}
        middle = statistics.median(refs.values()) if refs else None
        for rnd in range(1, args.rounds + 1):
            cell = [b for b in blocks if b.concurrency == c and b.round == rnd]
            wall = sum(b.seconds for b in cell)
            if middle and rnd in refs and abs(refs[rnd] / middle - 1) * 100 > args.max_dev:
                why[rnd, c] = f"reference {refs[rnd] / middle - 1:+.0%} from its median"
            elif cell and all(b.steal_ticks is not None for b in cell):
                steal = sum(b.steal_ticks or 0 for b in cell) / hertz / wall * 100
                others = sum(b.busy_ticks or 0 for b in cell) / hertz - sum(
                    b.cpu_seconds for b in cell
                )
                others_pct = max(0.0, others) / wall * 100
                if steal > args.max_steal:
                    why[rnd, c] = f"steal {steal:.0f}%"
                elif others_pct > args.max_others:
                    why[rnd, c] = f"others on our core {others_pct:.0f}%"
    return why


def per_round(
    blocks: Sequence[Block], dropped: dict[tuple[int, int], str], top: str, c: int, metric: str
) -> list[float]:
    """The figure of ``top`` against the reference in every kept round at C."""
    cell: dict[tuple[int, str], Block] = {
        (b.round, b.runner): b for b in blocks if b.concurrency == c
    }
    values = []
    for rnd in sorted({b.round for b in blocks}):
        mine, ref = cell.get((rnd, top)), cell.get((rnd, REFERENCE))
        if mine is None or ref is None or (rnd, c) in dropped:
            continue
        if metric == "cpu":
            values.append(ref.cpu_us / mine.cpu_us)
        elif metric == "wall":
            values.append(mine.rate / ref.rate)
        else:
            values.append(mine.cpu_us - ref.cpu_us)
    return values


def spread(values: Sequence[float], spec: str) -> tuple[str, str]:
    """(median, "p25-p75, min-max") formatted with ``spec``."""
    if not values:
        return "-", "-"
    ordered = sorted(values)
    quartiles = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
    med = format(statistics.median(ordered), spec)
    return med, (
        f"{quartiles[0]:{spec}}-{quartiles[2]:{spec}}, {ordered[0]:{spec}}-{ordered[-1]:{spec}}"
    )


def goal_table(blocks: Sequence[Block], dropped: dict[tuple[int, int], str], args: Any) -> str:
    rows = []
    for goal in GOALS:
        for c in goal.levels:
            if c not in args.levels:
                rows.append([goal.label, str(c), "-", "-", "-", "not measured (C)"])
                continue
            if goal.parser is not None and goal.parser != BACKEND:
                how = "PUSHWOOSH_ASYNC_SPEEDUPS=0" if goal.parser == "json" else "[speedups]"
                rows.append([goal.label, str(c), "-", "-", "-", f"not measured (needs {how})"])
                continue
            if goal.top not in args.names or REFERENCE not in args.names:
                rows.append([goal.label, str(c), "-", "-", "-", f"not measured ({goal.top})"])
                continue
            values = per_round(blocks, dropped, goal.top, c, goal.metric)
            spec = ".1f" if goal.metric == "lib_us" else ".2f"
            shown, rest = spread(values, spec)
            if shown == "-":
                verdict = "no kept rounds"
            elif goal.metric == "lib_us":
                verdict = "met" if float(shown) <= goal.target else "NOT met"
            else:
                verdict = "met" if float(shown) >= goal.target else "NOT met"
            rows.append([goal.label, str(c), shown, rest, str(len(values)), verdict])
    return markdown_table(
        ["goal", "C", "figure (median)", "spread: p25-p75, min-max", "rounds", "verdict"],
        rows,
        right=1,
    )


def report(blocks: Sequence[Block], dropped: dict[tuple[int, int], str], args: Any) -> str:
    rows = []
    for c in args.levels:
        for name in args.names:
            mine = [b for b in blocks if b.concurrency == c and b.runner == name]
            kept = [b for b in mine if (b.round, c) not in dropped] or mine
            rate_med, rate_rest = spread([b.rate for b in kept], ",.0f")
            cpu_med, _ = spread([b.cpu_us for b in kept], ".1f")
            row = [name, str(c), rate_med, rate_rest.split(", ")[-1], cpu_med]
            if name != REFERENCE and REFERENCE in args.names:
                row += [
                    spread(per_round(blocks, dropped, name, c, m), ".3f")[i]
                    for m, i in (("cpu", 0), ("cpu", 1), ("wall", 0))
                ]
            else:
                row += ["", "", ""]
            rows.append(row)
    header = [
        "runner",
        "C",
        "req/s",
        "req/s min-max",
        "CPU µs/req",
        f"CPU ratio vs {REFERENCE}",
        "CPU ratio p25-p75, min-max",
        "wall ratio",
    ]
    lost = {c: sum(1 for (_, cc) in dropped if cc == c) for c in args.levels}
    lines = [
        markdown_table(header, rows, right=1),
        "Rounds kept per C: "
        + ", ".join(f"C={c}: {args.rounds - lost[c]}/{args.rounds}" for c in args.levels)
        + (
            ""
            if not dropped
            else "; dropped: "
            + "; ".join(f"round {r} C={c} ({why})" for (r, c), why in sorted(dropped.items()))
        ),
        (
            "CPU ratio = reference CPU µs/req ÷ runner's (higher is cheaper); wall ratio = req/s ÷ "
            "reference req/s; both paired within a round."
        ),
        goal_table(blocks, dropped, args),
    ]
    return "\n\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    add = parser.add_argument
    add("--runners", default=",".join(DEFAULT_RUNNERS), help=f"from {', '.join(RUNNERS)}")
    add("--concurrency", default="1,16,64,256", help="comma-separated requests in flight")
    add("--rounds", type=int, default=15, help="rounds (each: every runner once per C)")
    add("--block", type=int, default=2_000, help="requests per block")
    add("--warmup", type=int, default=500, help="untimed requests per runner and C first")
    add("--max-dev", type=float, default=10.0, help="drop a round: reference off its median, %%")
    add("--max-steal", type=float, default=5.0, help="drop a round: steal time, %% of our core")
    add("--max-others", type=float, default=10.0, help="drop a round: other processes, %%")
    add("--port", type=int, default=int(os.environ.get("BENCH_PORT", "18080")))
    add("--cpu", type=int, default=1, help="pin this process to a CPU; -1: don't")
    add("--json", type=Path, metavar="PATH", help="save every block here")
    add("--quick", action="store_true", help="smoke run: 3 rounds of 500, C=1,64")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.block, args.warmup, args.concurrency = 3, 500, 100, "1,64"
    args.levels = [int(c) for c in args.concurrency.split(",")]
    args.names = [n for n in args.runners.split(",") if n]
    unknown = set(args.names) - set(RUNNERS)
    if unknown:
        parser.error(f"unknown runners: {', '.join(sorted(unknown))}")
    missing = [n for n in args.names if not available(n)]
    if missing:
        print(f"skipping {', '.join(missing)}: not installed", file=sys.stderr)
        args.names = [n for n in args.names if n not in missing]
    args.cpu = None if args.cpu < 0 else args.cpu
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    drop_proxy_variables()
    pin_to_cpu(args.cpu)
    base_url = f"http://127.0.0.1:{args.port}"
    check_server(base_url)
    meta = environment()
    blocks = asyncio.run(measure(args, base_url))
    dropped = disturbed(blocks, args)
    modified = " + uncommitted changes" if meta["library_modified"] else ""
    print(f"\n{meta['date_utc']} UTC, `{meta['command']}`, commit {meta['git_commit']}{modified}")
    print(f"{args.rounds} rounds x {args.block} requests per block, {', '.join(args.names)}")
    print(f"replies parsed by: {BACKEND} (pushwoosh_async.json_backend)\n")
    print(report(blocks, dropped, args))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "meta": meta,
            "blocks": [{**asdict(b), "rate": b.rate, "cpu_us": b.cpu_us} for b in blocks],
            "dropped": [{"round": r, "concurrency": c, "why": w} for (r, c), w in dropped.items()],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
