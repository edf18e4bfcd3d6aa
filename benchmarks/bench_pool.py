"""Waiting for a connection is not a timeout of a sent request: counted outcomes under overload.

The fake Pushwoosh over loopback HTTP answers after 0.3 s; the client has 100 connections and
no retries. With 400 and 10,000 calls at once, every call must end as a result (the server saw
it) or as ``PoolTimeout`` with ``not_sent`` (the server never saw it): the printed counts of
"server saw" and results agree, and no timeout is a request the server received.

    python benchmarks/bench_pool.py
"""

from __future__ import annotations

import asyncio
import collections

from pushwoosh_async import GetTags, PushwooshClient, RetryPolicy
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running


async def scenario(calls: int, timeout: float) -> None:
    fake = FakePushwoosh(api_token="T", device_token="D", latency=0.3, rate_limits={})  # noqa: S106
    fake.add_device("h")
    async with (
        running(fake) as url,
        PushwooshClient(
            "T",
            device_token="D",  # noqa: S106 (the fake's token)
            base_url=url,
            application="ABCDE-12345",
            timeout=timeout,
            retry=RetryPolicy.off(),
            rate_limits={},
        ) as pw,
    ):
        outcomes = await asyncio.gather(
            *(pw(GetTags(hwid="h")) for _ in range(calls)), return_exceptions=True
        )
    kinds = collections.Counter(type(o).__name__ for o in outcomes)
    not_sent = sum(1 for o in outcomes if getattr(o, "not_sent", False))
    print(
        f"{calls} calls, timeout={timeout}: {dict(kinds)}; "
        f"not_sent {not_sent}; server saw {len(fake.calls)}"
    )


if __name__ == "__main__":
    asyncio.run(scenario(400, 1.0))
    asyncio.run(scenario(10_000, 2.0))
