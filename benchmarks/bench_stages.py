"""Library CPU per stage of one ``getTags`` call, the network taken out (issue 13's breakdown).

    python benchmarks/bench_stages.py

Each stage runs alone in a tight loop over the same values a real call has at that point, best of
``--rounds`` (min, the least disturbed), in µs per call: building the ``Call`` (payload, route,
credentials), rendering the body, decoding the reply (JSON and envelope), structuring the typed
result, and the whole call through the client with a canned-reply sender (which adds the
pipeline's steps and coroutines, but not the body: the real sender renders it).

    python benchmarks/bench_stages.py --instructions    # the same stages in instructions

``--instructions`` runs the stages once more under callgrind (``bench_instructions.py``'s
helper dumps the counters after each stage), which gives the same figures whatever the host is
doing: the before/after figures of issue 13's per-stage table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from pushwoosh_async import PushwooshClient
from pushwoosh_async.codec import body, decode
from pushwoosh_async.commands import GetTags
from pushwoosh_async.json_backend import BACKEND
from pushwoosh_async.pipeline import Call, Reply

BODY = b'{"status_code":200,"status_message":"OK","response":{"result":{"Plan":"pro"}}}'
REPLY = Reply(200, {"Content-Type": "application/json"}, BODY)


class Canned:
    async def __call__(self, call: Call, /) -> Reply:  # noqa: ARG002
        return REPLY

    async def aclose(self) -> None:
        return


def best(stage: Callable[[], Any], calls: int, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            stage()
        times.append((time.process_time() - started) / calls * 1e6)
    return min(times)


def canned_client() -> PushwooshClient:
    """A client whose sender answers every call with ``REPLY`` at once."""
    return PushwooshClient(
        device_token="dev-token",  # noqa: S106 (a fake)
        application="A1B2C-3D4E5",
        rate_limits={},
        sender=Canned(),
    )


async def whole(calls: int, rounds: int) -> tuple[float, dict[str, Callable[[], Any]]]:
    command = GetTags(hwid="hwid-0001")
    async with canned_client() as pw:
        await pw(command)
        encoder = pw._encoders[GetTags]  # noqa: SLF001 (the client's own, as a call uses it)
        call = encoder.call(command, keyed=False)
        decoded = decode("getTags", REPLY)
        stages = {
            "Call built (payload, route, auth)": lambda: encoder.call(command, keyed=False),
            "body rendered (JSON encode)": lambda: body(call),
            "reply decoded (JSON, envelope)": lambda: decode("getTags", REPLY),
            "result structured (typed Tags)": lambda: encoder.finish(decoded),
        }
        times = []
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(calls):
                await pw(command)
            times.append((time.process_time() - started) / calls * 1e6)
        return min(times), stages


async def counted(calls: int) -> None:
    """Under callgrind: each stage ``calls`` times between a zero and a dump of the counters."""
    import ctypes  # noqa: PLC0415

    from bench_instructions import helper  # noqa: PLC0415

    requests = ctypes.CDLL(str(helper()))
    command = GetTags(hwid="hwid-0001")
    _, stages = await whole(200, 1)
    for index, (name, stage) in enumerate(stages.items()):
        requests.zero()
        for _ in range(calls):
            stage()
        requests.dump(f"stage {index} {name}".encode())
    async with canned_client() as pw:
        for _ in range(200):
            await pw(GetTags(hwid="hwid-0001"))
        requests.zero()
        for _ in range(calls):
            await pw(command)
        requests.dump(f"stage {len(stages)} whole call (canned sender, no body)".encode())
        requests.zero()
        for _ in range(calls):
            await pw(GetTags(hwid="hwid-0001"))
        requests.dump(f"stage {len(stages) + 1} whole call, command built per call".encode())


def instructions(calls: int) -> None:
    """Run :func:`counted` under callgrind and print each stage's instructions per call."""
    from bench_instructions import under_callgrind  # noqa: PLC0415

    counts = under_callgrind(
        [__file__, "--counted", f"--calls={calls}"], {**os.environ, "PYTHONHASHSEED": "0"}
    )
    rows = sorted(
        (int(index), name, count / calls)
        for label, count in counts.items()
        for _, index, name in [label.split(" ", 2)]  # "stage <index> <name>"
    )
    print(f"replies parsed by {BACKEND}; instructions per call (callgrind, {calls} calls)")
    for _, name, count in rows:
        print(f"  {name:40} {count:9,.0f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instructions", action="store_true", help="count, under callgrind")
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.counted:
        asyncio.run(counted(args.calls))
        return
    if args.instructions:
        instructions(min(args.calls, 2_000))
        return
    total, stages = asyncio.run(whole(args.calls, args.rounds))
    print(f"replies parsed by {BACKEND}; µs per call, best of {args.rounds}")
    summed = 0.0
    for name, stage in stages.items():
        cost = best(stage, args.calls, args.rounds)
        summed += 0 if name.startswith("body") else cost  # the canned sender renders no body
        print(f"  {name:36} {cost:6.2f}")
    print(f"  {'pipeline steps, coroutines, rest':36} {total - summed:6.2f}")
    print(f"  {'whole call (canned sender, no body)':36} {total:6.2f}")


if __name__ == "__main__":
    main()
