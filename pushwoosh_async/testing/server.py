"""A :class:`FakePushwoosh` served over real HTTP on loopback, with aiohttp.web.

::

    fake = FakePushwoosh(api_token="T", device_token="D")
    async with running(fake) as url:          # http://127.0.0.1:<free port>
        async with PushwooshClient("T", application="ABCDE-12345", base_url=url) as pw:
            ...

Every method and path goes to :meth:`FakePushwoosh.answer`. Its ``delay`` is slept, a ``drop``
of ``"reset"`` closes the connection with no reply (an RST where the platform allows it), and
``"timeout"`` holds the request open until the client gives up, for at most :data:`HOLD_SECONDS`
or until the server shuts down. A failure inside the fake is answered as HTTP 500 with a v1.3
envelope; no traceback reaches the client.

The server binds only to the host it is given (``127.0.0.1`` by default). It is a test double: it
has no TLS and trusts whoever can reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
from collections.abc import AsyncIterator
from typing import Final

from aiohttp import web

from pushwoosh_async.testing._exports import EXPORT_HOST
from pushwoosh_async.testing.fake import FakePushwoosh

__all__ = ["HOLD_SECONDS", "make_app", "running", "serve"]

HOLD_SECONDS: Final = 3600.0
"""How long a ``"timeout"`` drop holds a request open at most."""

SHUTDOWN_SECONDS: Final = 5.0
"""How long shutting down waits for requests in flight before closing their connections."""

_INTERNAL_ERROR: Final = (
    b'{"status_code":500,"status_message":"Internal error in FakePushwoosh","response":null}'
)
_FAKE: Final = web.AppKey("fake", FakePushwoosh)
_CLOSING: Final = web.AppKey("closing", asyncio.Event)

logger = logging.getLogger(__name__)


def make_app(fake: FakePushwoosh) -> web.Application:
    """An aiohttp application that hands every request to ``fake``."""
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app[_FAKE] = fake
    app[_CLOSING] = asyncio.Event()
    app.on_shutdown.append(_wake_held_requests)
    app.router.add_route("GET", "/exports/{name}", _export_file)
    app.router.add_route("*", "/{tail:.*}", _handle)
    return app


async def _wake_held_requests(app: web.Application) -> None:
    app[_CLOSING].set()


async def _handle(request: web.Request) -> web.StreamResponse:
    try:
        body = await request.read()
        answer = request.app[_FAKE].answer(request.method, request.path, request.headers, body)
        if answer.delay > 0:
            await asyncio.sleep(answer.delay)
        if answer.drop == "reset":
            return await _reset(request)
        if answer.drop == "timeout":
            return await _hold(request)
        return web.Response(status=answer.status, body=answer.body, headers=answer.headers)
    except asyncio.CancelledError:  # the client went away (or the server is stopping)
        raise
    except Exception:
        logger.exception("FakePushwoosh failed on %s %s", request.method, request.path)
        return web.Response(
            status=500, body=_INTERNAL_ERROR, headers={"Content-Type": "application/json"}
        )


async def _export_file(request: web.Request) -> web.StreamResponse:
    """Serve an export archive the fake built (its link points here while ``running``)."""
    exports = request.app[_FAKE].exports
    path = exports.path(request.match_info["name"])
    exports.record(request.method, str(request.url), request.headers, 200 if path else 404)
    if path is None:
        return web.Response(status=404, text="no such export file")
    return web.FileResponse(path, headers={"Content-Type": "application/zip"})


async def _reset(request: web.Request) -> web.StreamResponse:
    """Close the connection without a reply; aiohttp then cancels this handler."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:  # SO_LINGER 0: close with an RST, as a dropped connection would
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return await _hold(request, seconds=1.0)


async def _hold(request: web.Request, *, seconds: float = HOLD_SECONDS) -> web.StreamResponse:
    """Keep the request unanswered until the client leaves, the server stops or time runs out."""
    with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
        await asyncio.wait_for(request.app[_CLOSING].wait(), seconds)
    transport = request.transport
    if transport is not None:
        transport.abort()
    # Nothing reaches the client: the connection is closed, so aiohttp cannot write this.
    return web.Response(status=504)


@contextlib.asynccontextmanager
async def running(
    fake: FakePushwoosh, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve ``fake`` while the block runs; yields the base URL (``port=0``: a free port)."""
    runner = web.AppRunner(
        make_app(fake),
        handle_signals=False,
        access_log=None,
        handler_cancellation=True,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    exports = fake.exports
    default = exports.base_url
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, reuse_address=True)
        await site.start()
        url = f"http://{_url_host(host)}:{_bound_port(runner, port)}"
        if default.startswith(EXPORT_HOST):  # not pointed elsewhere by a test: here
            exports.base_url = f"{url}/exports"
        yield url
    finally:
        exports.base_url = default
        await runner.cleanup()


async def serve(
    fake: FakePushwoosh,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    ready: asyncio.Future[str] | None = None,
) -> None:
    """Serve ``fake`` until cancelled; ``ready`` (if given) gets the base URL once listening."""
    async with running(fake, host, port) as url:
        if ready is not None and not ready.done():
            ready.set_result(url)
        await asyncio.Event().wait()


def _bound_port(runner: web.AppRunner, requested: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:  # (host, port, ...)
            return int(address[1])
    return requested


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
