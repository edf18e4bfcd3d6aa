"""The terminal step: the only code that touches the network.

Two senders share one contract, ``await sender(call) -> Reply`` plus ``aclose()``:

* :class:`AiohttpSender`, the default. httpx's connection pool (httpcore 1.0) collapses under
  concurrency on this workload: measured against a local nginx, 2,200 req/s at 1 in flight but
  180 at 64 and 17 at 256, while aiohttp holds 12,000-14,500 req/s. Even httpx's API over an
  aiohttp pool (``httpx-aiohttp``) reached only 0.35 of raw aiohttp, because building httpx
  ``Request``/``Response`` objects costs about 55 us per request. So the default path speaks
  aiohttp directly with pre-built URLs and pre-encoded bodies (see ``benchmarks/``).
* :class:`HttpxSender`, used whenever ``transport=`` is given: ``httpx.MockTransport``, respx's
  router, ``httpx.AsyncHTTPTransport(proxy=...)`` or the fake server's transport all plug in
  there, with httpx as the request/response vocabulary.

What both guarantee (``tests/test_sender_contract.py`` runs the same checks on each):

* **Redirects are never followed.** A 3xx comes back as a reply, which ``codec.decode`` turns into
  :class:`~pushwoosh_async.errors.Redirected`: the token never travels to another host.
* **Replies are bounded.** At most ``max_reply_bytes`` decoded bytes are read (a compression
  bomb counts at its decompressed size, decompressed here with a bound, never by the HTTP
  library); past it :class:`~pushwoosh_async.errors.ReplyTooLarge`, the connection dropped.
* **Timeouts** from ``httpx.Timeout`` (connect, read, write, pool; the aiohttp sender keeps read
  and deadline with one timer, ``watchdog.py``). A wait for a free connection ends in
  ``PoolTimeout`` (nothing sent). ``call.deadline`` caps every phase.
* **Closed is closed.** After ``aclose()`` no request leaves and no pool is opened again; a call
  caught in flight ends with ``ClientClosedError``.
* **TLS verification stays on** (neither sender has a switch for it).

Proxies: the aiohttp sender gets each base URL's proxy, resolved once when the client is built
(``settings.resolve_proxies``: ``HTTPS_PROXY``/``NO_PROXY``... or ``proxy=``). An https request
crosses a proxy in a ``CONNECT`` tunnel: the proxy sees host and port, never the token. With
``transport=`` the transport is the whole connection layer and proxies only if built to
(``httpx.AsyncHTTPTransport(proxy=...)``); httpx ignores proxy variables given a transport.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, Protocol

import anyio
import httpx
import yarl

from pushwoosh_async.bounded import CHUNK, BoundedBody
from pushwoosh_async.codec import body as render_body
from pushwoosh_async.errors import (
    ClientClosedError,
    ConnectError,
    ConnectTimeout,
    DeadlineExceeded,
    PoolTimeout,
    ReadTimeout,
    ReplyTooLarge,
    Timeout,
    TransportError,
    WriteTimeout,
)
from pushwoosh_async.pipeline import Call, Reply
from pushwoosh_async.settings import redact_url
from pushwoosh_async.watchdog import Watch, Watchdog

if TYPE_CHECKING:
    import aiohttp  # noqa: TC004 (bound at run time by the first AiohttpSender.__init__)

__all__ = ["MAX_REPLY_BYTES", "AiohttpSender", "HttpxSender", "Sender"]

MAX_REPLY_BYTES: Final = 16 * 1024 * 1024
"""The default bound on a reply: Pushwoosh's replies are kilobytes (an export result is a link,
not the file), so 16 MiB is far above any real one and far below what a worker would notice."""

_JSON_HEADERS: Final = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
}


class Sender(Protocol):
    """Sends one call and returns the raw reply; owns the connection pool."""

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        ...

    async def aclose(self) -> None:
        """Close the connection pool; no request leaves afterwards."""
        ...


def _closed(method: str) -> ClientClosedError:
    return ClientClosedError(f"{method}: the client is closed; no request was sent")


class AiohttpSender:
    """Sends through one ``aiohttp.ClientSession``, opened on first use in the running loop.

    ``max_connections`` caps the pool (100: on one core more connections add latency, not
    throughput); a call waits up to ``timeout.pool`` for a free one. ``proxies`` maps a base URL
    to the proxy its requests go through (others go direct); aiohttp's own ``trust_env`` stays
    off, because it reads the proxy variables again, in a worker thread, on every request.
    """

    __slots__ = (
        "_closed",
        "_max_connections",
        "_max_reply_bytes",
        "_proxies",
        "_secrets",
        "_session",
        "_slots",
        "_timeout",
        "_timeouts",
        "_urls",
        "_user_agent",
        "_watchdog",
    )

    def __init__(
        self,
        *,
        timeout: httpx.Timeout | float | None = 30.0,
        max_connections: int = 100,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        proxies: Mapping[str, str] | None = None,
        user_agent: str = "pushwoosh-async",
    ) -> None:
        global aiohttp  # noqa: PLW0603 (imported by the first sender, not the package: ~170 ms)
        import aiohttp  # noqa: PLC0415

        self._timeouts = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        # Read timeouts and deadlines are the watchdog's (one timer, not one per request).
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._timeouts.connect)
        self._watchdog = Watchdog()
        self._max_connections = max_connections
        self._max_reply_bytes = max_reply_bytes
        self._user_agent = user_agent
        self._proxies = {
            yarl.URL(base).origin(): yarl.URL(url) for base, url in (proxies or {}).items()
        }
        self._secrets = _credentials(self._proxies.values())
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._urls: dict[str, tuple[yarl.URL, yarl.URL | None]] = {}
        self._closed = False

    def __repr__(self) -> str:
        proxies = ", ".join(sorted({redact_url(str(url)) for url in self._proxies.values()}))
        return f"<AiohttpSender proxies=[{proxies}]>" if proxies else "<AiohttpSender>"

    def _open(self) -> aiohttp.ClientSession:
        from pushwoosh_async._watched_connector import WatchedConnector  # noqa: PLC0415

        self._slots = asyncio.Semaphore(self._max_connections)
        self._session = aiohttp.ClientSession(
            connector=WatchedConnector(self._watchdog, limit=self._max_connections),
            timeout=self._timeout,
            headers={**_JSON_HEADERS, "User-Agent": self._user_agent},
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,  # proxies come resolved (see the class docstring); no netrc
            raise_for_status=False,
            auto_decompress=False,  # BoundedBody decompresses, with the bound
        )
        return self._session

    def _url(self, url: str) -> tuple[yarl.URL, yarl.URL | None]:
        """The URL parsed, and the proxy for its origin: once per distinct URL, then cached."""
        target = self._urls.get(url)
        if target is None:
            parsed = yarl.URL(url)
            target = self._urls[url] = (parsed, self._proxies.get(parsed.origin()))
        return target

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        if self._closed:
            raise _closed(call.method)
        session = self._session or self._open()
        slots = self._slots
        assert slots is not None  # noqa: S101 (opened together with the session)
        if slots.locked():
            await self._wait_for_connection(slots, call)
        else:
            await slots.acquire()
        try:
            return await self._send(session, call)
        finally:
            slots.release()

    async def _wait_for_connection(self, slots: asyncio.Semaphore, call: Call) -> None:
        """The slow path: every connection is busy; wait up to the pool timeout (and deadline)."""
        limit = _remaining(self._timeouts.pool, call)
        try:
            with anyio.fail_after(limit):
                await slots.acquire()
        except TimeoutError as exc:
            raise PoolTimeout(f"no free connection within {limit:g}s", call.method) from exc

    async def _send(self, session: aiohttp.ClientSession, call: Call) -> Reply:
        url, proxy = self._urls.get(call.url) or self._url(call.url)
        watch = self._watchdog.watch(self._timeouts.read, call.deadline)
        try:
            response = await session.request(
                call.route.http_method,
                url,
                data=render_body(call),
                headers=call.headers or None,
                allow_redirects=False,
                proxy=proxy,
            )
            try:
                data = await self._read(response, call)
            except BaseException:
                response.close()  # drop the connection: the rest of the body is not wanted
                raise
            response.release()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            cause, failure = exc, self._translate(exc, call, watch)
        else:
            return Reply(response.status, response.headers, data)
        finally:
            self._watchdog.release()
        if self._secrets:
            # aiohttp's exception may show a proxy's credentials (a 407's URL): never chain it.
            raise failure
        raise failure from cause

    def _translate(
        self, exc: Exception, call: Call, watch: Watch
    ) -> TransportError | ClientClosedError:
        if watch.expired is not None:  # the watchdog dropped the connection (see watchdog.py)
            return watch.error(call.method)
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return ConnectTimeout("connecting timed out", call.method)
        if isinstance(exc, aiohttp.SocketTimeoutError):
            return ReadTimeout("the reply did not come in time", call.method)
        if self._closed:
            return _closed(call.method)
        text = f"{type(exc).__name__}: {exc}"
        for secret in self._secrets:
            text = text.replace(secret, "***")
        if isinstance(exc, aiohttp.ClientConnectorError):  # refused, DNS, TLS: nothing was sent
            return ConnectError(text, call.method)
        return TransportError(text, call.method)

    async def _read(self, response: aiohttp.ClientResponse, call: Call) -> bytes:
        encoding = response.headers.get("Content-Encoding", "")
        length = response.content_length
        if not encoding and length is not None:
            if length > self._max_reply_bytes:  # refused from its header, nothing read
                raise ReplyTooLarge(call.method, self._max_reply_bytes, response.status)
            return await response.read()  # the common case: a small, plain, sized reply
        bounded = BoundedBody(self._max_reply_bytes, encoding, call.method, response.status)
        async for chunk in response.content.iter_chunked(CHUNK):
            bounded.feed(chunk)
        return bounded.result()

    async def aclose(self) -> None:
        """Close the connection pool; no request leaves afterwards."""
        self._closed = True
        self._watchdog.close()
        session, self._session = self._session, None
        if session is not None:
            await session.close()
            await asyncio.sleep(0)  # let the transports finish closing


def _credentials(proxies: Iterable[yarl.URL]) -> tuple[str, ...]:
    """What to scrub from error messages: the proxies' passwords, raw and decoded.

    User names too when long enough to be a key (a short one is a common word: ``proxy``).
    """
    found: set[str] = set()
    for url in proxies:
        found.update(part for part in (url.raw_password, url.password) if part)
        found.update(part for part in (url.raw_user, url.user) if part and len(part) >= 8)
        if url.user or url.password:  # as a Proxy-Authorization header carries them
            pair = f"{url.user or ''}:{url.password or ''}".encode()
            found.add(base64.b64encode(pair).decode())
    return tuple(sorted(found, key=len, reverse=True))  # longest first: no partial leftovers


def _remaining(limit: float | None, call: Call) -> float | None:
    """``limit`` shortened to what is left of the call's deadline (at least 0)."""
    if call.deadline is None:
        return limit
    left = max(0.0, call.deadline - asyncio.get_running_loop().time())
    return left if limit is None else min(limit, left)


class HttpxSender:
    """Sends through one ``httpx.AsyncClient`` over the given transport.

    The pool limits are httpx's defaults on purpose: raising the keep-alive count makes
    httpcore 1.0's pool slower, not faster, under concurrency (its scans are quadratic).
    """

    __slots__ = ("_client", "_closed", "_max_reply_bytes", "_timeouts")

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        *,
        timeout: httpx.Timeout | float | None = 30.0,
        max_connections: int = 100,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        user_agent: str = "pushwoosh-async",
    ) -> None:
        self._timeouts = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._max_reply_bytes = max_reply_bytes
        self._closed = False
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=self._timeouts,
            headers={**_JSON_HEADERS, "User-Agent": user_agent},
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=min(20, max_connections),
            ),
            follow_redirects=False,
        )

    def _timeout_for(self, call: Call) -> httpx.Timeout:
        if call.deadline is None:
            return self._timeouts
        t = self._timeouts
        return httpx.Timeout(
            connect=_remaining(t.connect, call),
            read=_remaining(t.read, call),
            write=_remaining(t.write, call),
            pool=_remaining(t.pool, call),
        )

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        if self._closed:
            raise _closed(call.method)
        request = self._client.build_request(
            call.route.http_method,
            call.url,
            content=render_body(call),
            headers=call.headers,
            timeout=self._timeout_for(call),
        )
        try:
            response = await self._client.send(request, stream=True)
            try:
                data = await self._read(response, call)
            finally:
                await response.aclose()
        except httpx.TimeoutException as exc:
            raise _httpx_timeout(exc, call) from exc
        except httpx.ConnectError as exc:
            raise ConnectError(f"{type(exc).__name__}: {exc}", call.method) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", call.method) from exc
        except RuntimeError as exc:  # httpx's "client has been closed"
            if self._closed:
                raise _closed(call.method) from exc
            raise
        return Reply(response.status_code, response.headers, data)

    async def _read(self, response: httpx.Response, call: Call) -> bytes:
        if response.is_stream_consumed:
            # An in-memory reply (MockTransport, respx): httpx has read and decoded it already.
            bounded = BoundedBody(self._max_reply_bytes, "", call.method, response.status_code)
            bounded.feed(response.content)
            return bounded.result()
        bounded = BoundedBody(
            self._max_reply_bytes,
            response.headers.get("Content-Encoding", ""),
            call.method,
            response.status_code,
        )
        async for chunk in response.aiter_raw(CHUNK):
            bounded.feed(chunk)
        return bounded.result()

    async def aclose(self) -> None:
        """Close the connection pool; no request leaves afterwards."""
        self._closed = True
        await self._client.aclose()


def _httpx_timeout(exc: httpx.TimeoutException, call: Call) -> Timeout:
    kind: type[Timeout] = {
        httpx.PoolTimeout: PoolTimeout,
        httpx.ConnectTimeout: ConnectTimeout,
        httpx.WriteTimeout: WriteTimeout,
        httpx.ReadTimeout: ReadTimeout,
    }.get(type(exc), Timeout)
    error = kind("timed out", call.method)
    if call.deadline is not None and asyncio.get_running_loop().time() >= call.deadline:
        return DeadlineExceeded("the call's deadline passed", call.method, error.not_sent)
    return error
