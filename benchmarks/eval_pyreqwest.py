# ruff: noqa: FBT003, ASYNC240, ASYNC221, E501, ISC004, SIM105, RUF100
"""Checks ``pyreqwest`` against the sender contract on loopback servers (issue 13, goal 3).

Prints one line per contract item: redirects not followed, total timeout, cancellation (the
server sees the connection close), reply size bound by streaming, TLS verification (a
self-signed certificate is refused; accepted when its CA is added), an HTTP proxy is used,
HTTP/2 over TLS (ALPN). Needs ``pyreqwest`` and ``openssl`` on PATH.

    python benchmarks/eval_pyreqwest.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from pyreqwest.client import ClientBuilder
from pyreqwest.proxy import ProxyBuilder

SECONDS = dt.timedelta


def report(item: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {item}: {detail}", flush=True)


async def main() -> None:
    seen: dict[str, Any] = {"slow_closed": False, "proxy_lines": []}

    async def redirect(_: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/json/1.3/elsewhere"})

    async def slow(_: web.Request) -> web.Response:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            seen["slow_closed"] = True
            raise
        return web.Response(text="late")

    async def big(_: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(_)
        chunk = b"x" * 65536
        for _i in range(3200):  # 200 MiB, chunked (no Content-Length)
            await response.write(chunk)
        return response

    async def anything(request: web.Request) -> web.Response:
        seen["proxy_lines"].append(str(request.url))
        return web.Response(text="{}", content_type="application/json")

    app = web.Application()
    app.router.add_post("/redirect", redirect)
    app.router.add_post("/slow", slow)
    app.router.add_get("/big", big)
    app.router.add_route("*", "/{tail:.*}", anything)
    runner = web.AppRunner(app, handle_signals=False, handler_cancellation=True)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 18092).start()
    base = "http://127.0.0.1:18092"

    plain = ClientBuilder().follow_redirects(False).no_proxy().timeout(SECONDS(seconds=0.5))
    async with plain.build() as client:
        response = await client.post(base + "/redirect").build().send()
        report("redirects off", response.status == 302, f"status {response.status}")

        started = time.perf_counter()
        try:
            await client.post(base + "/slow").build().send()
            report("total timeout", False, "no error")
        except Exception as exc:  # noqa: BLE001
            took = time.perf_counter() - started
            report("total timeout", 0.4 < took < 1.0, f"{type(exc).__name__} after {took:.2f} s")

    async with ClientBuilder().no_proxy().build() as client:
        task = asyncio.ensure_future(client.post(base + "/slow").build().send())
        await asyncio.sleep(0.2)
        task.cancel()
        started = time.perf_counter()
        try:
            await task
        except asyncio.CancelledError:
            pass
        await asyncio.sleep(0.3)
        report(
            "cancellation",
            task.cancelled() and seen["slow_closed"],
            f"cancelled in {time.perf_counter() - started - 0.3:.3f} s, "
            f"server saw the connection drop: {seen['slow_closed']}",
        )

        limit, total = 16 * 1024 * 1024, 0
        async with client.get(base + "/big").build_streamed() as response:
            reader = response.body_reader
            while (chunk := await reader.read(65536)) is not None:
                total += len(chunk)
                if total > limit:
                    break
        report("reply size bound (streamed)", total <= limit + 65536, f"stopped at {total:,} B")

    async with ClientBuilder().proxy(ProxyBuilder.http(base)).build() as client:
        await client.get("http://example.invalid/through-proxy").build().send()
        used = any("example.invalid" in line for line in seen["proxy_lines"])
        report("HTTP proxy", used, f"proxy saw {seen['proxy_lines'][-1:]}")

    with tempfile.TemporaryDirectory() as tmp:
        key, cert = Path(tmp, "k.pem"), Path(tmp, "c.pem")
        ca_key, ca, csr = Path(tmp, "ca.key"), Path(tmp, "ca.pem"), Path(tmp, "c.csr")
        ext = Path(tmp, "ext")
        ext.write_text("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n")
        for command in (
            f"req -x509 -newkey rsa:2048 -nodes -keyout {ca_key} -out {ca} -days 1 -subj /CN=ca",
            f"req -newkey rsa:2048 -nodes -keyout {key} -out {csr} -subj /CN=localhost",
            f"x509 -req -in {csr} -CA {ca} -CAkey {ca_key} -CAcreateserial -out {cert}"
            f" -days 1 -extfile {ext}",
        ):
            subprocess.run(["openssl", *command.split()], check=True, capture_output=True)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        context.set_alpn_protocols(["http/1.1"])  # aiohttp serves h1 only
        await web.TCPSite(runner, "127.0.0.1", 18093, ssl_context=context).start()
        url = "https://localhost:18093/tls"
        builder = ClientBuilder().no_proxy().resolve("localhost", "127.0.0.1", 18093)
        async with builder.build() as client:
            try:
                await client.get(url).build().send()
                report("TLS verification", False, "self-signed certificate accepted")
            except Exception as exc:  # noqa: BLE001
                report("TLS verification", True, f"refused: {type(exc).__name__}")
        trusted = (
            ClientBuilder()
            .no_proxy()
            .resolve("localhost", "127.0.0.1", 18093)
            .add_root_certificate_pem(ca.read_bytes())
            .http2(True)
        )
        async with trusted.build() as client:
            response = await client.get(url).build().send()
            report("TLS with added CA; HTTP/2 offered", response.status == 200,
                   f"status {response.status}, version {response.version} (aiohttp server: h1 only)")  # fmt: skip
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
