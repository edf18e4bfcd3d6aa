"""What every sender guarantees, checked on both over real loopback HTTP.

Redirects are never followed (the token never reaches another host), replies are bounded after
decoding (a gzip bomb counts at its real size), waiting for a free connection is a pool timeout
(nothing sent), a closed client sends nothing, a client refuses a foreign event loop, and TLS
certificates are verified.
"""

from __future__ import annotations

import asyncio
import gzip
import pickle
import shutil
import ssl
import subprocess
import threading
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from pushwoosh_async import GetTags, PushwooshClient, RetryPolicy
from pushwoosh_async.errors import (
    ArgumentError,
    ClientClosedError,
    ConnectError,
    DeadlineExceeded,
    ForeignLoopError,
    PoolTimeout,
    Redirected,
    ReplyTooLarge,
    ServerError,
)
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, ok

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TAGS_OK = ok({"result": {"Plan": "pro"}})


class Loopback:
    """An aiohttp.web server on one loopback address; records requests, answers via ``handler``."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.handler: Handler = self._ok
        self._runner: web.AppRunner | None = None
        self.url = ""

    @staticmethod
    async def _ok(_: web.Request) -> web.StreamResponse:
        return web.json_response(TAGS_OK)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.headers), await request.read()))
        return await self.handler(request)

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, ssl_context=ssl_context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"{'https' if ssl_context else 'http'}://{self.host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def api() -> AsyncIterator[Loopback]:
    """The 'Pushwoosh' server on 127.0.0.1."""
    server = Loopback("127.0.0.1")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def elsewhere() -> AsyncIterator[Loopback]:
    """Another host (127.0.0.2) that must never see a request carrying the token."""
    server = Loopback("127.0.0.2")
    await server.start()
    yield server
    await server.stop()


SENDERS = ["aiohttp", "httpx"]


def make(sender: str, base_url: str, **options: Any) -> PushwooshClient:
    """A client on the named sender, both tokens, no retries unless given."""
    options.setdefault("retry", RetryPolicy.off())
    if sender == "httpx":
        # With transport= the pool is the transport's own: size it like the client's.
        limits = httpx.Limits(max_connections=options.pop("max_connections", 100))
        options["transport"] = httpx.AsyncHTTPTransport(limits=limits)
    return PushwooshClient(
        API_TOKEN, device_token=DEVICE_TOKEN, application=APPLICATION, base_url=base_url, **options
    )


def tags() -> GetTags:
    return GetTags(hwid="hwid-1")


# --- redirects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_an_error_and_the_token_never_leaves(
    sender: str, status: int, api: Loopback, elsewhere: Loopback
) -> None:
    """A 3xx to another host raises Redirected naming it; that host receives nothing."""

    async def redirect(_: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": f"{elsewhere.url}/steal"})

    api.handler = redirect
    async with make(sender, api.url) as pw:
        with pytest.raises(Redirected) as raised:
            await pw(tags())
    assert raised.value.http_status == status
    assert raised.value.location == elsewhere.url.rsplit(":", 1)[0]
    assert "127.0.0.2" in str(raised.value)
    assert elsewhere.requests == []
    assert len(api.requests) == 1


@pytest.mark.parametrize("sender", SENDERS)
async def test_a_redirect_is_not_retried(sender: str, api: Loopback, elsewhere: Loopback) -> None:
    """Redirected is final: one request, even with retries on."""

    async def redirect(_: web.Request) -> web.StreamResponse:
        return web.Response(status=307, headers={"Location": f"{elsewhere.url}/x"})

    api.handler = redirect
    async with make(sender, api.url, retry=RetryPolicy(initial_delay=0)) as pw:
        with pytest.raises(Redirected):
            await pw(tags())
    assert len(api.requests) == 1
    assert elsewhere.requests == []


# --- reply size --------------------------------------------------------------------------------

LIMIT = 256 * 1024


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("shape", ["sized", "chunked", "gzip-bomb"])
async def test_an_oversized_reply_is_refused_without_holding_it(
    sender: str, shape: str, api: Loopback
) -> None:
    """Past max_reply_bytes (decoded): ReplyTooLarge, and memory stays near the bound."""
    big = b'{"status_code":200,"response":"' + b"x" * (8 * 1024 * 1024) + b'"}'

    payload = gzip.compress(big) if shape == "gzip-bomb" else big

    async def reply(request: web.Request) -> web.StreamResponse:
        # Written in chunks with back-pressure, so the server does not buffer the whole body.
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if shape == "gzip-bomb":
            response.headers["Content-Encoding"] = "gzip"
        if shape == "chunked":
            response.enable_chunked_encoding()
        else:
            response.content_length = len(payload)
        await response.prepare(request)
        try:
            for start in range(0, len(payload), 65536):
                await response.write(payload[start : start + 65536])
            await response.write_eof()
        except ConnectionError:
            pass  # the client hung up, as it should
        return response

    api.handler = reply
    async with make(sender, api.url, max_reply_bytes=LIMIT) as pw:
        tracemalloc.start()
        try:
            with pytest.raises(ReplyTooLarge) as raised:
                await pw(tags())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert raised.value.limit == LIMIT
    assert peak < 4 * 1024 * 1024, f"peak {peak:,} bytes while refusing an 8 MiB reply"


@pytest.mark.parametrize("sender", SENDERS)
async def test_a_reply_within_the_bound_is_read_whole(sender: str, api: Loopback) -> None:
    """A gzip reply under the bound is decompressed and decoded as usual."""

    async def reply(_: web.Request) -> web.StreamResponse:
        return web.Response(
            body=gzip.compress(web.json_response(TAGS_OK).body),  # type: ignore[arg-type]
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )

    api.handler = reply
    async with make(sender, api.url, max_reply_bytes=LIMIT) as pw:
        result = await pw(tags())
    assert result.values == {"Plan": "pro"}


# --- connections, pool and deadline ------------------------------------------------------------


@pytest.mark.parametrize("sender", SENDERS)
async def test_waiting_for_a_free_connection_is_a_pool_timeout_and_nothing_is_sent(
    sender: str, api: Loopback
) -> None:
    """With every connection busy past the pool timeout, the extra calls say not_sent."""

    async def slow(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.5)
        return web.json_response(TAGS_OK)

    api.handler = slow
    timeout = httpx.Timeout(5.0, pool=0.1)
    async with make(sender, api.url, timeout=timeout, max_connections=2) as pw:
        outcomes = await asyncio.gather(*(pw(tags()) for _ in range(5)), return_exceptions=True)
    timeouts = [o for o in outcomes if isinstance(o, PoolTimeout)]
    assert len(timeouts) == 3
    assert all(t.not_sent for t in timeouts)
    assert len(api.requests) == 2


@pytest.mark.parametrize("sender", SENDERS)
async def test_a_refused_connection_is_a_connect_error_that_was_not_sent(sender: str) -> None:
    """Nothing listens on the port: ConnectError with not_sent=True."""
    async with make(sender, "http://127.0.0.1:9") as pw:
        with pytest.raises(ConnectError) as raised:
            await pw(tags())
    assert raised.value.not_sent is True


@pytest.mark.parametrize("sender", SENDERS)
async def test_the_deadline_bounds_the_whole_call(sender: str, api: Loopback) -> None:
    """A slow server and retries on: DeadlineExceeded after about the deadline, not later."""

    async def slow(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.json_response(TAGS_OK)

    api.handler = slow
    loop = asyncio.get_running_loop()
    async with make(sender, api.url, deadline=0.3, retry=RetryPolicy()) as pw:
        started = loop.time()
        with pytest.raises(DeadlineExceeded):
            await pw(tags())
        elapsed = loop.time() - started
    assert elapsed < 1.0


@pytest.mark.parametrize("sender", SENDERS)
async def test_retry_after_on_503_is_honoured(sender: str, api: Loopback) -> None:
    """A 503 with Retry-After: 0.3 is retried no sooner than 0.3 s later."""
    times: list[float] = []
    loop = asyncio.get_running_loop()

    async def busy_once(_: web.Request) -> web.StreamResponse:
        times.append(loop.time())
        if len(times) == 1:
            return web.json_response(
                {"message": "busy"}, status=503, headers={"Retry-After": "0.3"}
            )
        return web.json_response(TAGS_OK)

    api.handler = busy_once
    async with make(sender, api.url, retry=RetryPolicy(initial_delay=0.01, jitter=0)) as pw:
        await pw(tags())
    assert len(times) == 2
    assert times[1] - times[0] >= 0.29


# --- lifecycle ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sender", SENDERS)
async def test_closing_stops_everything_in_flight_and_after(sender: str, api: Loopback) -> None:
    """Calls caught by aclose() end with ClientClosedError or their reply; none is sent after."""
    first = asyncio.Event()

    async def slow(_: web.Request) -> web.StreamResponse:
        first.set()
        await asyncio.sleep(0.3)
        return web.json_response({"message": "busy"}, status=503)

    api.handler = slow
    pw = make(sender, api.url, retry=RetryPolicy(initial_delay=0.05, jitter=0))
    calls = [asyncio.ensure_future(pw(tags())) for _ in range(3)]
    await first.wait()
    await pw.aclose()
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(o, ClientClosedError) for o in outcomes), outcomes
    seen = len(api.requests)
    await asyncio.sleep(0.4)
    assert len(api.requests) == seen <= 3  # nothing more left once closing began
    with pytest.raises(ClientClosedError):
        await pw(tags())
    assert len(api.requests) == seen


def test_a_client_refuses_a_second_event_loop() -> None:
    """Used from a second event loop: ForeignLoopError, not a raw RuntimeError or a leak."""
    pw = make("aiohttp", "http://127.0.0.1:9")
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        with pytest.raises(ConnectError):
            first.run_until_complete(pw(tags()))
        with pytest.raises(ForeignLoopError):
            second.run_until_complete(pw(tags()))
        with pytest.raises(ForeignLoopError):
            second.run_until_complete(pw.aclose())
        first.run_until_complete(pw.aclose())  # its own loop closes it cleanly
    finally:
        first.close()
        second.close()


async def test_a_client_refuses_another_thread() -> None:
    """A call from a thread running its own loop raises ForeignLoopError; the client still works."""
    async with make("aiohttp", "http://127.0.0.1:9") as pw:
        with pytest.raises(ConnectError):
            await pw(tags())
        errors: list[BaseException] = []

        def other_thread() -> None:
            try:
                asyncio.run(pw(tags()))
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=other_thread)
        thread.start()
        await asyncio.to_thread(thread.join)
        assert [type(e) for e in errors] == [ForeignLoopError]


# --- secrets in errors -------------------------------------------------------------------------


@pytest.mark.parametrize("sender", SENDERS)
async def test_an_error_that_echoes_the_request_carries_no_token(
    sender: str, api: Loopback
) -> None:
    """210 and 5xx bodies quoting the request: the token is in no str, repr or pickle."""
    from pushwoosh_async import CreateMessage, Notification  # noqa: PLC0415

    async def echo(request: web.Request) -> web.StreamResponse:
        text = (await request.read()).decode()
        if "createMessage" in request.path:
            return web.json_response(
                {"status_code": 210, "status_message": f"bad: {text}", "response": {"echo": text}}
            )
        return web.json_response({"message": f"failed on {text} {request.headers}"}, status=500)

    api.handler = echo
    note = Notification(content="Hi", devices=["hwid-1"])
    async with make(sender, api.url) as pw:
        with pytest.raises(ArgumentError) as v13:
            await pw(CreateMessage(notifications=[note]))
        with pytest.raises(ServerError) as v2:
            await pw(tags())
    for error in (v13.value, v2.value):
        for text in (str(error), repr(error), repr(pickle.dumps(error))):
            assert API_TOKEN not in text
            assert DEVICE_TOKEN not in text
    assert API_TOKEN in api.requests[0][2].decode()  # the echo did carry it


# --- TLS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server context with a certificate no one trusts (openssl makes it)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a self-signed certificate")
    folder: Path = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    openssl = shutil.which("openssl") or "openssl"
    command = (
        f"req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout {key} -out {cert}"
    )
    subprocess.run(  # noqa: S603 (openssl with fixed arguments)
        [openssl, *command.split()],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("sender", SENDERS)
async def test_tls_certificates_are_verified(sender: str, self_signed: ssl.SSLContext) -> None:
    """An untrusted certificate fails the connection (ConnectError): no request is made."""
    server = Loopback("127.0.0.1")
    await server.start(self_signed)
    try:
        async with make(sender, server.url) as pw:
            with pytest.raises(ConnectError) as raised:
                await pw(tags())
        assert raised.value.not_sent is True
        assert server.requests == []
    finally:
        await server.stop()
