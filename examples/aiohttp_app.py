"""aiohttp.web: one ``PushwooshClient`` per application, under a typed ``web.AppKey``.

Run it::

    PUSHWOOSH_API_TOKEN=... PUSHWOOSH_APPLICATION=XXXXX-XXXXX python -m examples.aiohttp_app

A ``cleanup_ctx`` generator opens the client when the app starts and closes it (its connection
pool and rate limiter) when the app stops; handlers read it with ``request.app[PUSHWOOSH]``,
typed as ``PushwooshClient`` (a string key would be ``Any`` and warns ``NotAppKeyWarning``).
Tested in tests/examples/test_aiohttp_app.py with aiohttp.test_utils, against the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from pushwoosh_async import CreateMessage, Notification, PushwooshClient

PUSHWOOSH = web.AppKey("pushwoosh", PushwooshClient)


async def welcome(request: web.Request) -> web.Response:
    """``POST /users/{user_id}/welcome``: push a welcome message to the user's devices."""
    pw = request.app[PUSHWOOSH]
    note = Notification(content="Welcome!", users=[request.match_info["user_id"]])
    result = await pw(CreateMessage(notifications=[note]))
    return web.json_response({"message_code": result.message_codes[0]})


def make_app(
    open_client: Callable[[], PushwooshClient] = PushwooshClient.from_env,
) -> web.Application:
    """The app; ``open_client`` builds its one client when the app starts."""

    async def pushwoosh_client(app: web.Application) -> AsyncIterator[None]:
        async with open_client() as pw:  # startup: open; cleanup: close
            app[PUSHWOOSH] = pw
            yield

    app = web.Application()
    app.cleanup_ctx.append(pushwoosh_client)
    app.router.add_post("/users/{user_id}/welcome", welcome)
    return app


if __name__ == "__main__":
    web.run_app(make_app())
