"""Library CPU per call with the network taken out: ``getTags`` and ``createMessage``.

    python benchmarks/bench_hotpath.py                      # this tree
    python benchmarks/bench_hotpath.py --before /tmp/old    # interleaved against another tree

A sender that returns a canned reply stands in for the socket, so what is measured is only the
library's own work per call (command, codec, pipeline steps, decoding, typed result). Each sample
is a fresh process (``PYTHONPATH`` picks the tree), ``process_time`` over ``--calls`` calls after
1,000 warm-up ones; trees alternate sample after sample; medians and min-max are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import CreateMessage, GetTags, Notification
from pushwoosh_async.pipeline import Call, Reply

_GET_TAGS = b'{"status_code":200,"status_message":"OK","response":{"result":{"Plan":"pro"}}}'
_CREATE = b'{"status_code":200,"status_message":"OK","response":{"Messages":["ABCD-1234"]}}'


async def _measure(which: str, calls: int) -> float:
    body = _GET_TAGS if which == "getTags" else _CREATE
    reply = Reply(200, {"Content-Type": "application/json"}, body)

    class Canned:
        async def __call__(self, call: Call, /) -> Reply:  # noqa: ARG002
            return reply

        async def aclose(self) -> None:
            return

    command: Any
    if which == "getTags":
        command = GetTags(hwid="hwid-0001")
    else:
        command = CreateMessage(notifications=(Notification(content="Hi", devices=("h1",)),))
    async with PushwooshClient(
        "api-token",
        device_token="dev-token",  # noqa: S106 (a fake)
        application="A1B2C-3D4E5",
        rate_limits={},
        sender=Canned(),
    ) as pw:
        for _ in range(1000):
            await pw(command)
        started = time.process_time()
        for _ in range(calls):
            await pw(command)
        return (time.process_time() - started) / calls * 1e6


def _sample(tree: Path, which: str, calls: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, __file__, "--one", which, "--calls", str(calls)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(asyncio.run(_measure(args.one, args.calls)))
        return
    after = Path(__file__).resolve().parent.parent
    trees = [("after", after)] + ([("before", args.before)] if args.before else [])
    for which in ("getTags", "createMessage"):
        samples: dict[str, list[float]] = {name: [] for name, _ in trees}
        for index in range(args.rounds):
            for name, tree in trees if index % 2 == 0 else list(reversed(trees)):
                samples[name].append(_sample(tree, which, args.calls))
        for name, values in samples.items():
            print(
                f"{which:14} {name:7} CPU µs/call median {statistics.median(values):6.2f}"
                f"  min-max {min(values):.2f}-{max(values):.2f}  ({args.rounds} rounds)"
            )


if __name__ == "__main__":
    main()
