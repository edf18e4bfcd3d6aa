"""What the proxy check and an observer cost per request, measured two ways.

1. **Over loopback HTTP** (the fake server of ``server.sh``, as ``bench_client.py`` runs it; no
   proxy anywhere), paired throughput ratios at each concurrency:

   * ``plain``          ``PushwooshClient(trust_env=False)``: no proxy resolution at all
   * ``env_checked``    ``HTTPS_PROXY``, ``HTTP_PROXY`` and ``ALL_PROXY`` set, ``NO_PROXY``
                        naming 127.0.0.1, while the client is built: resolved (to "direct")
                        once, so this is the cost of the check alone
   * ``observer_noop``  ``PushwooshClient(trust_env=False, observers=[a no-op function])``
   * ``aiohttp_raw``    raw aiohttp as ``bench_client.py`` runs it (``trust_env=False``)
   * ``aiohttp_env``    the same with ``trust_env=True`` and the same variables set during
                        the run: aiohttp's own per-request proxy lookup, for comparison

2. **In process** (no network; a sender that returns a canned reply), CPU µs per call of
   ``plain`` and ``observer_noop``: the library's own work with and without one observer;
   with ``--before TREE`` (e.g. ``git archive <rev> pushwoosh_async | tar -x -C /tmp/before``)
   also ``plain`` on that older tree against this one, each round in fresh processes: what
   the hook costs a client that has no observer. ``--in-process-only`` skips part 1.

    bash benchmarks/server.sh start && python benchmarks/bench_overhead.py
    bash benchmarks/server.sh stop
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_client as bench

from pushwoosh_async import GetTags, PushwooshClient
from pushwoosh_async.pipeline import Call, Reply

PROXY_VARIABLES: Final = {
    "HTTPS_PROXY": "http://proxy.invalid:3128",
    "HTTP_PROXY": "http://proxy.invalid:3128",
    "ALL_PROXY": "http://proxy.invalid:3128",
    "NO_PROXY": "localhost,127.0.0.1",
}
"""A proxy that does not exist: any request that tried to use it would fail, so none does."""


@contextlib.contextmanager
def proxy_variables() -> Iterator[None]:
    os.environ.update(PROXY_VARIABLES)
    try:
        yield
    finally:
        for name in PROXY_VARIABLES:
            os.environ.pop(name, None)


def noop(event: object) -> None:
    pass


def client(base_url: str, **options: Any) -> PushwooshClient:
    return PushwooshClient(
        device_token=bench.DEVICE_TOKEN,
        application=bench.APPLICATION,
        base_url=base_url,
        rate_limits={},
        **options,
    )


@contextlib.asynccontextmanager
async def serve(pw: PushwooshClient) -> AsyncIterator[bench.Send]:
    async with pw:

        async def send() -> None:
            await pw(GetTags(hwid=bench.HWID))

        yield send


def plain(base_url: str) -> contextlib.AbstractAsyncContextManager[bench.Send]:
    return serve(client(base_url, trust_env=False))


def env_checked(base_url: str) -> contextlib.AbstractAsyncContextManager[bench.Send]:
    with proxy_variables():
        pw = client(base_url)  # the variables are read here, once; gone during the run
    return serve(pw)


def observer_noop(base_url: str) -> contextlib.AbstractAsyncContextManager[bench.Send]:
    return serve(client(base_url, trust_env=False, observers=[noop]))


@contextlib.asynccontextmanager
async def aiohttp_env(base_url: str) -> AsyncIterator[bench.Send]:
    url = base_url + bench.PATH
    with proxy_variables():  # aiohttp reads them on every request
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100),
            timeout=aiohttp.ClientTimeout(total=bench.TIMEOUT_SECONDS),
            headers=bench.HEADERS,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=True,
        ) as session:

            async def send() -> None:
                async with session.post(url, data=bench.request_body()) as response:
                    bench.check_envelope(await response.json())

            yield send


RUNNERS: Final = {
    "plain": plain,
    "env_checked": env_checked,
    "observer_noop": observer_noop,
    "aiohttp_raw": bench.aiohttp_raw,
    "aiohttp_env": aiohttp_env,
}
RATIOS: Final = (
    ("env_checked", "plain"),
    ("observer_noop", "plain"),
    ("aiohttp_env", "aiohttp_raw"),
)


# --- in process ----------------------------------------------------------------------------------

_REPLY: Final = Reply(
    200, {"Content-Type": "application/json"}, b'{"status_code":200,"response":{"result":{}}}'
)


class CannedSender:
    async def __call__(self, call: Call, /) -> Reply:  # noqa: ARG002
        return _REPLY

    async def aclose(self) -> None:
        return


async def cpu_us_per_call(observers: Sequence[Any], calls: int) -> float:
    async with PushwooshClient(
        device_token=bench.DEVICE_TOKEN,
        application=bench.APPLICATION,
        rate_limits={},
        sender=CannedSender(),
        **({"observers": observers} if observers else {}),  # a tree from before observers
    ) as pw:
        command = GetTags(hwid=bench.HWID)
        for _ in range(1000):
            await pw(command)
        started = time.process_time()
        for _ in range(calls):
            await pw(command)
        return (time.process_time() - started) / calls * 1e6


def in_process(rounds: int, calls: int) -> str:
    """``rounds`` interleaved rounds (the order alternates), each one loop per configuration."""
    configurations: dict[str, Sequence[Any]] = {"plain": (), "observer_noop": [noop]}
    samples: dict[str, list[float]] = {name: [] for name in configurations}
    for index in range(rounds):
        order = list(configurations) if index % 2 == 0 else list(reversed(configurations))
        for name in order:
            samples[name].append(asyncio.run(cpu_us_per_call(configurations[name], calls)))
    ratios = [o / p for o, p in zip(samples["observer_noop"], samples["plain"], strict=True)]
    rows = [
        [name, bench.fmt(statistics.median(values), ".2f"), bench.fmt(min(values), ".2f")]
        for name, values in samples.items()
    ]
    table = bench.markdown_table(["in process (no I/O)", "CPU µs/call, median", "min"], rows)
    added = statistics.median(samples["observer_noop"]) - statistics.median(samples["plain"])
    return (
        f"{table}\n\nobserver_noop ÷ plain, CPU per call (paired, median of {rounds} rounds): "
        f"{bench.fmt(statistics.median(ratios), '.3f')}; one no-op observer adds "
        f"{added:.2f} µs per call"
    )


def plain_in(tree: Path, calls: int) -> float:
    """CPU µs per call of ``plain`` with the library of ``tree``, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, __file__, "--plain-cpu", str(calls)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def before_after(before: Path, rounds: int, calls: int) -> str:
    """The no-observer path of ``before`` (a source tree) against this tree's, interleaved."""
    after = Path(__file__).resolve().parent.parent
    samples: dict[str, list[float]] = {"before": [], "after": []}
    for index in range(rounds):
        trees = [("before", before), ("after", after)]
        for name, tree in trees if index % 2 == 0 else reversed(trees):
            samples[name].append(plain_in(tree, calls))
    ratios = [a / b for a, b in zip(samples["after"], samples["before"], strict=True)]
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return (
        f"no observer, CPU µs/call in process: before {medians['before']:.2f}, "
        f"after {medians['after']:.2f}; after ÷ before (paired, median of {rounds}): "
        f"{statistics.median(ratios):.3f}"
    )


# --- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--concurrency", default="1,64")
    parser.add_argument("--calls", type=int, default=20_000, help="in-process calls per round")
    parser.add_argument("--rounds", type=int, default=21, help="in-process rounds")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "18080")))
    parser.add_argument("--cpu", type=int, default=1, help="pin to this CPU; -1: don't")
    parser.add_argument("--quick", action="store_true", help="2,000 requests, 1 rep")
    parser.add_argument(
        "--before", type=Path, help="also compare the no-observer path with this source tree"
    )
    parser.add_argument("--in-process-only", action="store_true", help="skip the HTTP part")
    parser.add_argument("--plain-cpu", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.plain_cpu:
        print(asyncio.run(cpu_us_per_call((), args.plain_cpu)))
        return
    if args.in_process_only:
        print(in_process(args.rounds, args.calls))
        if args.before:
            print(before_after(args.before, args.rounds, args.calls))
        return
    if args.quick:
        args.requests, args.reps, args.calls, args.rounds = 2_000, 1, 10_000, 3
    args.levels = [int(c) for c in args.concurrency.split(",")]
    args.cpu = None if args.cpu < 0 else args.cpu
    args.warmup, args.max_seconds = 500, 10.0
    bench.drop_proxy_variables()
    bench.pin_to_cpu(args.cpu)
    base_url = f"http://127.0.0.1:{args.port}"
    bench.check_server(base_url)
    bench.RUNNERS.update(RUNNERS)  # timed_run looks runners up there  # type: ignore[attr-defined]
    names = list(RUNNERS)
    runs = []
    for rep, concurrency, runner in bench.schedule(names, args.levels, args.reps):
        run = asyncio.run(
            bench.timed_run(runner, base_url, concurrency, args, rep=rep, load_before_pct=None)
        )
        runs.append(run)
        print(
            f"rep {rep} C={concurrency:<3} {runner:<14} {run.rate:>8,.0f} req/s"
            f" {run.cpu_us:>6.0f} µs/req",
            file=sys.stderr,
            flush=True,
        )
    rows = bench.summary_rows(runs, names, args.levels)
    print(
        bench.markdown_table(
            ["runner", "C", "req/s (median)", "client CPU µs/req"],
            (
                [
                    r["runner"],
                    str(r["concurrency"]),
                    bench.fmt(r["rate_median"]),
                    bench.fmt(r["cpu_us_median"], ".1f"),
                ]
                for r in rows
            ),
        )
    )
    print()
    print(
        bench.markdown_table(
            ["throughput ratio (paired, median)", *(f"C={c}" for c in args.levels)],
            (
                [
                    f"{top} ÷ {bottom}",
                    *(
                        bench.fmt(bench.paired_ratio(runs, top, bottom, c), ".3f")
                        for c in args.levels
                    ),
                ]
                for top, bottom in RATIOS
            ),
        )
    )
    print()
    print(in_process(args.rounds, args.calls))
    if args.before:
        print(before_after(args.before, args.rounds, args.calls))


if __name__ == "__main__":
    main()
