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

Both map their library's exceptions onto :class:`TransportError` and :class:`Timeout`.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import aiohttp
import httpx
import yarl

from pushwoosh_async.codec import body as render_body
from pushwoosh_async.errors import Timeout, TransportError
from pushwoosh_async.pipeline import Call, Reply

__all__ = ["AiohttpSender", "HttpxSender", "Sender"]

_JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class Sender(Protocol):
    """Sends one call and returns the raw reply; owns the connection pool."""

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        ...

    async def aclose(self) -> None:
        """Close the connection pool."""
        ...


class AiohttpSender:
    """Sends through one ``aiohttp.ClientSession``, opened on first use in the running loop.

    ``max_connections`` caps the pool (100: on one core more connections add latency, not
    throughput). ``trust_env`` enables proxy variables; it is off because reading them costs
    time on every request.
    """

    __slots__ = ("_max_connections", "_session", "_timeout", "_trust_env", "_urls", "_user_agent")

    def __init__(
        self,
        *,
        timeout: float | None = 30.0,
        max_connections: int = 100,
        trust_env: bool = False,
        user_agent: str = "pushwoosh-async",
    ) -> None:
        self._timeout = timeout
        self._max_connections = max_connections
        self._trust_env = trust_env
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, yarl.URL] = {}

    def _open(self) -> aiohttp.ClientSession:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._max_connections),
            timeout=aiohttp.ClientTimeout(total=self._timeout),
            headers={**_JSON_HEADERS, "User-Agent": self._user_agent},
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=self._trust_env,
            raise_for_status=False,
        )
        return self._session

    def _url(self, url: str) -> yarl.URL:
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = yarl.URL(url)
        return parsed

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        session = self._session or self._open()
        try:
            response = await session.request(
                call.route.http_method,
                self._urls.get(call.url) or self._url(call.url),
                data=render_body(call),
                headers=call.headers or None,
            )
            try:
                body = await response.read()
            finally:
                response.release()
        except asyncio.TimeoutError as exc:
            raise Timeout("timed out", call.method) from exc
        except aiohttp.ClientError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", call.method) from exc
        return Reply(response.status, response.headers, body)

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class HttpxSender:
    """Sends through one ``httpx.AsyncClient`` over the given transport.

    The pool limits are httpx's defaults on purpose: raising the keep-alive count makes
    httpcore 1.0's pool slower, not faster, under concurrency (its scans are quadratic).
    """

    __slots__ = ("_client",)

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        *,
        timeout: float | None = 30.0,
        user_agent: str = "pushwoosh-async",
    ) -> None:
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            headers={**_JSON_HEADERS, "User-Agent": user_agent},
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        try:
            response = await self._client.request(
                call.route.http_method, call.url, content=render_body(call), headers=call.headers
            )
            body = await response.aread()
        except httpx.TimeoutException as exc:
            raise Timeout("timed out", call.method) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", call.method) from exc
        return Reply(response.status_code, response.headers, body)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
