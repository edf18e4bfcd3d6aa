"""The httpx sender: used whenever ``PushwooshClient(transport=...)`` is given (see ``senders``).

``httpx.MockTransport``, respx's router, ``httpx.AsyncHTTPTransport(proxy=...)`` or the fake's
transport all plug in here, with httpx as the request/response vocabulary.
"""

from __future__ import annotations

import asyncio
from typing import IO

import anyio
import httpx

from pushwoosh_async.bounded import CHUNK, BoundedBody
from pushwoosh_async.codec import body as render_body
from pushwoosh_async.errors import (
    ConnectError,
    ConnectTimeout,
    DeadlineExceeded,
    PoolTimeout,
    ReadTimeout,
    Timeout,
    TransportError,
    WriteTimeout,
)
from pushwoosh_async.pipeline import Call, Reply
from pushwoosh_async.sender_common import (
    DOWNLOAD_HEADERS,
    JSON_HEADERS,
    MAX_REPLY_BYTES,
    BoundedSink,
    check_download,
    closed_error,
    remaining,
)

__all__ = ["HttpxSender"]

_DOWNLOAD: str = "download"


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
            headers={**JSON_HEADERS, "User-Agent": user_agent},
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
            connect=remaining(t.connect, call.deadline),
            read=remaining(t.read, call.deadline),
            write=remaining(t.write, call.deadline),
            pool=remaining(t.pool, call.deadline),
        )

    async def __call__(self, call: Call, /) -> Reply:
        """Send one call; return the raw reply."""
        if self._closed:
            raise closed_error(call.method)
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
                raise closed_error(call.method) from exc
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

    async def download(
        self,
        url: str,
        sink: IO[bytes],
        *,
        max_bytes: int,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> int:
        """GET ``url`` into ``sink``; returns the bytes written (``AiohttpSender.download``).

        A plain GET built without the client's default headers: no token, no cookie, no redirect
        followed, identity encoding, at most ``max_bytes``; ``timeout`` bounds it all.
        """
        if self._closed:
            raise closed_error(_DOWNLOAD)
        headers = {**DOWNLOAD_HEADERS, "User-Agent": self._client.headers["User-Agent"]}
        request = httpx.Request("GET", url, headers=headers)  # none of the client's defaults
        request.extensions["timeout"] = self._timeouts.as_dict()
        try:
            with anyio.fail_after(timeout):
                response = await self._client.send(request, stream=True)
                try:
                    check_download(
                        url,
                        response.status_code,
                        response.headers,
                        _length(response.headers.get("Content-Length")),
                        max_bytes,
                    )
                    bounded = BoundedSink(sink, max_bytes)
                    async for chunk in response.aiter_raw(CHUNK):
                        bounded.write(chunk)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            msg = f"the download did not finish within {timeout:g}s"
            raise DeadlineExceeded(msg, _DOWNLOAD) from exc
        except httpx.TimeoutException as exc:
            raise _httpx_timeout(exc, None) from exc
        except httpx.ConnectError as exc:
            raise ConnectError(f"{type(exc).__name__}: {exc}", _DOWNLOAD) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", _DOWNLOAD) from exc
        except RuntimeError as exc:  # httpx's "client has been closed"
            if self._closed:
                raise closed_error(_DOWNLOAD) from exc
            raise
        return bounded.written

    async def aclose(self) -> None:
        """Close the connection pool; no request leaves afterwards."""
        self._closed = True
        await self._client.aclose()


def _length(header: str | None) -> int | None:
    try:
        return None if header is None else int(header)
    except ValueError:
        return None


def _httpx_timeout(exc: httpx.TimeoutException, call: Call | None) -> Timeout:
    kind: type[Timeout] = {
        httpx.PoolTimeout: PoolTimeout,
        httpx.ConnectTimeout: ConnectTimeout,
        httpx.WriteTimeout: WriteTimeout,
        httpx.ReadTimeout: ReadTimeout,
    }.get(type(exc), Timeout)
    error = kind("timed out", _DOWNLOAD if call is None else call.method)
    if (
        call is not None
        and call.deadline is not None
        and asyncio.get_running_loop().time() >= call.deadline
    ):
        return DeadlineExceeded("the call's deadline passed", call.method, error.not_sent)
    return error
