"""Issue 13's ratios in instructions: a measure the host's load cannot move.

On a shared host, CPU time per request swings by tens of percent between rounds (the reference's
own CPU per request went from 97 µs to 214-382 µs between sessions), which drowns the 2-point
difference the goals are about. ``valgrind --tool=callgrind`` counts the instructions a process
executes instead, and that count does not depend on what else the machine runs.

For each runner (``bench_runners.py``), one child process runs under callgrind: a warm-up at
every concurrency C, then, at each C, ``--blocks`` blocks of ``--block`` requests with exactly
C in flight against the local nginx. After each block the child asks callgrind to dump its
counters (``CALLGRIND_DUMP_STATS_AT``, from a ten-line C helper compiled into ``.scratch/``),
which also zeroes them, so each block's count is its own: start-up, imports and warm-up are
left out. Instructions per request = the block's count ÷ its requests; the figure is the median
over the blocks and ``--repeat`` children.

    CPU ratio (instructions) = reference's instructions per request ÷ the runner's

What it counts: user-space instructions of the client process (Python, aiohttp, the library,
the event loop). Not counted: the kernel's work in system calls (the sockets), which is about
the same for both runners, so this ratio is somewhat *stricter* than the CPU-time ratio that
``bench_client.py`` measures. Not modelled: cache misses and branch mispredictions.

    BENCH_PORT=18082 bash benchmarks/server.sh start
    BENCH_PORT=18082 python benchmarks/bench_instructions.py               # ~6 min
    BENCH_PORT=18082 python benchmarks/bench_instructions.py --levels 64 --runners pushwoosh

Needs Debian's ``valgrind``.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final

from bench_runners import RUNNERS, available
from bench_runs import check_server, drive, drop_proxy_variables

from pushwoosh_async.json_backend import BACKEND

REFERENCE: Final = "aiohttp_raw"
GOALS: Final = {"pushwoosh": 1.0 if BACKEND == "msgspec" else 0.95}
"""The target of the library's runner: goal 2 (1.0) with the speedups extra, else goal 1."""
SCRATCH: Final = Path(__file__).parent / ".scratch"
HELPER_SOURCE: Final = """
#include <valgrind/callgrind.h>
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
void zero(void) { CALLGRIND_ZERO_STATS; }
"""
"""Callgrind's client requests are magic instruction sequences: C, not Python, can issue them."""
LABEL: Final = re.compile(r"^desc: Trigger: Client Request: (.+)$", re.MULTILINE)
SUMMARY: Final = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def helper() -> Path:
    """The compiled client-request helper (built once into ``.scratch/``)."""
    library = SCRATCH / "callgrind_requests.so"
    if not library.exists():
        SCRATCH.mkdir(exist_ok=True)
        source = SCRATCH / "callgrind_requests.c"
        source.write_text(HELPER_SOURCE)
        subprocess.run(
            ["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
            check=True,
        )
    return library


async def child(args: argparse.Namespace, base_url: str) -> None:
    requests = ctypes.CDLL(str(helper()))
    dump: Callable[[bytes], None] = requests.dump
    levels = [int(level) for level in args.levels.split(",")]
    async with RUNNERS[args.child](base_url) as send:
        for concurrency in levels:
            await drive(send, max(args.warmup, 2 * concurrency), concurrency, max_seconds=1e9)
        requests.zero()
        for concurrency in levels:
            for block in range(args.blocks):
                await drive(send, args.block, concurrency, max_seconds=1e9)
                dump(f"block {args.child} {concurrency} {block}".encode())


def under_callgrind(
    arguments: Sequence[str], environment: Mapping[str, str], cpu: str = ""
) -> dict[str, int]:
    """Run ``python arguments...`` under callgrind: each labelled dump's instruction count.

    The labels are the ones the child gave ``dump`` (the final dump at exit has none).
    """
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        command = [
            *(["taskset", "-c", cpu] if cpu and shutil.which("taskset") else []),
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={folder}/out",
            sys.executable,
            *arguments,
        ]
        done = subprocess.run(command, capture_output=True, check=False, env=dict(environment))
        if done.returncode != 0:
            sys.exit(f"{arguments} failed:\n{done.stderr.decode(errors='replace')[-2000:]}")
        counts: dict[str, int] = {}
        for part in Path(folder).glob("out*"):
            text = part.read_text(errors="replace")
            label, summary = LABEL.search(text), SUMMARY.search(text)
            if label is not None and summary is not None:
                counts[label.group(1)] = int(summary.group(1))
    return counts


def run_child(runner: str, seed: int, args: argparse.Namespace) -> dict[int, list[float]]:
    """Instructions per request of ``runner``'s blocks, by concurrency.

    ``seed`` is the child's ``PYTHONHASHSEED``: string hashing decides dict and set layouts, which
    move a count by a few percent from one process to the next. A fixed seed makes a child's
    count repeatable, and each repetition uses another seed, so the spread shows that effect.
    """
    arguments = [
        __file__,
        "--child",
        runner,
        f"--levels={args.levels}",
        f"--block={args.block}",
        f"--blocks={args.blocks}",
        f"--warmup={args.warmup}",
    ]
    environment = {**os.environ, "PYTHONHASHSEED": str(seed)}
    found: dict[int, list[float]] = {}
    for label, count in under_callgrind(arguments, environment, args.cpu).items():
        _, _, concurrency, _ = label.split()  # "block <runner> <C> <n>"
        found.setdefault(int(concurrency), []).append(count / args.block)
    return found


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Instructions per request under callgrind, runner ÷ raw aiohttp.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--runners", default="pushwoosh,aiohttp_raw")
    parser.add_argument("--levels", default="1,16,64,256")
    parser.add_argument("--block", type=int, default=1000, help="requests per block")
    parser.add_argument("--blocks", type=int, default=2, help="blocks per C in each child")
    parser.add_argument("--warmup", type=int, default=300, help="requests per C before counting")
    parser.add_argument("--repeat", type=int, default=2, help="children per runner (hash seeds)")
    parser.add_argument("--cpu", default="1", help="CPU for the children ('' for any); nginx has 0")
    parser.add_argument("--child", metavar="RUNNER", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    port = os.environ.get("BENCH_PORT", "18080")
    base_url = f"http://127.0.0.1:{port}"
    drop_proxy_variables()
    if args.child:
        asyncio.run(child(args, base_url))
        return
    if shutil.which("valgrind") is None:
        sys.exit("needs valgrind (apt-get install -y valgrind)")
    check_server(base_url)
    helper()
    runners = [name for name in args.runners.split(",") if available(name)]
    if REFERENCE not in runners:
        runners.append(REFERENCE)
    levels = [int(level) for level in args.levels.split(",")]
    started = time.monotonic()
    figures: dict[tuple[str, int], list[float]] = {}
    for repeat in range(args.repeat):
        for runner in runners[repeat % len(runners) :] + runners[: repeat % len(runners)]:
            for concurrency, values in run_child(runner, repeat, args).items():
                figures.setdefault((runner, concurrency), []).extend(values)
            print(f"pass {repeat + 1}/{args.repeat}: {runner} done", file=sys.stderr)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    ).stdout.strip()
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}, "
        f"replies parsed by {BACKEND}, {args.repeat} x {args.blocks} blocks of {args.block} "
        f"requests per figure, {time.monotonic() - started:.0f} s\n"
    )
    print("| runner | C | instructions per request | min-max | ratio vs aiohttp_raw | goal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for concurrency in levels:
        reference = statistics.median(figures[REFERENCE, concurrency])
        for runner in runners:
            values = figures[runner, concurrency]
            middle = statistics.median(values)
            spread = f"{min(values):,.0f}-{max(values):,.0f}"
            if runner == REFERENCE:
                print(f"| {runner} | {concurrency} | {middle:,.0f} | {spread} | | |")
                continue
            ratio = float(f"{reference / middle:.2f}")
            target = GOALS.get(runner)
            verdict = "" if target is None else ("met" if ratio >= target else "NOT met")
            print(
                f"| {runner} | {concurrency} | {middle:,.0f} | {spread} | {ratio:.2f} | {verdict} |"
            )


if __name__ == "__main__":
    main()
