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
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Final, Protocol

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
    TransportError,
)
from pushwoosh_async.httpx_sender import HttpxSender
from pushwoosh_async.pipeline import Call, Reply
from pushwoosh_async.sender_common import (
    DOWNLOAD_HEADERS,
    MAX_REPLY_BYTES,
    BoundedSink,
    check_download,
)
from pushwoosh_async.sender_common import JSON_HEADERS as _JSON_HEADERS
from pushwoosh_async.sender_common import closed_error as _closed
from pushwoosh_async.settings import redact_url
from pushwoosh_async.slots import Slots, SlotTimeout
from pushwoosh_async.watchdog import Watch, Watchdog

if TYPE_CHECKING:
    import aiohttp  # noqa: TC004 (bound at run time by the first AiohttpSender.__init__)

__all__ = ["MAX_REPLY_BYTES", "AiohttpSender", "HttpxSender", "Sender"]


_ENCODED: Final = "Content-Encoding"


class Sender(Protocol):
    """Sends one call and returns the raw reply; owns the connection pool."""

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        ...

    async def aclose(self) -> None:
        """Close the connection pool; no request leaves afterwards."""
        ...


class AiohttpSender:
    """Sends through one ``aiohttp.ClientSession``, opened on first use in the running loop.

    ``max_connections`` caps the pool (100: on one core more connections add latency, not
    throughput); a call waits up to ``timeout.pool`` for a free one. ``proxies`` maps a base URL
    to the proxy its requests go through (others go direct); aiohttp's own ``trust_env`` stays
    off, because it reads the proxy variables again, in a worker thread, on every request.
    """

    __slots__ = (
        "_closed",
        "_download_proxies",
        "_max_connections",
        "_max_reply_bytes",
        "_proxies",
        "_proxy_for",
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
        proxy_for: Callable[[Iterable[str]], Mapping[str, str]] | None = None,
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
        self._proxy_for = proxy_for
        self._download_proxies: dict[yarl.URL, yarl.URL | None] = {}
        self._session: aiohttp.ClientSession | None = None
        self._slots: Slots | None = None
        self._urls: dict[str, tuple[yarl.URL, yarl.URL | None]] = {}
        self._closed = False

    def __repr__(self) -> str:
        proxies = ", ".join(sorted({redact_url(str(url)) for url in self._proxies.values()}))
        return f"<AiohttpSender proxies=[{proxies}]>" if proxies else "<AiohttpSender>"

    def _open(self) -> aiohttp.ClientSession:
        from pushwoosh_async._watched_connector import WatchedConnector  # noqa: PLC0415

        self._slots = Slots(self._max_connections, self._watchdog)
        self._session = aiohttp.ClientSession(
            connector=WatchedConnector(
                self._watchdog, self._slots, self._timeouts.pool, limit=self._max_connections
            ),
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
        """Send one call; return the raw reply.

        One coroutine from the slot to the reply: each time aiohttp waits, the wake-up passes
        through every frame of the call's chain, so the common path adds no frame of its own.
        """
        if self._closed:
            raise _closed(call.method)
        session = self._session or self._open()
        slots = self._slots
        assert slots is not None  # noqa: S101 (opened together with the session)
        url, proxy = self._urls.get(call.url) or self._url(call.url)
        # The connector takes a connection slot for the request (see _watched_connector.py).
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
                length = response.content_length
                if length is None or length > self._max_reply_bytes or _ENCODED in response.headers:
                    data = await self._read_bounded(response, call)
                else:
                    data = await response.read()  # the common case: a small, plain, sized reply
            except BaseException:
                response.close()  # drop the connection: the rest of the body is not wanted
                raise
            response.release()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            cause, failure = exc, self._translate(exc, call, watch)
        except SlotTimeout as exc:  # the connector's wait for a slot (nothing was sent)
            within = "in time" if exc.limit is None else f"within {exc.limit:g}s"
            raise PoolTimeout(f"no free connection {within}", call.method) from None
        else:
            return Reply(response.status, response.headers, data)
        finally:
            self._watchdog.release()
            if watch.holds_slot:
                slots.release()
        if self._secrets:
            # aiohttp's exception may show a proxy's credentials (a 407's URL): never chain it.
            raise failure
        raise failure from cause

    def _translate(
        self, exc: Exception, call: Call, watch: Watch
    ) -> TransportError | ClientClosedError:
        if watch.expired is not None:  # the watchdog dropped the connection (see watchdog.py)
            return watch.error(call.method)
        return self._translated(exc, call.method)

    def _translated(self, exc: Exception, method: str) -> TransportError | ClientClosedError:
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return ConnectTimeout("connecting timed out", method)
        if isinstance(exc, aiohttp.SocketTimeoutError):
            return ReadTimeout("the reply did not come in time", method)
        if isinstance(exc, asyncio.TimeoutError):  # only a download sets a total
            return DeadlineExceeded("the download's timeout passed", method)
        if self._closed:
            return _closed(method)
        text = f"{type(exc).__name__}: {exc}"
        for secret in self._secrets:
            text = text.replace(secret, "***")
        if isinstance(exc, aiohttp.ClientConnectorError):  # refused, DNS, TLS: nothing was sent
            return ConnectError(text, method)
        return TransportError(text, method)

    async def _read_bounded(self, response: aiohttp.ClientResponse, call: Call) -> bytes:
        """A reply that is compressed, of unknown length or declared too long, read bounded."""
        encoding = response.headers.get(_ENCODED, "")
        length = response.content_length
        if not encoding and length is not None:  # declared too long: refused, nothing read
            raise ReplyTooLarge(call.method, self._max_reply_bytes, response.status)
        bounded = BoundedBody(self._max_reply_bytes, encoding, call.method, response.status)
        async for chunk in response.content.iter_chunked(CHUNK):
            bounded.feed(chunk)
        return bounded.result()

    async def download(
        self,
        url: str,
        sink: IO[bytes],
        *,
        max_bytes: int,
        timeout: float | None = None,
    ) -> int:
        """GET ``url`` into ``sink`` through the client's own pool and a connection slot.

        A plain GET: no token, no cookie, no redirect followed, identity encoding; at most
        ``max_bytes`` (by Content-Length before reading, then while streaming); ``timeout``
        bounds the whole download. The link's proxy is resolved as the base URLs' were, once per
        origin. Returns the bytes written. The URL is the caller's to check (``segments``).
        """
        if self._closed:
            raise _closed("download")
        session = self._session or self._open()
        parsed = yarl.URL(url)
        proxy = self._download_proxy(parsed)
        timeout_ = aiohttp.ClientTimeout(
            total=timeout, sock_connect=self._timeouts.connect, sock_read=self._timeouts.read
        )
        slots = self._slots
        assert slots is not None  # noqa: S101 (opened together with the session)
        if not slots.take():
            await slots.wait()
        try:
            try:
                async with session.get(
                    parsed,
                    headers=DOWNLOAD_HEADERS,
                    allow_redirects=False,
                    timeout=timeout_,
                    proxy=proxy,
                ) as response:
                    check_download(
                        url, response.status, response.headers, response.content_length, max_bytes
                    )
                    bounded = BoundedSink(sink, max_bytes)
                    async for chunk in response.content.iter_chunked(CHUNK):
                        bounded.write(chunk)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                failure = self._translated(exc, "download")
                if self._secrets:
                    raise failure from None
                raise failure from exc
        finally:
            slots.release()
        return bounded.written

    def _download_proxy(self, url: yarl.URL) -> yarl.URL | None:
        origin = url.origin()
        if origin not in self._download_proxies:
            found = self._proxies.get(origin)
            if found is None and self._proxy_for is not None:
                chosen = self._proxy_for([str(origin)]).get(str(origin))
                found = None if chosen is None else yarl.URL(chosen)
            self._download_proxies[origin] = found
        return self._download_proxies[origin]

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
