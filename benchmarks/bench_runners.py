"""The variants bench_client.py compares: each one a long-lived client and its ``send``.

Every runner sends ``POST /json/1.3/getTags`` with the body
``{"request":{"hwid":"hwid-0001","application":"A1B2C-3D4E5"}}`` and the library's headers,
parses the reply and checks ``status_code``. A runner is an async context manager: it builds its
client once, yields ``send`` (one request), and closes the client on exit, so a session lives for
the whole benchmark and is reused by every block of every round.

* ``pushwoosh``        ``PushwooshClient`` with its default sender (aiohttp)
* ``aiohttp_raw``      the strict reference: an ``aiohttp.ClientSession`` set up as the library's
                       sender sets it up, a reused ``json.JSONEncoder``, ``json.loads`` on the
                       reply's bytes: the same work the library asks of aiohttp, nothing more
* ``aiohttp_plain``    ``aiohttp.ClientSession()`` defaults, ``json=``, ``response.json()``
* ``pushwoosh_httpx``  ``PushwooshClient(transport=httpx.AsyncHTTPTransport())``
* ``httpx_raw``        ``httpx.AsyncClient`` over the same transport
* ``pyreqwest_raw``    ``pyreqwest`` (Rust, reqwest + tokio), if installed: redirects off,
                       total timeout, no proxies, the same body and parsing as ``aiohttp_raw``
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final

import aiohttp
import httpx

from pushwoosh_async import GetTags, PushwooshClient, __version__

DEVICE_TOKEN: Final = "D" * 32
APPLICATION: Final = "A1B2C-3D4E5"
HWID: Final = "hwid-0001"
PATH: Final = "/json/1.3/getTags"
EXPECTED_TAGS: Final = {"Plan": "pro"}
"""What the fake server's getTags returns: proves we talk to benchmarks/nginx.conf."""

HEADERS: Final = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "User-Agent": f"pushwoosh-async/{__version__}",
    "Authorization": f"Token {DEVICE_TOKEN}",
}
"""The headers PushwooshClient sends for a Device API call; the raw runners send the same."""
TIMEOUT_SECONDS: Final = 30.0
"""The library's default per-attempt timeout, used for the raw clients as well."""

ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""The library's encoder settings (``pushwoosh_async.codec``), built once as the library does."""

Send = Callable[[], Awaitable[None]]
Runner = Callable[[str], contextlib.AbstractAsyncContextManager[Send]]


def request_document() -> dict[str, Any]:
    return {"request": {"hwid": HWID, "application": APPLICATION}}


def request_body() -> bytes:
    """The body PushwooshClient renders for ``GetTags(hwid=HWID)``: compact JSON, UTF-8."""
    return ENCODER.encode(request_document()).encode()


def check_envelope(document: Any) -> None:
    if document["status_code"] != 200:
        raise RuntimeError(f"unexpected reply: {document!r}")


@contextlib.asynccontextmanager
async def pushwoosh(base_url: str) -> AsyncIterator[Send]:
    async with PushwooshClient(
        device_token=DEVICE_TOKEN, application=APPLICATION, base_url=base_url, rate_limits={}
    ) as client:

        async def send() -> None:
            await client(GetTags(hwid=HWID))

        yield send


@contextlib.asynccontextmanager
async def pushwoosh_httpx(base_url: str) -> AsyncIterator[Send]:
    async with PushwooshClient(
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        base_url=base_url,
        rate_limits={},
        transport=httpx.AsyncHTTPTransport(),
    ) as client:

        async def send() -> None:
            await client(GetTags(hwid=HWID))

        yield send


@contextlib.asynccontextmanager
async def aiohttp_raw(base_url: str) -> AsyncIterator[Send]:
    # The library's AiohttpSender settings: 100 connections, 30 s total timeout, no cookie jar,
    # no proxy variables. The body is rendered per request with one reused encoder (as the
    # library does) and the reply is parsed with json.loads on its bytes, not response.json()
    # (which also checks the content type and decodes to str first).
    url = base_url + PATH
    encode = ENCODER.encode
    loads = json.loads
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=100),
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
        headers=HEADERS,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
    ) as session:

        async def send() -> None:
            body = encode(request_document()).encode()
            async with session.post(url, data=body, allow_redirects=False) as response:
                check_envelope(loads(await response.read()))

        yield send


@contextlib.asynccontextmanager
async def aiohttp_plain(base_url: str) -> AsyncIterator[Send]:
    # aiohttp as most code uses it: ClientSession() defaults, json= and response.json().
    url = base_url + PATH
    async with aiohttp.ClientSession() as session:

        async def send() -> None:
            async with session.post(url, json=request_document(), headers=HEADERS) as response:
                check_envelope(await response.json())

        yield send


@contextlib.asynccontextmanager
async def httpx_raw(base_url: str) -> AsyncIterator[Send]:
    url = base_url + PATH
    encode = ENCODER.encode
    async with httpx.AsyncClient(
        transport=httpx.AsyncHTTPTransport(),
        headers=HEADERS,
        timeout=TIMEOUT_SECONDS,
        trust_env=False,
    ) as client:

        async def send() -> None:
            response = await client.post(url, content=encode(request_document()).encode())
            check_envelope(json.loads(response.content))

        yield send


@contextlib.asynccontextmanager
async def pyreqwest_raw(base_url: str) -> AsyncIterator[Send]:
    from pyreqwest.client import ClientBuilder  # noqa: PLC0415 (optional dependency)

    url = base_url + PATH
    encode = ENCODER.encode
    loads = json.loads
    builder = (
        ClientBuilder()
        .default_headers(HEADERS)
        .follow_redirects(False)  # noqa: FBT003
        .timeout(dt.timedelta(seconds=TIMEOUT_SECONDS))
        .max_connections(100)
        .no_proxy()
    )
    async with builder.build() as client:

        async def send() -> None:
            body = encode(request_document()).encode()
            response = await client.post(url).body_bytes(body).build().send()
            check_envelope(loads(bytes(await response.bytes())))

        yield send


RUNNERS: Final[dict[str, Runner]] = {
    "pushwoosh": pushwoosh,
    "aiohttp_raw": aiohttp_raw,
    "aiohttp_plain": aiohttp_plain,
    "pushwoosh_httpx": pushwoosh_httpx,
    "httpx_raw": httpx_raw,
    "pyreqwest_raw": pyreqwest_raw,
}


def available(name: str) -> bool:
    return name != "pyreqwest_raw" or importlib.util.find_spec("pyreqwest") is not None
