"""One process of a fleet, for tests/test_fleet.py and benchmarks/bench_fleet.py.

    python tests/fleet_worker.py BASE_URL REDIS_URL START SECONDS [CONCURRENCY] [MAX_CALLS PERIOD]

Waits until the wall-clock time ``START`` (so all workers begin together), then sends
``createMessage`` from ``CONCURRENCY`` tasks as fast as its ``PushwooshClient`` (on the shared
Redis budget) lets it, for ``SECONDS`` (a task stops when its next slot would come after
the end); prints one JSON line ``{"sent": n, "errors": {...}}``
and exits. Every step is bounded: a call has a deadline, the run has an end.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter

from pushwoosh_async import CreateMessage, GetTags, Notification, PushwooshClient, RetryPolicy
from pushwoosh_async.errors import Throttled

API_TOKEN = "SERVER_API_TOKEN"
DEVICE_TOKEN = "DEVICE_API_TOKEN"
APPLICATION = "ABCDE-12345"


async def run(  # noqa: PLR0917 (a script's positional arguments)
    base_url: str,
    redis_url: str,
    start: float,
    seconds: float,
    concurrency: int,
    max_calls: int,
    period: float,
) -> dict[str, object]:
    sent = 0
    errors: Counter[str] = Counter()
    async with PushwooshClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        base_url=base_url,
        rate_limit_url=redis_url,
        rate_limits={"createMessage": (max_calls, period)},
        retry=RetryPolicy.off(),
    ) as pw:
        # Open the pool's connections first (getTags is not limited, and not counted), so that
        # the first window's requests do not carry a connection set-up the later ones do not.
        await asyncio.gather(*(pw(GetTags(hwid="hw-1")) for _ in range(concurrency)))
        await asyncio.sleep(max(0.0, start - time.time()))
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds

        async def sender() -> None:
            nonlocal sent
            while True:
                left = end - loop.time()
                if left <= 0:
                    return
                message = CreateMessage(
                    notifications=[Notification(content="hi", devices=["hw-1"])]
                )
                try:
                    await pw(message, max_wait=left, deadline=left + 5)
                except Throttled:
                    return  # the next slot frees after the run's end
                except Exception as error:  # counted, reported, never fatal to the run
                    errors[type(error).__name__] += 1
                    await asyncio.sleep(0.05)
                else:
                    sent += 1

        await asyncio.gather(*(sender() for _ in range(concurrency)))
    return {"sent": sent, "errors": dict(errors)}


def main(argv: list[str]) -> None:
    base_url, redis_url, start, seconds = argv[0], argv[1], float(argv[2]), float(argv[3])
    concurrency = int(argv[4]) if len(argv) > 4 else 8
    max_calls = int(argv[5]) if len(argv) > 5 else 30
    period = float(argv[6]) if len(argv) > 6 else 3.0
    result = asyncio.run(run(base_url, redis_url, start, seconds, concurrency, max_calls, period))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
