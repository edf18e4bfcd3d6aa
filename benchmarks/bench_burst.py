"""A web app's traffic shape against the rate limiter: a burst of sends, and a 429 mid-burst.

1. **Burst**: one client, 200 concurrent ``createMessage`` calls under the default limit
   (600/min), a loopback server answering after 20 ms. Reported: the wall time until all 200
   are answered and the median per-call latency. Within the budget it should be one round trip.
2. **429**: 50 callers of ``getTags`` arrive while the first call is answered ``429`` with
   ``Retry-After: 1``. Reported: how many requests reached the server during that second, and
   how many 429s were answered in all (one cool-down for every caller: the in-flight ones at
   most; before it, each caller collected its own).

Runs against whichever ``pushwoosh_async`` is on ``sys.path``; to compare two trees:
``PYTHONPATH=/tmp/before python benchmarks/bench_burst.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from aiohttp import web

from pushwoosh_async import CreateMessage, GetTags, Notification, PushwooshClient, RetryPolicy

LATENCY = 0.02
OK_MESSAGE = {"status_code": 200, "status_message": "OK", "response": {"Messages": ["A-B"]}}
OK_TAGS = {"status_code": 200, "status_message": "OK", "response": {"result": {}}}


async def serve(handler: web.RequestHandler) -> tuple[web.AppRunner, str]:  # type: ignore[type-arg]
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001
    return runner, f"http://127.0.0.1:{port}"


async def burst() -> None:
    async def answer(_: web.Request) -> web.Response:
        await asyncio.sleep(LATENCY)
        return web.json_response(OK_MESSAGE)

    runner, url = await serve(answer)
    message = CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])])
    async with PushwooshClient("T", application="ABCDE-12345", base_url=url) as pw:
        await pw(message)  # connection warm-up (counts against the limit like any send)
        latencies: list[float] = []

        async def one() -> None:
            started = time.perf_counter()
            await pw(message)
            latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(200)))
        total = time.perf_counter() - started
    await runner.cleanup()
    print(
        f"burst of 200 under 600/min, {LATENCY * 1000:.0f} ms server: all answered in "
        f"{total:.2f} s, median latency {statistics.median(latencies):.3f} s"
    )


async def cooldown() -> None:
    arrivals: list[tuple[float, int]] = []
    loop = asyncio.get_running_loop()

    async def answer(_: web.Request) -> web.Response:
        now = loop.time()
        # The first request is refused with Retry-After: 1, and so is any within that second.
        status = 429 if not arrivals or now - arrivals[0][0] < 1.0 else 200
        arrivals.append((now, status))
        await asyncio.sleep(LATENCY)
        if status == 429:
            body = {"status_code": 429, "status_message": "Too many requests"}
            return web.json_response(body, status=429, headers={"Retry-After": "1"})
        return web.json_response(OK_TAGS)

    runner, url = await serve(answer)
    policy = RetryPolicy(initial_delay=0.05, jitter=0)
    async with PushwooshClient(
        device_token="D",  # noqa: S106 (a loopback stand-in)
        application="ABCDE-12345",
        base_url=url,
        retry=policy,
        rate_limits={},
    ) as pw:
        first = asyncio.ensure_future(pw(GetTags(hwid="h")))
        await asyncio.sleep(LATENCY * 2)  # the 429 is back
        outcomes = await asyncio.gather(
            first, *(pw(GetTags(hwid="h")) for _ in range(50)), return_exceptions=True
        )
    await runner.cleanup()
    start = arrivals[0][0]
    during = sum(1 for t, _ in arrivals[1:] if t - start < 1.0)
    refused = sum(1 for _, status in arrivals if status == 429)
    failed = sum(1 for o in outcomes if isinstance(o, BaseException))
    print(
        f"429 with Retry-After 1 s and 50 callers: {during} requests reached the server during "
        f"the cool-down, {refused} answered 429 in all, {failed} calls failed"
    )


async def main() -> None:
    await burst()
    await cooldown()


if __name__ == "__main__":
    asyncio.run(main())
