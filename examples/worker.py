"""A job queue (taskiq on Redis) that fans one large send out as jobs sharing one rate limit.

Why taskiq, not arq: both are asyncio job queues on Redis, but arq's maintainers put it in
maintenance-only mode (no new fixes, only critical security ones: python-arq/arq issue 510,
October 2025), while taskiq and taskiq-redis are released every few weeks (taskiq 0.13.0 and
taskiq-redis 1.2.4 in September 2026) and are typed (``py.typed``).

The producer cuts the recipients into chunks of up to 1,000 devices (one ``createMessage`` each)
and enqueues one job per chunk; every worker process runs jobs with its own ``PushwooshClient``
(opened at worker start-up, closed at shut-down), and every client of every worker on every host
takes its slots from one budget on Redis (``rate_limit_url``, docs/fleet.md), so the fleet never
sends more than the account allows however many workers run. Each job carries its chunk's own
``transactionId``: enqueueing a chunk again (its worker was killed, its result never came) is
safe, because Pushwoosh de-duplicates the repeat instead of pushing the chunk twice.

Run it (``pip install 'pushwoosh-async[examples]'``)::

    export PUSHWOOSH_API_TOKEN=... PUSHWOOSH_APPLICATION=XXXXX-XXXXX
    export REDIS_URL=redis://localhost:6379/0        # the queue, the results and the budget
    taskiq worker examples.worker:broker --workers 2  # two worker processes (any number of hosts)
    python -m examples.worker devices.txt "Sale starts now"   # one hwid a line; prints a report

``PUSHWOOSH_RATE_LIMIT_URL`` puts the budget on another Redis; ``PUSHWOOSH_CREATE_MESSAGE_RATE``
(``calls/seconds``, default ``600/60``, the account's limit) leaves room for other senders.
Tested in tests/examples/test_worker.py: two worker processes, one real Redis, the fake.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from taskiq import Context, TaskiqDepends, TaskiqEvents, TaskiqState
from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

from pushwoosh_async import CreateMessage, Notification, PushwooshClient, Rate

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
QUEUE = os.environ.get("PUSHWOOSH_QUEUE", "pushwoosh")
CHUNK = 1000
"""Devices per job: the most one ``createMessage`` notification should target."""


class ChunkSent(BaseModel):
    """One job's outcome, as the producer reads it from the result backend."""

    message_code: str
    devices: int
    unknown_devices: int
    worker: str


# A Redis list: each job goes to one worker (BRPOP). taskiq-redis's RedisStreamBroker acks jobs,
# but with it (taskiq 0.13, taskiq-redis 1.2.4) our workers hung on SIGINT once they had run jobs.
broker = ListQueueBroker(REDIS_URL, queue_name=QUEUE).with_result_backend(
    RedisAsyncResultBackend(REDIS_URL, result_ex_time=24 * 3600)
)


def create_message_rate() -> Rate:
    """``PUSHWOOSH_CREATE_MESSAGE_RATE`` as ``calls/seconds``; the account's 600/60 by default."""
    calls, _, seconds = os.environ.get("PUSHWOOSH_CREATE_MESSAGE_RATE", "600/60").partition("/")
    return Rate(int(calls), float(seconds))


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def open_client(state: TaskiqState) -> None:
    """One client per worker process: its pool, and its share of the one Redis budget."""
    state.pushwoosh = PushwooshClient.from_env(
        rate_limit_url=os.environ.get("PUSHWOOSH_RATE_LIMIT_URL") or REDIS_URL,
        rate_limits={"createMessage": create_message_rate()},
    )


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def close_client(state: TaskiqState) -> None:
    """Close the worker's client (its pool and its Redis connection)."""
    pw: PushwooshClient = state.pushwoosh
    await pw.aclose()


@broker.task(task_name="pushwoosh.send_chunk")
async def send_chunk(
    content: str,
    devices: list[str],
    transaction_id: str,
    context: Context = TaskiqDepends(),  # noqa: B008 (taskiq's dependency injection)
) -> ChunkSent:
    """Send ``content`` to one chunk of devices: one ``createMessage``, waiting for its slot."""
    pw: PushwooshClient = context.state.pushwoosh
    note = Notification(content=content, devices=devices, transaction_id=transaction_id)
    result = await pw(CreateMessage(notifications=[note]))
    return ChunkSent(
        message_code=result.message_codes[0],
        devices=len(devices),
        unknown_devices=sum(len(hwids) for hwids in result.unknown_devices.values()),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )


async def fan_out(content: str, devices: Sequence[str], chunk: int = CHUNK) -> list[ChunkSent]:
    """Enqueue one job per chunk of ``devices`` and wait for every job's outcome."""
    run = uuid.uuid4().hex  # with the chunk's index: the chunk's transactionId
    jobs = [
        await send_chunk.kiq(content, list(devices[start : start + chunk]), f"{run}-{index}")
        for index, start in enumerate(range(0, len(devices), chunk))
    ]
    results = [await job.wait_result(timeout=3600) for job in jobs]
    for result in results:
        result.raise_for_error()
    return [result.return_value for result in results]


async def main(devices: Sequence[str], content: str, chunk: int = CHUNK) -> None:
    """The producer: one line of JSON per job's outcome, then a summary line."""
    await broker.startup()
    try:
        outcomes = await fan_out(content, devices, chunk)
    finally:
        await broker.shutdown()
    for outcome in outcomes:
        print(outcome.model_dump_json())  # noqa: T201 (the producer's report)
    sent = sum(o.devices for o in outcomes)
    print(json.dumps({"jobs": len(outcomes), "devices": sent}))  # noqa: T201


if __name__ == "__main__":
    # python -m examples.worker DEVICES_FILE CONTENT [CHUNK]
    recipients = Path(sys.argv[1]).read_text().split()
    asyncio.run(main(recipients, sys.argv[2], *(int(n) for n in sys.argv[3:4])))
