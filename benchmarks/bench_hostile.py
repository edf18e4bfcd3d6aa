"""What a hostile reply costs the client: a 200 MB body and a gzip bomb, RSS before and after.

A loopback aiohttp server answers ``getTags`` with (a) a 200 MB JSON body and (b) a 204 kB gzip
body that inflates to 200 MB. The client (default sender, default ``max_reply_bytes``) must
refuse both with ``ReplyTooLarge``; the script prints the outcome, the time taken and the
client process's peak RSS growth (the server runs in a child process, so its memory is apart).

    python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import asyncio
import gzip
import multiprocessing
import resource
import socket
import time

SIZE = 200 * 1024 * 1024


def _serve(port: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    from aiohttp import web  # noqa: PLC0415

    body = b'{"status_code":200,"status_message":"OK","response":"' + b"x" * SIZE + b'"}'
    bomb = gzip.compress(body, compresslevel=9)

    async def plain(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(body)
        await response.prepare(request)
        try:
            for start in range(0, len(body), 1 << 20):
                await response.write(body[start : start + (1 << 20)])
        except ConnectionError:
            pass
        return response

    async def packed(_: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})

    app = web.Application()
    app.router.add_post("/json/1.3/getTags", plain)
    app.router.add_post("/bomb/json/1.3/getTags", packed)
    print(f"server: bomb is {len(bomb):,} bytes compressed")
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _client(port: int) -> None:
    from pushwoosh_async import GetTags, PushwooshClient, RetryPolicy  # noqa: PLC0415
    from pushwoosh_async.errors import PushwooshError  # noqa: PLC0415

    for name, base in (("200 MB body", ""), ("gzip bomb", "/bomb")):
        before = _rss_mb()
        started = time.perf_counter()
        async with PushwooshClient(
            device_token="D",  # noqa: S106 (a loopback stand-in)
            application="ABCDE-12345",
            base_url=f"http://127.0.0.1:{port}{base}",
            retry=RetryPolicy.off(),
        ) as pw:
            try:
                await pw(GetTags(hwid="h"))
                outcome = "accepted (!)"
            except PushwooshError as error:
                outcome = f"{type(error).__name__}: {error}"
        elapsed = time.perf_counter() - started
        print(f"{name}: {outcome}; {elapsed:.2f} s; peak RSS +{_rss_mb() - before:.1f} MB")


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, ready), daemon=True)
    server.start()
    ready.wait(30)
    time.sleep(0.5)
    try:
        asyncio.run(_client(port))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
