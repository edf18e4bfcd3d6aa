"""One client per run (the harness before issue 13; bench_client.py replaces it for the goals).

Kept for profile_client.py, bench_overhead.py and compare_revisions.py. Throughput of
``PushwooshClient`` side by side with raw aiohttp and raw httpx.

Every runner sends the same request, ``POST /json/1.3/getTags`` with the body
``{"request":{"hwid":"hwid-0001","application":"A1B2C-3D4E5"}}`` and a device-token header, to
the fake server of ``server.sh`` (nginx on 127.0.0.1, pinned to CPU 0), parses the JSON reply and
checks its ``status_code``:

* ``pushwoosh``        ``PushwooshClient`` with its default sender (aiohttp)
* ``pushwoosh_httpx``  ``PushwooshClient(transport=httpx.AsyncHTTPTransport())`` (the httpx sender)
* ``aiohttp_raw``      ``aiohttp.ClientSession`` configured as the library's sender configures it
* ``aiohttp_plain``    ``aiohttp.ClientSession()`` defaults, ``json=``, ``response.json()``
* ``httpx_raw``        ``httpx.AsyncClient`` over the same transport as ``pushwoosh_httpx``

so the ratios ``pushwoosh / aiohttp_raw`` and ``pushwoosh_httpx / httpx_raw`` are the cost of the
library's own layers (command, pipeline steps, decoding, typed result).

Method: one process pinned to CPU 1, one client object per run, warmed up first; C worker tasks
pull from one shared iterator so that exactly C requests are in flight. A run sends N requests or
stops handing out work after ``--max-seconds`` (marked ``*``). Repetitions are interleaved and the
runner order rotates; the tables show medians, and ratios are paired within a repetition.

    bash benchmarks/server.sh start && python benchmarks/bench_runs.py
    bash benchmarks/server.sh stop
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from bench_runners import (  # noqa: F401 (re-exported)
    APPLICATION,
    DEVICE_TOKEN,
    EXPECTED_TAGS,
    HEADERS,
    HWID,
    PATH,
    TIMEOUT_SECONDS,
    Runner,
    Send,
    aiohttp_plain,
    aiohttp_raw,
    check_envelope,
    httpx_raw,
    pushwoosh,
    pushwoosh_httpx,
    request_body,
)
from bench_runners import RUNNERS as ALL_RUNNERS

WARMUP_MAX_SECONDS: Final = 5.0
REPO: Final = Path(__file__).resolve().parent.parent

# The runners, their constants and the request/reply helpers are bench_runners.py's (the one
# definition both harnesses measure); re-exported for profile_client, bench_overhead and others.
RUNNERS: Final[dict[str, Runner]] = {n: r for n, r in ALL_RUNNERS.items() if n != "pyreqwest_raw"}


RATIOS: Final = (
    ("pushwoosh", "aiohttp_raw"),
    ("pushwoosh", "aiohttp_plain"),
    ("pushwoosh", "httpx_raw"),
    ("pushwoosh_httpx", "httpx_raw"),
    ("pushwoosh_httpx", "aiohttp_raw"),
)
"""(numerator, denominator) pairs of the ratio table."""

GOAL: Final = ("pushwoosh", "aiohttp_raw", 64, 0.9)
"""PushwooshClient keeps at least 0.9 of raw aiohttp's throughput at 64 requests in flight."""


# --- measuring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One timed run of one runner at one concurrency."""

    runner: str
    concurrency: int
    rep: int
    requests: int
    seconds: float
    cpu_seconds: float
    capped: bool
    """The time cap stopped the run before it had sent all of its requests."""
    others_pct: float | None
    """CPU time other processes took on our core during the run, % of the run's duration."""
    steal_pct: float | None
    """Time the hypervisor took from our core during the run, % of the run's duration."""
    load_before_pct: float | None
    """Load of other processes on the whole machine just before the run, % of one core."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float:
        return self.cpu_seconds / self.requests * 1e6


async def drive(send: Send, count: int, concurrency: int, max_seconds: float) -> tuple[int, bool]:
    """Send up to ``count`` requests with ``concurrency`` in flight; stop handing out new ones
    after ``max_seconds``. Returns (requests completed, whether the time cap was hit).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_seconds
    tickets = iter(range(count))
    completed = 0
    capped = False

    async def worker() -> None:
        nonlocal completed, capped
        for _ in tickets:
            if loop.time() >= deadline:
                capped = True
                return
            await send()
            completed += 1

    tasks = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:  # only matters when a request failed: stop the other workers
            task.cancel()
    return completed, capped


def cpu_ticks(label: str) -> tuple[int, int] | None:
    """(busy, steal) clock ticks so far of ``cpu`` (all CPUs) or ``cpuN``, from /proc/stat."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{label} "):
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, line.split()[1:9])
            return user + nice + system + irq + softirq, steal
    return None


def wait_until_quiet(max_wait: float, threshold_pct: float) -> float | None:
    """Wait up to ``max_wait`` s until the rest of the machine uses less than ``threshold_pct``
    of one core (sampled over 0.5 s while this process and the idle server do nothing).
    Returns the last sample, in % of one core.
    """
    hertz = os.sysconf("SC_CLK_TCK")
    give_up = time.monotonic() + max_wait
    while True:
        before = cpu_ticks("cpu")
        time.sleep(0.5)
        after = cpu_ticks("cpu")
        if before is None or after is None:
            return None
        load_pct = (after[0] - before[0]) / hertz / 0.5 * 100
        if load_pct < threshold_pct or time.monotonic() >= give_up:
            return load_pct


async def timed_run(
    runner: str,
    base_url: str,
    concurrency: int,
    args: argparse.Namespace,
    *,
    rep: int,
    load_before_pct: float | None,
) -> Run:
    core = None if args.cpu is None else f"cpu{args.cpu}"
    async with RUNNERS[runner](base_url) as send:
        warmup = max(args.warmup, 2 * concurrency)
        await drive(send, warmup, concurrency, WARMUP_MAX_SECONDS)
        gc.collect()
        ticks_before = cpu_ticks(core) if core else None
        cpu_before = time.process_time()
        started = time.perf_counter()
        requests, capped = await drive(send, args.requests, concurrency, args.max_seconds)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_before
        ticks_after = cpu_ticks(core) if core else None

    others_pct = steal_pct = None
    if ticks_before is not None and ticks_after is not None:
        hertz = os.sysconf("SC_CLK_TCK")
        busy = (ticks_after[0] - ticks_before[0]) / hertz
        steal = (ticks_after[1] - ticks_before[1]) / hertz
        others_pct = max(0.0, busy - cpu_seconds) / seconds * 100
        steal_pct = steal / seconds * 100
    return Run(
        runner,
        concurrency,
        rep,
        requests,
        seconds,
        cpu_seconds,
        capped,
        others_pct,
        steal_pct,
        load_before_pct,
    )


def schedule(
    runners: Sequence[str], levels: Sequence[int], reps: int
) -> list[tuple[int, int, str]]:
    """(rep, concurrency, runner) in run order: every configuration once per repetition, the
    runner order rotated by one each repetition so that no runner always goes first.
    """
    order = []
    for rep in range(1, reps + 1):
        shift = (rep - 1) % len(runners)
        rotated = [*runners[shift:], *runners[:shift]]
        order += [(rep, c, name) for c in levels for name in rotated]
    return order


# --- reporting -----------------------------------------------------------------------------------


def median_or_none(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def paired_ratio(runs: Sequence[Run], top: str, bottom: str, concurrency: int) -> float | None:
    """Median over repetitions of rate(top) / rate(bottom) measured in the same repetition."""
    rates = {(r.runner, r.rep): r.rate for r in runs if r.concurrency == concurrency}
    reps = sorted({r.rep for r in runs})
    return median_or_none(
        rates[top, rep] / rates[bottom, rep]
        for rep in reps
        if (top, rep) in rates and (bottom, rep) in rates
    )


def summary_rows(
    runs: Sequence[Run], runners: Sequence[str], levels: Sequence[int]
) -> list[dict[str, Any]]:
    rows = []
    for c in levels:
        for name in runners:
            mine = [r for r in runs if r.runner == name and r.concurrency == c]
            if not mine:
                continue
            rates = [r.rate for r in mine]
            others = [r.others_pct for r in mine if r.others_pct is not None]
            rows.append(
                {
                    "runner": name,
                    "concurrency": c,
                    "reps": len(mine),
                    "rate_median": statistics.median(rates),
                    "rate_min": min(rates),
                    "rate_max": max(rates),
                    "cpu_us_median": statistics.median(r.cpu_us for r in mine),
                    "requests_min": min(r.requests for r in mine),
                    "capped": any(r.capped for r in mine),
                    "others_pct_max": max(others) if others else None,
                }
            )
    return rows


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]], right: int = 1) -> str:
    """A markdown table; columns from index ``right`` on are right-aligned."""
    rule = ["---" if i < right else "---:" for i in range(len(header))]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def report(runs: Sequence[Run], runners: Sequence[str], levels: Sequence[int]) -> str:
    rows = summary_rows(runs, runners, levels)
    throughput = markdown_table(
        [
            "runner",
            "C",
            "req/s (median)",
            "req/s min-max",
            "client CPU µs/req",
            "requests/run (min)",
            "others on CPU %, max",
        ],
        (
            [
                row["runner"],
                str(row["concurrency"]),
                fmt(row["rate_median"]),
                f"{fmt(row['rate_min'])}-{fmt(row['rate_max'])}",
                fmt(row["cpu_us_median"]),
                fmt(row["requests_min"]) + ("*" if row["capped"] else ""),
                fmt(row["others_pct_max"]),
            ]
            for row in rows
        ),
        right=1,
    )
    pairs = [(top, bottom) for top, bottom in RATIOS if top in runners and bottom in runners]
    ratios = markdown_table(
        ["ratio (paired, median)", *(f"C={c}" for c in levels)],
        (
            [f"{top} ÷ {bottom}", *(fmt(paired_ratio(runs, top, bottom, c), ".2f") for c in levels)]
            for top, bottom in pairs
        ),
    )
    parts = [throughput]
    if any(row["capped"] for row in rows):
        parts.append(
            "\\* a run hit the time cap before sending N requests; rates are over what was sent."
        )
    if pairs:
        parts.append(ratios)
    top, bottom, c, target = GOAL
    if top in runners and bottom in runners and c in levels:
        ratio = paired_ratio(runs, top, bottom, c)
        if ratio is not None:
            verdict = "met" if ratio >= target else "NOT met"
            parts.append(f"Goal {top} ÷ {bottom} >= {target} at C={c}: {ratio:.2f}, {verdict}.")
    return "\n\n".join(parts)


def git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def environment() -> dict[str, Any]:
    """Where and on what code the numbers were taken (read at the start of the run)."""
    changes = git("status", "--porcelain", "--", "pushwoosh_async")
    return {
        "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.release()}",
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "library_modified": None if changes is None else bool(changes),
        "versions": {
            name: version(name)
            for name in ("pushwoosh-async", "aiohttp", "httpx", "httpcore", "attrs", "cattrs")
        },
    }


# --- setup ---------------------------------------------------------------------------------------


def drop_proxy_variables() -> None:
    """Traffic stays on loopback: no client may pick up a proxy from the environment."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            del os.environ[name]


def pin_to_cpu(cpu: int | None) -> None:
    if cpu is None:
        return
    if not hasattr(os, "sched_setaffinity") or cpu not in os.sched_getaffinity(0):
        sys.exit(f"cannot pin to CPU {cpu}; pass --cpu -1 to run unpinned")
    os.sched_setaffinity(0, {cpu})


def check_server(base_url: str) -> None:
    """One getTags by urllib: the fake server must answer with benchmarks/nginx.conf's reply."""
    request = urllib.request.Request(  # noqa: S310 (the URL is http://127.0.0.1 by construction)
        base_url + PATH, data=request_body(), headers=HEADERS, method="POST"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            document = json.load(response)
    except (OSError, ValueError) as exc:
        sys.exit(f"no fake server at {base_url} ({exc}); start it: bash benchmarks/server.sh start")
    if document.get("response", {}).get("result") != EXPECTED_TAGS:
        sys.exit(f"{base_url} is not benchmarks/nginx.conf (getTags replied {document!r})")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="PushwooshClient vs raw aiohttp and raw httpx against the local fake server.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("-n", "--requests", type=int, default=20_000, help="requests per run")
    parser.add_argument("--reps", type=int, default=5, help="interleaved repetitions")
    parser.add_argument(
        "--concurrency", default="1,16,64,256", help="comma-separated requests in flight"
    )
    parser.add_argument(
        "--runners", default=",".join(RUNNERS), help=f"comma-separated, from {', '.join(RUNNERS)}"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=10.0, help="stop handing out requests after this"
    )
    parser.add_argument(
        "--warmup", type=int, default=500, help="untimed requests first (at least 2*C)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "18080")),
        help="fake server port on 127.0.0.1 ($BENCH_PORT if set)",
    )
    parser.add_argument("--cpu", type=int, default=1, help="pin this process to a CPU; -1: don't")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20.0,
        help="before each run, wait up to this many seconds for other processes to calm down",
    )
    parser.add_argument(
        "--quiet-threshold",
        type=float,
        default=20.0,
        help="'calm': other processes use less than this %% of one core",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="save every run's numbers here")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2,000 requests, 1 repetition, C=1,64, 3 s cap, 200 warm-up, no quiet wait",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.reps, args.concurrency = 2_000, 1, "1,64"
        args.max_seconds, args.warmup, args.quiet_wait = 3.0, 200, 0.0
    args.levels = [int(c) for c in args.concurrency.split(",")]
    args.runner_names = args.runners.split(",")
    unknown = set(args.runner_names) - set(RUNNERS)
    if unknown:
        parser.error(f"unknown runners: {', '.join(sorted(unknown))}")
    if args.cpu < 0:
        args.cpu = None
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    drop_proxy_variables()
    pin_to_cpu(args.cpu)
    base_url = f"http://127.0.0.1:{args.port}"
    check_server(base_url)
    meta = environment()

    plan = schedule(args.runner_names, args.levels, args.reps)
    runs: list[Run] = []
    started = time.monotonic()
    for i, (rep, concurrency, runner) in enumerate(plan, 1):
        load = wait_until_quiet(args.quiet_wait, args.quiet_threshold) if args.quiet_wait else None
        run = asyncio.run(
            timed_run(runner, base_url, concurrency, args, rep=rep, load_before_pct=load)
        )
        runs.append(run)
        print(
            f"[{i}/{len(plan)} rep {rep}] C={concurrency:<3} {runner:<16}"
            f" {run.rate:>8,.0f} req/s {run.cpu_us:>6.0f} µs/req"
            f" {run.requests:>6} req in {run.seconds:5.2f} s{' (capped)' if run.capped else ''}"
            f" | others: {fmt(run.load_before_pct)}% before, {fmt(run.others_pct)}% on our core",
            file=sys.stderr,
            flush=True,
        )
    print(f"total {time.monotonic() - started:.0f} s", file=sys.stderr)

    modified = " + uncommitted changes" if meta["library_modified"] else ""
    print(f"\n{meta['date_utc']} UTC, `{meta['command']}`, commit {meta['git_commit']}{modified}\n")
    print(report(runs, args.runner_names, args.levels))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "meta": {
                **meta,
                "settings": {
                    k: v
                    for k, v in vars(args).items()
                    if k not in {"json", "levels", "runner_names"}
                },
            },
            "runs": [{**asdict(r), "rate": r.rate, "cpu_us": r.cpu_us} for r in runs],
            "summary": summary_rows(runs, args.runner_names, args.levels),
            "ratios": {
                f"{top}/{bottom}": {str(c): paired_ratio(runs, top, bottom, c) for c in args.levels}
                for top, bottom in RATIOS
                if top in args.runner_names and bottom in args.runner_names
            },
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nraw numbers: {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
