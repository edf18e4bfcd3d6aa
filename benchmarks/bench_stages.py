"""Library CPU per stage of one ``getTags`` call, the network taken out (issue 13's breakdown).

    python benchmarks/bench_stages.py

Each stage runs alone in a tight loop over the same values a real call has at that point, best of
``--rounds`` (min, the least disturbed), in µs per call: building the ``Call`` (payload, route,
credentials), rendering the body, decoding the reply (JSON and envelope), structuring the typed
result, and the whole call through the client with a canned-reply sender (which adds the
pipeline's steps and coroutines, but not the body: the real sender renders it).
"""

from __future__ import annotations

import argparse
import asyncio
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


async def whole(calls: int, rounds: int) -> tuple[float, dict[str, Callable[[], Any]]]:
    command = GetTags(hwid="hwid-0001")
    async with PushwooshClient(
        device_token="dev-token",  # noqa: S106 (a fake)
        application="A1B2C-3D4E5",
        rate_limits={},
        sender=Canned(),
    ) as pw:
        await pw(command)
        encoder = pw._encoders[GetTags]  # noqa: SLF001 (the client's own, as a call uses it)
        call = encoder.call(command, keyed=False)
        decoded = decode("getTags", REPLY)
        stages = {
            "Call built (payload, route, auth)": lambda: encoder.call(command, keyed=False),
            "body rendered (JSON encode)": lambda: body(call),
            "reply decoded (JSON, envelope)": lambda: decode("getTags", REPLY),
            "result structured (typed Tags)": lambda: encoder.result(decoded),
        }
        times = []
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(calls):
                await pw(command)
            times.append((time.process_time() - started) / calls * 1e6)
        return min(times), stages


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
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
