"""Import time of ``pushwoosh_async`` against importing its dependencies alone.

Each measurement is a fresh interpreter (``python -c``) that times one import statement with
``time.perf_counter`` and prints the seconds; the interpreter's own start-up is not counted.
Targets:

* ``deps``: ``import httpx, aiohttp, attrs, cattrs, aiolimiter, anyio`` (the dependencies alone)
* ``pushwoosh_async``: ``import pushwoosh_async`` (the library, which imports its dependencies)
* each dependency on its own, for reference

Runs are interleaved (round 1 of every target, then round 2, ...; the order rotates each round)
after one untimed round that fills the bytecode caches. Reported: median and min-max ms per
target, the ratio ``pushwoosh_async ÷ deps`` of the medians, and from ``-X importtime`` (a
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
    "import time; t = time.perf_counter(); import {modules}; "
    "print(time.perf_counter() - t); import sys; print(len(sys.modules))"
)


def targets(with_each: bool) -> dict[str, str]:
    """Target name -> the comma-separated modules it imports."""
    chosen = {"deps": ", ".join(DEPS), LIBRARY: LIBRARY}
    if with_each:
        chosen.update({name: name for name in DEPS})
    return chosen


def environment() -> dict[str, str]:
    """No PYTHON* variables (e.g. PYTHONDONTWRITEBYTECODE, PYTHONPROFILEIMPORTTIME)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def time_import(modules: str) -> tuple[float, int]:
    """Seconds to import ``modules`` in a fresh interpreter, and how many modules it then has."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=modules)],
        check=True,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    ).stdout.split()
    return float(out[0]), int(out[1])


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
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 5
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    chosen = targets(not args.no_each)
    names = list(chosen)
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    print(f"{started} UTC, Python {sys.version.split()[0]}, {args.rounds} rounds", flush=True)

    for name in names:  # untimed: compile and cache bytecode, warm the page cache
        time_import(chosen[name])
    seconds: dict[str, list[float]] = {name: [] for name in names}
    module_counts: dict[str, int] = {}
    own: list[float] = []
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            elapsed, count = time_import(chosen[name])
            seconds[name].append(elapsed)
            module_counts[name] = count
        own.append(own_self_time(LIBRARY))

    print("\n| import | median ms | min-max ms | modules loaded |")
    print("| --- | ---: | ---: | ---: |")
    for name in names:
        values = [s * 1000 for s in seconds[name]]
        print(
            f"| {name} | {statistics.median(values):.1f} | {min(values):.1f}-{max(values):.1f} "
            f"| {module_counts[name]} |"
        )
    library, deps = statistics.median(seconds[LIBRARY]), statistics.median(seconds["deps"])
    paired = [a / b for a, b in zip(seconds[LIBRARY], seconds["deps"], strict=True)]
    print(
        f"\n{LIBRARY} ÷ deps alone: {library / deps:.2f} (medians; "
        f"per round {min(paired):.2f}-{max(paired):.2f}); "
        f"the library adds {(library - deps) * 1000:.1f} ms"
    )
    print(
        f"self time of {LIBRARY}.* modules (-X importtime, median): "
        f"{statistics.median(own) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
