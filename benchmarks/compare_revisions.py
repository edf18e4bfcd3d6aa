"""Before/after in one run: the client benchmark against two source trees, rounds interleaved.

Each round runs ``bench_runs.py --runners pushwoosh,aiohttp_raw`` once with ``PYTHONPATH`` set
to each tree (the order alternates by round), so both library versions are measured next to the
same raw-aiohttp reference minutes apart at most. Reported per tree and concurrency: the paired
ratio pushwoosh / aiohttp_raw (median, min-max over rounds) and the library's own CPU per request
(pushwoosh's client CPU minus aiohttp_raw's in the same run).

    git worktree add /tmp/before <rev>
    bash benchmarks/server.sh start
    python benchmarks/compare_revisions.py --before /tmp/before --after . --rounds 7
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(tree: Path, concurrency: str, requests: int, quiet_wait: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "run.json"
        command = [
            sys.executable,
            str(HERE / "bench_runs.py"),
            "--runners",
            "pushwoosh,aiohttp_raw",
            "--reps",
            "1",
            "--concurrency",
            concurrency,
            "-n",
            str(requests),
            "--quiet-wait",
            str(quiet_wait),
            "--json",
            str(out),
        ]
        env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
        subprocess.run(command, env=env, check=True, capture_output=True)
        result: dict[str, object] = json.loads(out.read_text())
        return result


def _library_cpu(result: dict[str, object], level: str) -> float:
    runs = {r["runner"]: r for r in result["runs"] if str(r["concurrency"]) == level}  # type: ignore[attr-defined, index]
    return float(runs["pushwoosh"]["cpu_us"] - runs["aiohttp_raw"]["cpu_us"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--concurrency", default="1,64")
    parser.add_argument("-n", "--requests", type=int, default=20000)
    parser.add_argument("--quiet-wait", type=float, default=10.0)
    args = parser.parse_args()
    levels = args.concurrency.split(",")
    trees = {"before": args.before, "after": args.after}
    ratios: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
        for name in order:
            result = _run(trees[name], args.concurrency, args.requests, args.quiet_wait)
            for level in levels:
                ratio = result["ratios"]["pushwoosh/aiohttp_raw"][level]  # type: ignore[index]
                ratios.setdefault((name, level), []).append(float(ratio))
                cpu.setdefault((name, level), []).append(_library_cpu(result, level))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    print(f"{args.rounds} rounds, {args.requests} requests per run\n")
    print("| tree | C | pushwoosh / aiohttp_raw (median) | min-max | library CPU us/req |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for level in levels:
        for name in trees:
            values = ratios[name, level]
            print(
                f"| {name} | {level} | {statistics.median(values):.3f} | "
                f"{min(values):.3f}-{max(values):.3f} | {statistics.median(cpu[name, level]):.1f} |"
            )


if __name__ == "__main__":
    main()
