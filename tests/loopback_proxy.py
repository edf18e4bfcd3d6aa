"""A tiny HTTP proxy on loopback that records what it is sent, for the proxy tests.

* ``CONNECT host:port`` (how an https request crosses a proxy): it answers 200, records the
  first bytes the client sends inside the tunnel (the TLS ClientHello: nothing readable), then
  closes, since the tests have no TLS server behind it.
* An absolute-form request (``POST http://127.0.0.1:8123/json/1.3/getTags``, how a plain-http
  request crosses a proxy): it forwards the request to that host with ``Connection: close`` and
  pipes the reply back.

``password=`` makes it require ``Proxy-Authorization: Basic`` for user ``user`` (407 otherwise).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import urllib.parse
from collections.abc import AsyncIterator


class LoopbackProxy:
    def __init__(self, password: str | None = None) -> None:
        self.heads: list[bytes] = []
        """Every request head received (request line and headers), in order."""
        self.tunnelled: list[bytes] = []
        """The first bytes received inside each CONNECT tunnel."""
        self._password = password
        self.url = ""

    @property
    def request_lines(self) -> list[str]:
        return [head.split(b"\r\n", 1)[0].decode() for head in self.heads]

    def received(self) -> bytes:
        """Everything the proxy was sent."""
        return b"".join(self.heads + self.tunnelled)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        self.heads.append(head)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ")
        headers = [line for line in lines[1:] if line]
        try:
            if self._password is not None and not self._authorised(headers):
                writer.write(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n'
                    b"Connection: close\r\n\r\n"
                )
            elif method == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                self.tunnelled.append(await reader.read(65536))
            else:
                await self._forward(method, target, headers, reader, writer)
            await writer.drain()
        finally:
            writer.close()

    def _authorised(self, headers: list[str]) -> bool:
        wanted = "Basic " + base64.b64encode(f"user:{self._password}".encode()).decode()
        for header in headers:
            name, _, value = header.partition(":")
            if name.strip().lower() == "proxy-authorization" and value.strip() == wanted:
                return True
        return False

    async def _forward(
        self,
        method: str,
        target: str,
        headers: list[str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        url = urllib.parse.urlsplit(target)
        length = next(
            (int(h.split(":", 1)[1]) for h in headers if h.lower().startswith("content-length:")),
            0,
        )
        body = await reader.readexactly(length)
        kept = [
            h for h in headers if not h.lower().startswith(("proxy-", "connection:", "keep-alive:"))
        ]
        path = url.path + (f"?{url.query}" if url.query else "")
        request = "\r\n".join([f"{method} {path} HTTP/1.1", *kept, "Connection: close", "", ""])
        up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port)
        up_writer.write(request.encode("latin-1") + body)
        await up_writer.drain()
        while chunk := await up_reader.read(65536):
            writer.write(chunk)
        up_writer.close()


@contextlib.asynccontextmanager
async def serving(proxy: LoopbackProxy) -> AsyncIterator[LoopbackProxy]:
    """Run ``proxy`` on a free loopback port while the block runs (``proxy.url`` is set)."""
    server = await asyncio.start_server(proxy._handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    proxy.url = f"http://127.0.0.1:{port}"
    try:
        yield proxy
    finally:
        server.close()
        await server.wait_closed()
