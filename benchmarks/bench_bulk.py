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
from pushwoosh_async.testing._state import Account, Device
from pushwoosh_async.testing.fake import FakePushwoosh
from pushwoosh_async.testing.server import running

API_TOKEN: Final = "test-api-token"  # noqa: S105 (the fake's own token)
APPLICATION: Final = "ABCDE-12345"
PAGE: Final = os.sysconf("SC_PAGE_SIZE")
MB: Final = 1024 * 1024


# --- the server process --------------------------------------------------------------------------


def serve(cpu: int | None) -> None:
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
        api_token=API_TOKEN, applications=[APPLICATION], rate_limits={}, record_limit=1000
    )
    fake.state = EveryoneRegistered(applications={APPLICATION}, messages=Forgetful())

    async def main() -> None:
        async with running(fake) as url:
            print(url, flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())


class Server:
    """The fake in a subprocess; always stopped on exit."""

    def __init__(self, cpu: int | None) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--serve"]
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


async def one_pass(server: Server, args: argparse.Namespace, *, traced: bool) -> Pass:
    result = Pass(args.recipients)
    step = max(1, args.recipients // 10)
    next_sample = [step]

    def on_progress(progress: Any) -> None:
        rss = current_rss()
        result.rss_seen_max = max(result.rss_seen_max, rss)
        done = progress.sent + progress.unknown + progress.failed
        if done >= next_sample[0]:
            result.rss_samples.append((done, rss))
            next_sample[0] += step

    async with PushwooshClient(
        API_TOKEN, application=APPLICATION, base_url=server.url, rate_limits={}
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
                concurrency=args.concurrency,
                on_progress=on_progress,
                total=args.recipients,
            ),
            args.max_seconds,
        )
        result.wall = time.perf_counter() - wall
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
        passes.append(("timed pass", await one_pass(server, args, traced=False)))
        if not args.no_tracemalloc:
            passes.append(("tracemalloc pass", await one_pass(server, args, traced=True)))
    return passes


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
    parser.add_argument("--concurrency", type=int, default=8, help="chunks in flight")
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
        serve(args.server_cpu)
        return
    drop_proxy_variables()
    pin_to_cpu(args.cpu)
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    print(
        f"{started} UTC: {args.recipients:,} recipients, chunks of {args.chunk_size}, "
        f"{args.concurrency} in flight, client CPU {args.cpu}, server CPU {args.server_cpu}",
        flush=True,
    )
    for label, result in asyncio.run(run(args)):
        print(describe(result, label), flush=True)


if __name__ == "__main__":
    main()
