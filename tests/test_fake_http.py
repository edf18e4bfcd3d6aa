"""The fake Pushwoosh over real HTTP on loopback, against the client's default (aiohttp) sender."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest

from pushwoosh_async import (
    CreateMessage,
    GetTags,
    Notification,
    PushwooshClient,
    RegisterDevice,
    RetryPolicy,
    SetTags,
)
from pushwoosh_async.errors import ArgumentError, Timeout, Unauthorized, UnknownDevicesWarning
from pushwoosh_async.testing import FakePushwoosh, Fault, When
from pushwoosh_async.testing.__main__ import build_fake, build_parser
from pushwoosh_async.testing.server import running
from tests.support import (
    API_TOKEN,
    APPLICATION,
    DEVICE_TOKEN,
    raw_client,
    transaction_ids,
)

FAST_RETRY = RetryPolicy(attempts=3, initial_delay=0.01, max_delay=0.02)


@pytest.fixture
async def url(fake: FakePushwoosh) -> AsyncIterator[str]:
    """``fake`` served over real HTTP on loopback; its base URL."""
    async with running(fake) as base_url:
        yield base_url


def client(url: str, **kwargs: object) -> PushwooshClient:
    """A client on the default (aiohttp) sender for ``url``; ``api_token=`` overrides the token."""
    options: dict[str, object] = {"device_token": DEVICE_TOKEN, "application": APPLICATION}
    options.update(kwargs)
    api_token = options.pop("api_token", API_TOKEN)
    return PushwooshClient(api_token, base_url=url, **options)  # type: ignore[arg-type]


def note(*devices: str) -> Notification:
    """A notification to ``devices``."""
    return Notification(content="Hi", devices=list(devices))


async def test_running_binds_loopback_on_a_free_port(url: str) -> None:
    """running() serves on 127.0.0.1 at a port it picked, never on a public interface."""
    assert url.startswith("http://127.0.0.1:")
    port = int(url.rsplit(":", 1)[1])
    assert port > 0
    async with aiohttp.ClientSession() as session:  # something answers HTTP on that port
        response = await session.post(url + "/json/1.3/noSuchMethod", data=b"{}")
    assert response.status == 404


async def test_register_set_and_get_tags(url: str, fake: FakePushwoosh) -> None:
    """Tags set over HTTP are read back; device calls carry the device token in Authorization."""
    async with client(url) as pw:
        await pw(RegisterDevice(hwid="hw-1", device_type=3, push_token="tok"))
        await pw(SetTags(hwid="hw-1", tags={"Plan": "pro", "Age": 42}))
        tags = await pw(GetTags(hwid="hw-1"))
    assert tags.values == {"Plan": "pro", "Age": 42}
    assert [c.method for c in fake.calls] == ["registerDevice", "setTags", "getTags"]
    assert fake.calls[0].headers["authorization"] == f"Token {DEVICE_TOKEN}"


async def test_create_message_reports_unknown_devices(url: str, fake: FakePushwoosh) -> None:
    """A device the account lacks comes back as UnknownDevices (and a warning), over real HTTP."""
    async with client(url) as pw:
        await pw(RegisterDevice(hwid="hw-1", device_type=3))
        with pytest.warns(UnknownDevicesWarning):
            result = await pw(CreateMessage(notifications=[note("hw-1", "ghost")]))
    assert len(result.message_codes) == 1
    assert list(result.unknown_devices.values()) == [("ghost",)]
    (message,) = fake.state.messages.values()
    assert message.unknown_devices == ("ghost",)


async def test_wrong_token_is_unauthorized(url: str) -> None:
    """A wrong server token is answered 401 and raised as Unauthorized."""
    async with client(url, api_token="wrong", retry=RetryPolicy.off()) as pw:
        with pytest.raises(Unauthorized):
            await pw(CreateMessage(notifications=[note("hw-1")]))


async def test_unknown_application_is_an_argument_error(url: str) -> None:
    """An application the account does not hold is answered 210 and raised as ArgumentError."""
    async with client(url, application="ZZZZZ-99999", retry=RetryPolicy.off()) as pw:
        with pytest.raises(ArgumentError):
            await pw(CreateMessage(notifications=[note("hw-1")]))


async def test_lost_reply_is_retried_once_and_deduplicated(url: str, fake: FakePushwoosh) -> None:
    """A reply lost after processing is retried with the same transactionId: one message exists."""
    fake.inject(Fault.reset(When.AFTER), method="createMessage")
    async with client(url, retry=FAST_RETRY) as pw:
        await pw(RegisterDevice(hwid="hw-1", device_type=3))
        result = await pw(CreateMessage(notifications=[note("hw-1")]))
    assert len(result.message_codes) == 1
    assert len(fake.state.messages) == 1
    calls = fake.calls_to("createMessage")
    assert len(calls) == 2
    assert calls[0].fault == "reset"
    assert calls[1].fault is None
    tids = [transaction_ids(c.body) for c in calls]
    assert tids[0] == tids[1]


async def test_lost_reply_with_default_retries(url: str, fake: FakePushwoosh) -> None:
    """The default RetryPolicy also recovers a lost createMessage reply without a second message."""
    fake.inject(Fault.reset(When.AFTER), method="createMessage")
    async with client(url) as pw:
        await pw(RegisterDevice(hwid="hw-1", device_type=3))
        await pw(CreateMessage(notifications=[note("hw-1")]))
    assert len(fake.state.messages) == 1
    assert len(fake.calls_to("createMessage")) == 2


async def test_no_reply_is_a_timeout(url: str, fake: FakePushwoosh) -> None:
    """A server that never answers raises Timeout once the client's timeout has passed."""
    fake.inject(Fault.timeout(), method="getTags")
    async with client(url, timeout=0.2, retry=RetryPolicy.off()) as pw:
        await pw(RegisterDevice(hwid="hw-1", device_type=3))
        started = time.monotonic()
        with pytest.raises(Timeout):
            await pw(GetTags(hwid="hw-1"))
    assert time.monotonic() - started < 2


async def test_latency_fault_is_slept(url: str, fake: FakePushwoosh) -> None:
    """Fault.latency delays the real HTTP answer by at least the given seconds."""
    fake.inject(Fault.latency(0.15))
    async with httpx.AsyncClient(base_url=url) as http:
        started = time.monotonic()
        response = await http.post("/json/1.3/getTags", content=b'{"request":{}}')
    assert time.monotonic() - started >= 0.15
    assert response.status_code == 401


async def test_non_json_body_gets_a_json_400(url: str) -> None:
    """A body that is not JSON is answered 400 with a JSON envelope, not a traceback."""
    async with aiohttp.ClientSession() as session:
        response = await session.post(url + "/json/1.3/createMessage", data=b"<not json>")
        body = await response.read()
    assert response.status == 400
    assert json.loads(body)["status_code"] == 400
    assert b"Traceback" not in body


async def test_unknown_method_gets_a_json_404(url: str) -> None:
    """An unknown v1.3 method is answered 404 with a JSON envelope."""
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post("/json/1.3/noSuchMethod", content=b'{"request":{}}')
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_a_failing_fake_answers_500_without_traceback(
    url: str, fake: FakePushwoosh, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash inside the fake is answered 500 as JSON, without the error text or a traceback."""

    def explode(*args: object) -> None:
        raise RuntimeError("boom in the fake")

    monkeypatch.setattr(fake, "answer", explode)
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post("/json/1.3/getTags", content=b"{}")
    assert response.status_code == 500
    assert response.json()["status_code"] == 500
    assert "boom" not in response.text
    assert "Traceback" not in response.text


async def test_shutdown_is_not_blocked_by_a_held_request(fake: FakePushwoosh) -> None:
    """Leaving running() closes promptly even while a request is held open; it then fails."""
    fake.inject(Fault.timeout())
    http = httpx.AsyncClient()
    try:
        async with running(fake) as base_url:
            pending = asyncio.ensure_future(
                http.post(base_url + "/json/1.3/getTags", content=b"{}")
            )
            for _ in range(500):  # until the server has the request
                if fake.calls:
                    break
                await asyncio.sleep(0.01)
            started = time.monotonic()
        assert time.monotonic() - started < 2
        with pytest.raises(httpx.TransportError):
            await pending
    finally:
        await http.aclose()


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_command_line_server() -> None:
    """`python -m pushwoosh_async.testing serve` answers calls and exits cleanly on SIGTERM."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "pushwoosh_async.testing",
        "serve",
        "--port",
        str(port),
        "--api-token",
        API_TOKEN,
        "--device-token",
        DEVICE_TOKEN,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start listening"
                time.sleep(0.05)
        body = {"request": {"application": APPLICATION, "hwid": "hw-1", "device_type": 3}}
        response = httpx.post(
            f"http://127.0.0.1:{port}/json/1.3/registerDevice",
            json=body,
            headers={"Authorization": f"Token {DEVICE_TOKEN}"},
            timeout=5,
        )
        assert response.status_code == 200
        assert response.json()["status_code"] == 200
        process.terminate()
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        assert f"127.0.0.1:{port}" in out.decode()
        assert b"Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=5)


@pytest.mark.parametrize(
    ("flags", "limited"),
    [([], True), (["--no-rate-limit"], False)],
    ids=["default-601st-refused", "no-rate-limit-601st-accepted"],
)
async def test_serve_can_lift_the_create_message_limit(flags: list[str], limited: bool) -> None:
    """--no-rate-limit lets a load test send more than 600 createMessage calls a minute."""
    args = build_parser().parse_args(["serve", "--api-token", API_TOKEN, *flags])
    fake = build_fake(args)
    body = {
        "request": {
            "auth": API_TOKEN,
            "application": APPLICATION,
            "notifications": [{"content": "x", "devices": ["h"]}],
        }
    }
    async with raw_client(fake) as raw:
        statuses = [
            (await raw.post("/json/1.3/createMessage", json=body)).status_code for _ in range(601)
        ]
    assert statuses[:600] == [200] * 600
    assert statuses[600] == (429 if limited else 200)
