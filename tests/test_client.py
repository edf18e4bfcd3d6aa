"""The session object: lifecycle, configuration, redaction, logging and user steps."""

from __future__ import annotations

import json
import logging
import pickle
import re
from typing import Any

import httpx
import pytest

from pushwoosh_async import (
    CreateMessage,
    GetTags,
    Notification,
    PushwooshClient,
    RetryPolicy,
)
from pushwoosh_async.errors import (
    APIError,
    ArgumentError,
    ClientClosedError,
    ConfigurationError,
    ServerError,
)
from pushwoosh_async.pipeline import Call, Next, Reply
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, mock_client, ok, refused

OK = ok({"Messages": ["AAAA-BBBB"]})


def ok_handler(request: httpx.Request) -> httpx.Response:
    """Answer every request with a createMessage success (code AAAA-BBBB)."""
    return httpx.Response(200, json=OK)


def message() -> CreateMessage:
    """A createMessage to one device."""
    return CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])])


async def test_send_returns_typed_result() -> None:
    """`await client(command)` returns the command's result type with the decoded codes."""
    async with mock_client(ok_handler) as pw:
        result = await pw(message())
    assert result.message_codes == ("AAAA-BBBB",)
    assert result.unknown_devices == {}


async def test_closed_client_refuses_calls() -> None:
    """A closed client raises ClientClosedError, both on call and on re-entry."""
    pw = mock_client(ok_handler)
    async with pw:
        pass
    assert pw.closed
    with pytest.raises(ClientClosedError):
        await pw(message())
    with pytest.raises(ClientClosedError):
        async with pw:
            pass


async def test_aclose_is_idempotent() -> None:
    """aclose() may be called any number of times."""
    pw = mock_client(ok_handler)
    await pw.aclose()
    await pw.aclose()
    assert pw.closed


@pytest.mark.parametrize(
    "base_url",
    [
        "http://api.pushwoosh.com",
        "http://10.0.0.5:8080",
        "ftp://api.pushwoosh.com",
        "api.pushwoosh.com",
    ],
)
def test_plain_http_refused_off_loopback(base_url: str) -> None:
    """A token must never travel in clear text: http:// is only for loopback."""
    with pytest.raises(ConfigurationError):
        PushwooshClient(API_TOKEN, base_url=base_url)


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8080", "http://localhost:9000/", "http://[::1]:8080", "https://x.example"],
)
async def test_loopback_and_https_accepted(base_url: str) -> None:
    """Loopback http (the fake server) and any https URL are accepted."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=OK)

    async with mock_client(handler, base_url=base_url) as pw:
        await pw(message())
    assert seen == [base_url.rstrip("/") + "/json/1.3/createMessage"]


def test_no_token_at_all_is_a_configuration_error() -> None:
    """A client without any token cannot call anything and says so up front."""
    with pytest.raises(ConfigurationError):
        PushwooshClient()


def test_transport_and_sender_are_exclusive() -> None:
    """transport= and sender= both name the terminal step: only one may be given."""

    class Sender:
        async def __call__(self, call: Call, /) -> Reply:
            return Reply(200)

        async def aclose(self) -> None:
            pass

    with pytest.raises(ConfigurationError):
        PushwooshClient(API_TOKEN, transport=httpx.MockTransport(ok_handler), sender=Sender())


async def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """from_env reads the four PUSHWOOSH_* variables; keyword arguments win."""
    monkeypatch.setenv("PUSHWOOSH_API_TOKEN", API_TOKEN)
    monkeypatch.setenv("PUSHWOOSH_APPLICATION", "ENV00-00000")
    monkeypatch.setenv("PUSHWOOSH_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("PUSHWOOSH_DEVICE_TOKEN", raising=False)
    urls: list[str] = []
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        bodies.append(json.loads(request.content)["request"])
        return httpx.Response(200, json=OK)

    async with PushwooshClient.from_env(transport=httpx.MockTransport(handler)) as pw:
        await pw(message())
        with pytest.raises(ConfigurationError, match="device token"):
            await pw(GetTags(hwid="h"))
    assert urls == ["http://127.0.0.1:9/json/1.3/createMessage"], "the getTags was not sent"
    assert bodies[0]["auth"] == API_TOKEN
    assert bodies[0]["application"] == "ENV00-00000"


async def test_token_never_in_repr_str_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    """Neither token appears in any repr, str, log record or exception the library emits."""
    caplog.set_level(logging.DEBUG, logger="pushwoosh_async")
    replies = iter(
        [
            httpx.Response(200, json=refused(210, "Bad")),
            httpx.Response(500, text="<html>oops</html>"),
            httpx.Response(200, json=OK),
        ]
    )
    emitted: list[str] = []
    async with mock_client(lambda _: next(replies), retry=RetryPolicy.off()) as pw:
        emitted.append(repr(pw))
        for _ in range(2):
            with pytest.raises(APIError) as caught:
                await pw(message())
            error = caught.value
            emitted += [str(error), repr(error), repr(error.args), repr(pickle.dumps(error))]
        result = await pw(message())
        emitted += [repr(result), str(result)]

    async def spy(call: Call, next_: Next) -> Reply:
        emitted.append(repr(call))
        reply = await next_(call)
        emitted.append(repr(reply))
        return reply

    async with mock_client(ok_handler, steps=[spy]) as pw:
        await pw(message())

    class Sender:
        """The terminal step: it sees every call authenticated, the tokens inside."""

        def __init__(self) -> None:
            self.seen: list[Call] = []

        async def __call__(self, call: Call, /) -> Reply:
            self.seen.append(call)
            emitted.append(repr(call))
            data: dict[str, Any] = {"result": {}}
            if call.method == "createMessage":
                data = {"Messages": ["AAAA-BBBB"]}
            headers = {"Content-Type": "application/json"}
            return Reply(200, headers=headers, body=json.dumps(ok(data)).encode())

        async def aclose(self) -> None:
            pass

    sender = Sender()
    async with PushwooshClient(
        API_TOKEN, device_token=DEVICE_TOKEN, application=APPLICATION, sender=sender
    ) as pw:
        await pw(message())
        await pw(GetTags(hwid="hwid-1"))
    # Those calls held both tokens, so their reprs are a real test of the redaction.
    assert sender.seen[0].body_token == API_TOKEN
    assert sender.seen[1].headers["Authorization"] == f"Token {DEVICE_TOKEN}"

    emitted += [record.getMessage() for record in caplog.records]
    everything = "\n".join(emitted)
    assert "createMessage" in everything  # the search covers real output
    assert API_TOKEN not in everything
    assert DEVICE_TOKEN not in everything


async def test_one_log_line_per_attempt(caplog: pytest.LogCaptureFixture) -> None:
    """Each attempt logs method, outcome, elapsed time and attempt number."""
    caplog.set_level(logging.DEBUG, logger="pushwoosh_async")
    replies = iter([httpx.Response(503, text="busy"), httpx.Response(200, json=OK)])
    policy = RetryPolicy(initial_delay=0, jitter=0)
    async with mock_client(lambda _: next(replies), retry=policy) as pw:
        await pw(message())
    lines = [r.getMessage() for r in caplog.records if "attempt=" in r.getMessage()]
    assert len(lines) == 2
    assert lines[0].startswith("createMessage status 503 ")
    assert lines[0].endswith("attempt=1")
    assert lines[1].startswith("createMessage HTTP 200 ")
    assert lines[1].endswith("attempt=2")
    assert "ms" in lines[1]


async def test_user_step_wraps_each_call_once() -> None:
    """A user step sees the call before authentication and the final outcome after retries."""
    seen: list[tuple[str, Any]] = []

    async def metrics(call: Call, next_: Next) -> Reply:
        seen.append(("call", dict(call.payload).get("auth")))
        try:
            reply = await next_(call)
        except ServerError:
            seen.append(("error", None))
            raise
        seen.append(("reply", reply.http_status))
        return reply

    replies = iter([httpx.Response(500, json={}), httpx.Response(200, json=OK)])
    policy = RetryPolicy(initial_delay=0, jitter=0)
    async with mock_client(lambda _: next(replies), steps=[metrics], retry=policy) as pw:
        await pw(message())
    assert seen == [("call", None), ("reply", 200)]


async def test_user_step_can_short_circuit() -> None:
    """A step may answer without calling the rest of the pipeline (a cache, a dry run)."""

    async def dry_run(call: Call, next_: Next) -> Reply:
        return Reply(200, data={"Messages": ["DRY-RUN"]})

    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=OK)

    async with mock_client(record, steps=[dry_run]) as pw:
        result = await pw(message())
    assert result.message_codes == ("DRY-RUN",)
    assert sent == [], "no request may leave"


async def test_validation_happens_before_any_request() -> None:
    """A command the client cannot address (no application anywhere) sends nothing."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json=OK)

    async with mock_client(handler, application=None) as pw:
        with pytest.raises(ValueError, match="application"):
            await pw(message())
    assert calls == []


async def test_api_errors_propagate_typed() -> None:
    """A 210 envelope raises ArgumentError carrying Pushwoosh's message."""
    reply = refused(210, "Application not found")
    async with mock_client(lambda _: httpx.Response(200, json=reply)) as pw:
        with pytest.raises(ArgumentError, match="Application not found"):
            await pw(message())


async def test_calls_built_authenticated_match_the_authenticate_step() -> None:
    """Without a step of yours the encoder authenticates the call: the same bytes leave."""

    async def passthrough(call: Call, next_: Next) -> Reply:
        return await next_(call)

    seen: dict[str, list[tuple[str, bytes, str | None]]] = {"fused": [], "step": []}
    tags = {"status_code": 200, "status_message": "OK", "response": {"result": {"a": 1}}}
    for name, steps in (("fused", []), ("step", [passthrough])):

        def record(request: httpx.Request, name: str = name) -> httpx.Response:
            auth = request.headers.get("Authorization")
            body = re.sub(rb'"transactionId":"[^"]+"', b"", request.content)  # a new UUID each
            seen[name].append((request.url.path, body, auth))
            return httpx.Response(200, json=OK if "Message" in request.url.path else tags)

        async with mock_client(record, steps=steps) as pw:
            await pw(message())
            await pw(GetTags(hwid="h"))
        async with mock_client(record, None, steps=steps) as pw:
            for _ in range(2):  # refused on every call, not only the first
                with pytest.raises(ConfigurationError, match="needs the server API token"):
                    await pw(message())
        async with mock_client(record, device_token=None, steps=steps) as pw:
            for _ in range(2):
                with pytest.raises(ConfigurationError, match="needs the device token"):
                    await pw(GetTags(hwid="h"))
    assert seen["fused"] == seen["step"]
    assert len(seen["fused"]) == 2
    assert API_TOKEN.encode() in seen["fused"][0][1]  # createMessage: the token in the body
    assert seen["fused"][1][2] == f"Token {DEVICE_TOKEN}"  # getTags: the device token header
