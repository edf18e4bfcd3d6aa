"""FastAPI: one ``PushwooshClient`` per process, opened in the lifespan, handed out by a dependency.

Run it (``pip install 'pushwoosh-async[examples]' uvicorn``)::

    PUSHWOOSH_API_TOKEN=... PUSHWOOSH_APPLICATION=XXXXX-XXXXX uvicorn examples.fastapi_app:app

One client means one connection pool and one rate limiter for every request of the process;
a client per request would throw both away. Each Uvicorn worker is a process with its own
client: give them ``PUSHWOOSH_RATE_LIMIT_URL=redis://...`` to share one budget (docs/fleet.md).
Tested in tests/examples/test_fastapi_app.py, against the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel

from pushwoosh_async import CreateMessage, Notification, PushwooshClient


class Sent(BaseModel):
    """What ``POST /users/{user_id}/welcome`` answers: the message's code."""

    message_code: str


def get_pushwoosh(request: Request) -> PushwooshClient:
    """The process's client, opened by the lifespan (tests override this dependency)."""
    client: PushwooshClient = request.app.state.pushwoosh
    return client


Pushwoosh = Annotated[PushwooshClient, Depends(get_pushwoosh)]


async def welcome(user_id: str, pw: Pushwoosh) -> Sent:
    """Push a welcome message to every device of ``user_id``."""
    note = Notification(content="Welcome!", users=[user_id])
    result = await pw(CreateMessage(notifications=[note]))
    return Sent(message_code=result.message_codes[0])


def create_app(
    open_client: Callable[[], PushwooshClient] = PushwooshClient.from_env,
) -> FastAPI:
    """The app; ``open_client`` builds its one client when the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_client() as pw:  # closed (pool and limiter) when the app shuts down
            app.state.pushwoosh = pw
            yield

    app = FastAPI(lifespan=lifespan)
    app.post("/users/{user_id}/welcome")(welcome)
    return app


app = create_app()
