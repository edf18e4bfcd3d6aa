"""Import time of ``pushwoosh_async`` against importing its dependencies alone.

Each measurement is a fresh interpreter (``python -c``) that times one import statement with
``time.perf_counter`` (wall) and ``time.process_time`` (CPU, less disturbed by other processes on
a busy machine) and prints the seconds; the interpreter's own start-up is not counted. Targets:

* ``deps``: ``import httpx, aiohttp, attrs, cattrs, aiolimiter, anyio`` (the dependencies alone)
* ``pushwoosh_async``: ``import pushwoosh_async`` (the library, which imports what it needs)
* ``pushwoosh_async + aiohttp``: the same plus aiohttp, which the library imports only when the
  first ``AiohttpSender`` is built (so: what a program that builds a client pays)
* ``pushwoosh_async + commands.ALL``: that plus every command section (the most a program pays)
* each dependency on its own, for reference

Runs are interleaved (round 1 of every target, then round 2, ...; the order rotates each round)
after one untimed round that fills the bytecode caches. Reported: median and min-max ms per
target, the ratio of each library target to ``deps`` (of the medians, and the range of the
per-round ratios), and from ``-X importtime`` (a
separate set of runs) the median self time of the library's own modules.

    python benchmarks/bench_import.py            # 15 rounds
    python benchmarks/bench_import.py --quick    # 5 rounds
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from typing import Final

DEPS: Final = ("httpx", "aiohttp", "attrs", "cattrs", "aiolimiter", "anyio")
LIBRARY: Final = "pushwoosh_async"
PROBE: Final = (
    "import time; t = time.perf_counter(); c = time.process_time(); {statement}; "
    "print(time.perf_counter() - t); print(time.process_time() - c); "
    "import sys; print(len(sys.modules))"
)
BEFORE: Final = f"{LIBRARY} (--before tree)"
DEFERRED: Final = {
    # what the library defers, paid on first use: aiohttp when the first AiohttpSender is built,
    # the command sections when a command name or ``commands.ALL`` is first used
    f"{LIBRARY} + aiohttp": f"import {LIBRARY}, aiohttp",
    f"{LIBRARY} + commands.ALL": f"import {LIBRARY}, aiohttp; {LIBRARY}.commands.ALL",
}


def targets(with_each: bool) -> dict[str, str]:
    """Target name -> the statement it times."""
    chosen = {"deps": "import " + ", ".join(DEPS), LIBRARY: f"import {LIBRARY}", **DEFERRED}
    if with_each:
        chosen.update({name: f"import {name}" for name in DEPS})
    return chosen


def environment() -> dict[str, str]:
    """No PYTHON* variables (e.g. PYTHONDONTWRITEBYTECODE, PYTHONPROFILEIMPORTTIME)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def time_import(statement: str, cwd: str | None = None) -> tuple[float, float, int]:
    """Wall and CPU seconds of ``statement`` in a fresh interpreter, and its module count.

    ``cwd``: the source tree the library is imported from (``python -c`` puts it first on the
    path); the current directory by default.
    """
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(statement=statement)],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def own_self_time(modules: str) -> float:
    """Seconds of self time spent in the library's own modules, from ``-X importtime``."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {modules}"],
        check=True,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    ).stderr
    total_us = 0
    for line in err.splitlines():
        # lines read "import time: <self us> | <cumulative us> | <module>"
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[2].strip().startswith(LIBRARY):
            total_us += int(parts[0])
    return total_us / 1e6


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Import time of pushwoosh_async vs its dependencies alone.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds")
    parser.add_argument(
        "--no-each", action="store_true", help="skip timing each dependency on its own"
    )
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="also time 'import pushwoosh_async' from this source tree (e.g. a worktree of the "
        "revision before a change), interleaved with the others",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 5
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    chosen = targets(not args.no_each)
    where: dict[str, str | None] = dict.fromkeys(chosen)
    extra = [LIBRARY, *DEFERRED]
    if args.before:
        chosen[BEFORE] = f"import {LIBRARY}"
        where[BEFORE] = args.before
        extra.insert(0, BEFORE)
    names = list(chosen)
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    print(f"{started} UTC, Python {sys.version.split()[0]}, {args.rounds} rounds", flush=True)

    for name in names:  # untimed: compile and cache bytecode, warm the page cache
        time_import(chosen[name], where[name])
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    module_counts: dict[str, int] = {}
    own: list[float] = []
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            elapsed, used, count = time_import(chosen[name], where[name])
            wall[name].append(elapsed)
            cpu[name].append(used)
            module_counts[name] = count
        own.append(own_self_time(LIBRARY))

    print("\n| import | wall median ms | min-max | CPU median ms | min-max | modules loaded |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in names:
        w, c = [s * 1000 for s in wall[name]], [s * 1000 for s in cpu[name]]
        print(
            f"| {name} | {statistics.median(w):.1f} | {min(w):.1f}-{max(w):.1f} "
            f"| {statistics.median(c):.1f} | {min(c):.1f}-{max(c):.1f} | {module_counts[name]} |"
        )
    print("\n| ÷ deps alone | wall (medians) | per round | CPU (medians) | per round | adds ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in extra:
        cells = []
        for times in (wall, cpu):
            paired = [a / b for a, b in zip(times[name], times["deps"], strict=True)]
            ratio = statistics.median(times[name]) / statistics.median(times["deps"])
            cells.append(f"{ratio:.2f} | {min(paired):.2f}-{max(paired):.2f}")
        adds = (statistics.median(wall[name]) - statistics.median(wall["deps"])) * 1000
        print(f"| {name} | {cells[0]} | {cells[1]} | {adds:+.1f} |")
    print(
        f"\nself time of {LIBRARY}.* modules (-X importtime, median): "
        f"{statistics.median(own) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
