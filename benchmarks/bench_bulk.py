"""The bulk engine: ``pw.bulk_send`` of 1,000,000 lazily generated hwids, CPU and memory.

The client process (pinned to CPU 1) sends ``createMessage`` chunks of 1,000 devices with
``PushwooshClient(rate_limits={})`` (default aiohttp sender) to a ``FakePushwoosh(rate_limits={},
record_limit=1000)`` served by ``pushwoosh_async.testing.server`` in a separate process (this
file with ``--serve``, pinned to CPU 0) on 127.0.0.1. In that server every hwid counts as a
registered device and created messages are not kept (the fake would otherwise store every
notification with its 1,000 devices); neither changes what the client sends or receives.

Measured in the client process only:

* recipients per second of client CPU (``time.process_time``) and of wall time;
* memory: ``ru_maxrss`` after setup (interpreter, imports, open client) and its growth over the
  run, the largest current RSS seen in ``on_progress`` (after each chunk), and in a second pass
  the ``tracemalloc`` peak of Python allocations during the run (goal: flat, growth < 100 MB).

    python benchmarks/bench_bulk.py            # 1,000,000 recipients
    python benchmarks/bench_bulk.py --quick    # 100,000

With ``--latency 0.05,0.2,1,2`` it measures instead whether the run reaches the account ceiling
(600 ``createMessage``/min x 1000 devices = 10,000 devices/s) at each server latency: the client
keeps its rate limiter (``Rate(600 x k, 60)``) and the fake answers after ``latency / k``
seconds, with ``k = --time-scale`` (10 by default). ``rate x latency``, the calls that must be in
flight, is the same as at the real rate and latency, so the run behaves the same, ``k`` times
faster; devices/s are reported divided by ``k``, against the 10,000/s ceiling, for the adaptive
default (no ``concurrency=``) and for ``--compare-concurrency`` (8: the old default) in turn.

    python benchmarks/bench_bulk.py --latency 0.05,0.2,1,2 -n 300000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import attrs

from pushwoosh_async import PushwooshClient
from pushwoosh_async.limits import Rate
from pushwoosh_async.testing._state import Account, Device
from pushwoosh_async.testing.fake import FakePushwoosh
from pushwoosh_async.testing.server import running

API_TOKEN: Final = "test-api-token"  # noqa: S105 (the fake's own token)
APPLICATION: Final = "ABCDE-12345"
PAGE: Final = os.sysconf("SC_PAGE_SIZE")
MB: Final = 1024 * 1024


# --- the server process --------------------------------------------------------------------------


def serve(cpu: int | None, latency: float = 0.0) -> None:
    """Serve the fake on a free loopback port; print its URL on the first line of stdout."""
    pin_to_cpu(cpu)
    anyone = Device(APPLICATION, "hwid", 3)

    @attrs.define
    class EveryoneRegistered(Account):
        def device(self, application: str, hwid: str) -> Device | None:  # noqa: ARG002
            return anyone

    class Forgetful(dict[str, Any]):
        def __setitem__(self, key: str, value: Any) -> None:
            pass

    fake = FakePushwoosh(
        api_token=API_TOKEN,
        applications=[APPLICATION],
        rate_limits={},
        record_limit=1000,
        latency=latency,
    )
    fake.state = EveryoneRegistered(applications={APPLICATION}, messages=Forgetful())

    async def main() -> None:
        async with running(fake) as url:
            print(url, flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())


class Server:
    """The fake in a subprocess; always stopped on exit."""

    def __init__(self, cpu: int | None, latency: float = 0.0) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--serve", f"--latency={latency}"]
        if cpu is not None:
            command += ["--server-cpu", str(cpu)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.url = ""

    def __enter__(self) -> Server:  # noqa: PYI034
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.__exit__()
            sys.exit(f"the fake server did not start (said {self.url!r})")
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the client ----------------------------------------------------------------------------------


def current_rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE


def max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def recipients(n: int) -> Iterator[str]:
    return (f"hwid-{i:08d}" for i in range(n))


@dataclass
class Pass:
    recipients: int
    sent: int = 0
    unknown: int = 0
    failed: int = 0
    chunks: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    server_cpu: float = 0.0
    maxrss_before: int = 0
    maxrss_after: int = 0
    rss_seen_max: int = 0
    rss_samples: list[tuple[int, int]] = field(default_factory=list)
    """(recipients done, current RSS) at about every tenth of the run."""
    traced_peak: int | None = None
    half: tuple[int, float] = (0, 0.0)
    """(recipients done, perf_counter) at the first update past half of the run."""

    def steady_rate(self) -> float:
        """Recipients/s over the second half (replies to replies: no start-up, no tail)."""
        done, at = self.half
        return (self.recipients - done) / (self.finished - at) if self.finished > at else 0.0

    finished: float = 0.0


async def one_pass(
    server: Server,
    args: argparse.Namespace,
    *,
    traced: bool,
    concurrency: int | None = None,
    rate_limits: dict[str, Rate] | None = None,
) -> Pass:
    result = Pass(args.recipients)
    step = max(1, args.recipients // 10)
    next_sample = [step]

    def on_progress(progress: Any) -> None:
        rss = current_rss()
        result.rss_seen_max = max(result.rss_seen_max, rss)
        done = progress.sent + progress.unknown + progress.failed
        if not result.half[0] and done >= args.recipients // 2:
            result.half = (done, time.perf_counter())
        if done >= next_sample[0]:
            result.rss_samples.append((done, rss))
            next_sample[0] += step

    async with PushwooshClient(
        API_TOKEN, application=APPLICATION, base_url=server.url, rate_limits=rate_limits or {}
    ) as pw:
        result.maxrss_before = max_rss()
        result.rss_samples.append((0, current_rss()))
        if traced:
            tracemalloc.start()
            tracemalloc.reset_peak()
            traced_before = tracemalloc.get_traced_memory()[0]
        server_cpu, cpu, wall = server.cpu_seconds(), time.process_time(), time.perf_counter()
        report = await asyncio.wait_for(
            pw.bulk_send(
                {"content": "Hi"},  # a Mapping template (wire names)
                recipients(args.recipients),
                by="devices",
                chunk_size=args.chunk_size,
                concurrency=concurrency,
                on_progress=on_progress,
                total=args.recipients,
            ),
            args.max_seconds,
        )
        result.finished = time.perf_counter()
        result.wall = result.finished - wall
        result.cpu = time.process_time() - cpu
        result.server_cpu = server.cpu_seconds() - server_cpu
        if traced:
            result.traced_peak = tracemalloc.get_traced_memory()[1] - traced_before
            tracemalloc.stop()
        result.maxrss_after = max_rss()
    result.sent, result.unknown, result.failed = report.sent, report.unknown, report.failed
    result.chunks = len(report.chunks)
    if report.stopped_by or report.sent != args.recipients:
        sys.exit(
            f"the run did not send everything: sent {report.sent}, unknown {report.unknown}, "
            f"failed {report.failed}, stopped_by {report.stopped_by!r}"
        )
    return result


def describe(p: Pass, label: str) -> str:
    growth = (p.maxrss_after - p.maxrss_before) / MB
    lines = [
        (
            f"{label}: {p.recipients:,} recipients in {p.chunks:,} chunks, "
            f"sent {p.sent:,}, unknown {p.unknown:,}, failed {p.failed:,}"
        ),
        (
            f"  wall {p.wall:.2f} s -> {p.recipients / p.wall:,.0f} recipients/s;"
            f" client CPU {p.cpu:.2f} s -> {p.recipients / p.cpu:,.0f} recipients/s of CPU"
            f" ({p.cpu / p.wall:.0%} of a core); server CPU {p.server_cpu:.2f} s"
        ),
        (
            f"  ru_maxrss: {p.maxrss_before / MB:.1f} MB after setup"
            f" -> {p.maxrss_after / MB:.1f} MB (growth {growth:+.1f} MB);"
            f" largest RSS seen after a chunk {p.rss_seen_max / MB:.1f} MB"
        ),
        "  RSS along the run (recipients done: MB): "
        + ", ".join(f"{done:,}: {rss / MB:.1f}" for done, rss in p.rss_samples),
    ]
    if p.traced_peak is not None:
        lines.append(f"  tracemalloc peak during the run: {p.traced_peak / MB:.1f} MB")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> list[tuple[str, Pass]]:
    passes: list[tuple[str, Pass]] = []
    with Server(args.server_cpu) as server:
        timed = await one_pass(server, args, traced=False, concurrency=args.concurrency)
        passes.append(("timed pass", timed))
        if not args.no_tracemalloc:
            traced = await one_pass(server, args, traced=True, concurrency=args.concurrency)
            passes.append(("tracemalloc pass", traced))
    return passes


CEILING: Final = 600 / 60 * 1000
"""Devices per second at the default limit: 600 createMessage a minute, 1000 devices each."""


async def sweep(args: argparse.Namespace) -> None:
    """Devices/s against the ceiling at each latency, adaptive and fixed, ``k`` times faster."""
    k = args.time_scale
    limits = {"createMessage": Rate(round(600 * k), 60.0)}
    modes: list[tuple[str, int | None]] = [("adaptive", None)]
    if args.compare_concurrency:
        modes.append((f"concurrency={args.compare_concurrency}", args.compare_concurrency))
    print(
        f"{'latency':>8} {'mode':>16} {'devices/s':>10} {'of ceiling':>10}"
        f" {'2nd half':>9} {'of ceiling':>10} {'wall s':>7}"
    )
    for latency in args.latency:
        with Server(args.server_cpu, latency / k) as server:
            for label, concurrency in modes:
                p = await one_pass(
                    server, args, traced=False, concurrency=concurrency, rate_limits=limits
                )
                rate, steady = p.recipients / p.wall / k, p.steady_rate() / k
                print(
                    f"{latency:>7g}s {label:>16} {rate:>10,.0f} {rate / CEILING:>10.1%}"
                    f" {steady:>9,.0f} {steady / CEILING:>10.1%} {p.wall * k:>7.1f}",
                    flush=True,
                )


# --- setup ---------------------------------------------------------------------------------------


def pin_to_cpu(cpu: int | None) -> None:
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return
    if cpu in os.sched_getaffinity(0):
        os.sched_setaffinity(0, {cpu})


def drop_proxy_variables() -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            del os.environ[name]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="pw.bulk_send of many recipients to a fake server in another process.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("-n", "--recipients", type=int, default=1_000_000)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="chunks in flight (default: adaptive)"
    )
    parser.add_argument(
        "--latency",
        type=lambda text: [float(x) for x in text.split(",")],
        default=None,
        help="server latencies in seconds (comma-separated): measure devices/s vs the ceiling",
    )
    parser.add_argument(
        "--time-scale", type=float, default=10.0, help="with --latency: rate x k, latency / k"
    )
    parser.add_argument(
        "--compare-concurrency", type=int, default=8, help="with --latency: also this fixed; 0: no"
    )
    parser.add_argument("--cpu", type=int, default=1, help="pin the client to a CPU; -1: don't")
    parser.add_argument(
        "--server-cpu", type=int, default=0, help="pin the server to a CPU; -1: don't"
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the second, tracemalloc pass"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=600.0, help="give up on a pass after this"
    )
    parser.add_argument("--quick", action="store_true", help="100,000 recipients")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.recipients = 100_000
    args.cpu = None if args.cpu < 0 else args.cpu
    args.server_cpu = None if args.server_cpu < 0 else args.server_cpu
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.serve:
        serve(args.server_cpu, args.latency[0] if args.latency else 0.0)
        return
    drop_proxy_variables()
    pin_to_cpu(args.cpu)
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    if args.latency:
        print(
            f"{started} UTC: {args.recipients:,} recipients a pass, time scale {args.time_scale:g}"
            f" (figures at the real rate and latency), ceiling {CEILING:,.0f} devices/s",
            flush=True,
        )
        asyncio.run(sweep(args))
        return
    print(
        f"{started} UTC: {args.recipients:,} recipients, chunks of {args.chunk_size}, "
        f"{args.concurrency or 'adaptive'} in flight, client CPU {args.cpu},"
        f" server CPU {args.server_cpu}",
        flush=True,
    )
    for label, result in asyncio.run(run(args)):
        print(describe(result, label), flush=True)


if __name__ == "__main__":
    main()
