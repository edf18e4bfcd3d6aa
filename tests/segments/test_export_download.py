"""The download's safety: no token to the link's host, refused links, redirects, size bounds,
and what each malformed archive produces (typed errors), on both senders."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from pushwoosh_async import PushwooshClient
from pushwoosh_async.errors import (
    ArchiveError,
    ConnectError,
    DownloadFailed,
    DownloadTooLarge,
    UnsafeDownloadURL,
)
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running
from tests.support import API_TOKEN, APPLICATION, fake_account

EVERYONE = f'A("{APPLICATION}")'
FAST = {"interval": 0.01}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Capturing:
    """A loopback server on its own port that records every request and answers by ``reply``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.reply: Handler = self._not_found
        self.url = ""
        self._runner: web.AppRunner | None = None

    @staticmethod
    async def _not_found(_: web.Request) -> web.StreamResponse:
        return web.Response(status=404)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, str(request.rel_url), dict(request.headers)))
        return await self.reply(request)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def links() -> AsyncIterator[Capturing]:
    server = Capturing()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def other() -> AsyncIterator[Capturing]:
    server = Capturing()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def fake(links: Capturing) -> FakePushwoosh:
    fake = fake_account()
    fake.add_devices(3)
    fake.exports.base_url = f"{links.url}/files"  # the export's link points at the capturing host
    return fake


@pytest.fixture(params=["httpx", "aiohttp"])
async def pw(request: pytest.FixtureRequest, fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    if request.param == "httpx":
        import httpx  # noqa: PLC0415

        async with (
            running(fake) as url,
            PushwooshClient(
                API_TOKEN,
                application=APPLICATION,
                base_url=url,
                transport=httpx.AsyncHTTPTransport(),
            ) as client,
        ):
            yield client
    else:
        async with (
            running(fake) as url,
            PushwooshClient(API_TOKEN, application=APPLICATION, base_url=url) as client,
        ):
            yield client


def serving(body: bytes, **headers: str) -> Handler:
    async def reply(_: web.Request) -> web.StreamResponse:
        return web.Response(body=body, headers={"Content-Type": "application/zip", **headers})

    return reply


def archive(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


async def rows(pw: PushwooshClient, **options: Any) -> list[Any]:
    return [d async for d in pw.export_segment(EVERYONE, **FAST, **options)]


CSV = "hwid,user_id\nh1,u1\nh2,u2\n"


async def test_the_link_host_sees_no_token(pw: PushwooshClient, links: Capturing) -> None:
    links.reply = serving(archive({"export.csv": CSV}))
    assert [d.hwid for d in await rows(pw)] == ["h1", "h2"]
    ((method, target, headers),) = links.requests
    assert method == "GET"
    assert target.startswith("/files/")
    assert not {"authorization", "cookie", "proxy-authorization"} & {h.lower() for h in headers}
    assert API_TOKEN not in target
    assert all(API_TOKEN not in v for v in headers.values())
    assert headers["Accept-Encoding"] == "identity"


async def test_plain_http_to_another_host_is_refused_before_connecting(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    fake.exports.base_url = "http://exports.example.com/files"
    with pytest.raises(UnsafeDownloadURL, match=r"http://exports\.example\.com"):
        await rows(pw)


@pytest.mark.parametrize("link", ["ftp://127.0.0.1/x", "file:///etc", "https://u:p@example.com/x"])
async def test_other_schemes_and_credentials_are_refused(
    pw: PushwooshClient, fake: FakePushwoosh, link: str
) -> None:
    fake.exports.base_url = link
    with pytest.raises(UnsafeDownloadURL):
        await rows(pw)


async def test_a_redirect_is_not_followed(
    pw: PushwooshClient, links: Capturing, other: Capturing
) -> None:
    async def redirect(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"{other.url}/stolen.zip")

    links.reply = redirect
    with pytest.raises(DownloadFailed, match="redirect") as caught:
        await rows(pw)
    assert caught.value.status == 302
    assert other.requests == []


async def test_a_non_200_is_download_failed(pw: PushwooshClient, links: Capturing) -> None:
    with pytest.raises(DownloadFailed) as caught:
        await rows(pw)
    assert caught.value.status == 404


async def test_a_refused_connection_is_a_connect_error(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    fake.exports.base_url = "http://127.0.0.1:9/files"  # the discard port: nothing listens
    with pytest.raises(ConnectError):
        await rows(pw)


async def test_content_length_above_the_bound_is_refused_unread(
    pw: PushwooshClient, links: Capturing
) -> None:
    links.reply = serving(b"x" * 5000)
    with pytest.raises(DownloadTooLarge, match="Content-Length"):
        await rows(pw, max_bytes=1000)


async def test_a_chunked_body_growing_past_the_bound_is_aborted(
    pw: PushwooshClient, links: Capturing
) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"x" * 1024)
        return response

    links.reply = endless
    with pytest.raises(DownloadTooLarge, match="aborted"):
        await rows(pw, max_bytes=10_000)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.csv", "hwid\n" + "h\n" * 1_000_000)  # ~2 MB unpacked, ~2 KB packed
    return buffer.getvalue()


async def test_a_member_unpacking_past_the_bound_is_refused(
    pw: PushwooshClient, links: Capturing
) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 100_000
    links.reply = serving(bomb)
    with pytest.raises(DownloadTooLarge, match=r"export\.csv.* unpacks to 2,000,005 bytes"):
        await rows(pw, max_bytes=100_000)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"<html>not a zip</html>", "not a readable ZIP"),
        (archive({"export.csv": CSV * 2000})[:-200], "not a readable ZIP"),
        (archive({"readme.txt": "hi"}), "holds 0"),
        (archive({"a.csv": CSV, "b.json": "[]"}), "holds 2"),
        (archive({"../evil.csv": CSV}), "unsafe name"),
        (archive({"export.json": '[{"hwid": "h1"},'}), "before its closing bracket"),
        (archive({"export.csv": "hwid,user_id\nh1\n"}), "cells"),
    ],
    ids=["not-zip", "truncated", "no-member", "two-members", "unsafe", "bad-json", "bad-csv"],
)
async def test_malformed_archives_are_archive_errors(
    pw: PushwooshClient, links: Capturing, body: bytes, match: str
) -> None:
    links.reply = serving(body)
    with pytest.raises(ArchiveError, match=match):
        await rows(pw)
