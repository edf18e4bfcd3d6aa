"""Accuracy of the client-side rate limit in real time, at a scaled-down rate.

``PushwooshClient(rate_limits={"createMessage": Rate(60, 6)})`` (the documented 600/min shrunk
tenfold in time) sends ``createMessage`` from 32 concurrent tasks for 30 s to an in-process
``FakePushwoosh(rate_limits={})`` (``fake.transport``, no sockets). The time of every request is
taken where it reaches the transport, i.e. what the server would see. Reported:

* **fraction of the limit**: the rate over the steady part (everything after the first period),
  ``(n - 1) / (t_last - t_first)``, divided by ``max_calls / period`` (10/s). Goal >= 0.99.
* **max window**: the most sends in any half-open window ``[t, t + period)``; equivalently every
  ``times[i + 60] - times[i]`` must be >= 6 s. Goal <= 60.

For contrast ``aiolimiter.AsyncLimiter(60, 6)`` alone, driven the same way at the same time (the
two runs share the event loop; together they use a few % of a core): a leaky bucket that starts
empty lets a full bucket through at once, so its first window holds about 120.

    python benchmarks/bench_limiter.py            # 30 s
    python benchmarks/bench_limiter.py --quick    # 12 s
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx
from aiolimiter import AsyncLimiter

from pushwoosh_async import CreateMessage, Notification, PushwooshClient, Rate
from pushwoosh_async.testing.fake import FakePushwoosh

API_TOKEN = "test-api-token"  # noqa: S105 (the fake's own token)
APPLICATION = "ABCDE-12345"


@dataclass(frozen=True)
class Outcome:
    name: str
    times: list[float]
    """Send times, seconds since the run started, sorted."""
    max_calls: int
    period: float
    seconds: float

    @property
    def steady_fraction(self) -> float:
        """Rate after the first period, as a fraction of max_calls / period."""
        steady = [t for t in self.times if t >= self.period]
        if len(steady) < 2:
            return float("nan")
        rate = (len(steady) - 1) / (steady[-1] - steady[0])
        return rate / (self.max_calls / self.period)

    @property
    def max_window(self) -> int:
        """The most sends in any window [t, t + period), t a send time."""
        times = self.times
        return max(
            (bisect.bisect_left(times, t + self.period, i) - i for i, t in enumerate(times)),
            default=0,
        )

    @property
    def min_span(self) -> float:
        """min over i of times[i + max_calls] - times[i]: >= period means the limit held."""
        k = self.max_calls
        spans = [self.times[i + k] - self.times[i] for i in range(len(self.times) - k)]
        return min(spans, default=float("inf"))

    @property
    def first_window(self) -> int:
        return bisect.bisect_left(self.times, self.period)


class _Clocked(httpx.AsyncBaseTransport):
    """Records when each request reaches the transport, then hands it to the fake."""

    def __init__(self, inner: httpx.AsyncBaseTransport, times: list[float], t0: float) -> None:
        self._inner, self._times, self._t0 = inner, times, t0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._times.append(time.monotonic() - self._t0)
        return await self._inner.handle_async_request(request)


async def _drive(send: Callable[[], Awaitable[None]], tasks: int, seconds: float) -> None:
    """``tasks`` workers call ``send`` back to back until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        while time.monotonic() < deadline:
            await send()

    workers = [asyncio.create_task(worker()) for _ in range(tasks)]
    try:
        await asyncio.sleep(seconds)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)


async def run_client(rate: Rate, tasks: int, seconds: float, t0: float) -> Outcome:
    times: list[float] = []
    fake = FakePushwoosh(api_token=API_TOKEN, applications=[APPLICATION], rate_limits={})
    fake.add_device("hwid-1")  # a known device: no UnknownDevicesWarning per call
    transport = _Clocked(fake.transport, times, t0)
    command = CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])])
    async with PushwooshClient(
        API_TOKEN,
        application=APPLICATION,
        transport=transport,
        rate_limits={"createMessage": rate},
    ) as pw:

        async def send() -> None:
            await pw(command)

        await _drive(send, tasks, seconds)
    refused = sum(1 for c in fake.calls if c.status != 200)
    if refused:
        sys.exit(f"the fake refused {refused} calls")
    return Outcome("PushwooshClient", sorted(times), rate.max_calls, rate.period_seconds, seconds)


async def run_aiolimiter(rate: Rate, tasks: int, seconds: float, t0: float) -> Outcome:
    times: list[float] = []
    limiter = AsyncLimiter(rate.max_calls, rate.period_seconds)

    async def send() -> None:
        async with limiter:
            times.append(time.monotonic() - t0)
        await asyncio.sleep(0)

    await _drive(send, tasks, seconds)
    return Outcome("aiolimiter alone", sorted(times), rate.max_calls, rate.period_seconds, seconds)


async def run_both(rate: Rate, tasks: int, seconds: float) -> list[Outcome]:
    t0 = time.monotonic()
    return list(
        await asyncio.gather(
            run_client(rate, tasks, seconds, t0), run_aiolimiter(rate, tasks, seconds, t0)
        )
    )


def report(outcomes: Sequence[Outcome]) -> str:
    rate = outcomes[0]
    lines = [
        f"limit: {rate.max_calls} per {rate.period:g} s ({rate.max_calls / rate.period:g}/s)",
        "",
        (
            "| limiter | sends | in first period | fraction of limit (steady) | max window "
            f"| min span of {rate.max_calls + 1} sends |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines.extend(
        f"| {o.name} | {len(o.times)} | {o.first_window} | {o.steady_fraction:.4f} "
        f"| {o.max_window} | {o.min_span:.4f} s |"
        for o in outcomes
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Rate-limit accuracy of PushwooshClient in real time (and aiolimiter alone).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run")
    parser.add_argument("--tasks", type=int, default=32, help="concurrent senders")
    parser.add_argument("--max-calls", type=int, default=60, help="the limit's calls")
    parser.add_argument("--period", type=float, default=6.0, help="the limit's period, seconds")
    parser.add_argument("--quick", action="store_true", help="a 12 s run")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = 12.0
    if args.seconds <= args.period:
        parser.error("--seconds must be longer than --period")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    rate = Rate(args.max_calls, args.period)
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    print(
        f"{started} UTC: {args.tasks} tasks, {args.seconds:g} s, real time",
        file=sys.stderr,
        flush=True,
    )
    outcomes = asyncio.run(run_both(rate, args.tasks, args.seconds))
    print(report(outcomes))
    client = outcomes[0]
    ok = client.steady_fraction >= 0.99 and client.max_window <= rate.max_calls
    print(
        f"\ngoal (fraction >= 0.99, max window <= {rate.max_calls}): "
        f"{'met' if ok else 'NOT met'} by PushwooshClient"
    )


if __name__ == "__main__":
    main()
