"""Proxies for the default (aiohttp) sender: from the environment by default, read once, and
never handed the token in clear or shown with their credentials.

The proxy is real (tests/loopback_proxy.py, on loopback): a plain-http call to the fake crosses
it as a forwarded request; an https call to api.pushwoosh.com crosses it as a CONNECT tunnel,
whose first bytes (TLS) are all the proxy gets to see.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator

import httpx
import pytest

from pushwoosh_async import GetTags, PushwooshClient, RetryPolicy
from pushwoosh_async.commands.journeys import JourneygatewayStart
from pushwoosh_async.errors import APIError, ConfigurationError, TransportError
from pushwoosh_async.settings import resolve_proxies
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.server import running
from tests.loopback_proxy import LoopbackProxy, serving
from tests.support import API, API_TOKEN, APPLICATION, DEVICE_TOKEN, JOURNEY

PASSWORD = "s3cret-proxy-pass"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variable from the machine running the tests leaks into them."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)


@pytest.fixture
async def proxy() -> AsyncIterator[LoopbackProxy]:
    async with serving(LoopbackProxy()) as running_proxy:
        yield running_proxy


@pytest.fixture
async def url(fake: FakePushwoosh) -> AsyncIterator[str]:
    """``fake`` served over real HTTP on loopback; its base URL."""
    fake.add_device("hwid-1", tags={"Plan": "pro"})
    async with running(fake) as base_url:
        yield base_url


def client(base_url: str = API, **options: object) -> PushwooshClient:
    options.setdefault("retry", RetryPolicy.off())
    return PushwooshClient(
        API_TOKEN,
        device_token=DEVICE_TOKEN,
        application=APPLICATION,
        base_url=base_url,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
async def test_a_proxy_variable_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackProxy, url: str, variable: str
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    async with client(url) as pw:
        result = await pw(GetTags(hwid="hwid-1"))
    assert result.values == {"Plan": "pro"}
    assert proxy.request_lines == [f"POST {url}/json/1.3/getTags HTTP/1.1"]


async def test_no_proxy_sends_direct(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackProxy, url: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "example.com, 127.0.0.1")
    async with client(url) as pw:
        assert (await pw(GetTags(hwid="hwid-1"))).values == {"Plan": "pro"}
    assert proxy.heads == []


async def test_trust_env_false_ignores_the_environment(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackProxy, url: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    async with client(url, trust_env=False) as pw:
        assert (await pw(GetTags(hwid="hwid-1"))).values == {"Plan": "pro"}
    assert proxy.heads == []


async def test_proxy_argument_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackProxy, url: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # discard port: would fail
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # not read either: proxy= is for every host
    async with client(url, proxy=proxy.url) as pw:
        assert (await pw(GetTags(hwid="hwid-1"))).values == {"Plan": "pro"}
    assert len(proxy.heads) == 1


async def test_the_environment_is_read_once_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackProxy, url: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    pw = client(url)
    monkeypatch.delenv("HTTP_PROXY")
    async with pw:
        await pw(GetTags(hwid="hwid-1"))
        await pw(GetTags(hwid="hwid-1"))
    assert len(proxy.heads) == 2


async def test_https_goes_through_a_connect_tunnel_and_the_token_stays_inside(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackProxy
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    async with client() as pw:
        with pytest.raises(TransportError):  # the test proxy closes the tunnel after the hello
            await pw(GetTags(hwid="hwid-1"))
        with pytest.raises(TransportError):
            await pw(JourneygatewayStart(uuid="journey-1"))
    assert proxy.request_lines == [
        "CONNECT api.pushwoosh.com:443 HTTP/1.1",
        "CONNECT journey.pushwoosh.com:443 HTTP/1.1",
    ]
    assert all(hello[:1] == b"\x16" for hello in proxy.tunnelled)  # a TLS handshake record
    for secret in (API_TOKEN, DEVICE_TOKEN, "hwid-1", "getTags"):
        assert secret.encode() not in proxy.received()


async def test_proxy_credentials_are_sent_to_the_proxy(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    async with serving(LoopbackProxy(password=PASSWORD)) as guarded:
        monkeypatch.setenv("HTTP_PROXY", guarded.url.replace("//", f"//user:{PASSWORD}@"))
        async with client(url) as pw:
            assert (await pw(GetTags(hwid="hwid-1"))).values == {"Plan": "pro"}
    assert len(guarded.heads) == 1


def _everything_said_about(error: BaseException) -> str:
    """The error's text and repr, and those of every exception chained to it."""
    parts = []
    current: BaseException | None = error
    while current is not None:
        parts += [str(current), repr(current), repr(current.args)]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


async def test_proxy_credentials_never_appear_in_errors_or_reprs(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    async with serving(LoopbackProxy(password="other")) as guarded:
        wrong = guarded.url.replace("//", f"//user:{PASSWORD}@")
        async with client(url, proxy=wrong) as pw:
            with pytest.raises(APIError) as refused:  # the proxy's 407 to a plain-http request
                await pw(GetTags(hwid="hwid-1"))
            assert PASSWORD not in repr(pw) + repr(pw._sender)
        monkeypatch.setenv("HTTPS_PROXY", wrong)
        async with client() as pw:
            with pytest.raises(TransportError) as tunnel_refused:  # a 407 to CONNECT
                await pw(GetTags(hwid="hwid-1"))
    assert refused.value.http_status == 407
    assert "407" in str(tunnel_refused.value)
    dead = f"http://user:{PASSWORD}@127.0.0.1:9"
    async with client(url, proxy=dead) as pw:
        with pytest.raises(TransportError) as unreachable:
            await pw(GetTags(hwid="hwid-1"))
        assert "***@127.0.0.1:9" in repr(pw._sender)
    with pytest.raises(ConfigurationError) as unsupported:
        client(proxy=f"socks5://user:{PASSWORD}@127.0.0.1:1080")
    basic = base64.b64encode(f"user:{PASSWORD}".encode()).decode()
    for error in (refused.value, tunnel_refused.value, unreachable.value, unsupported.value):
        assert PASSWORD not in _everything_said_about(error)
        assert basic not in _everything_said_about(error)
    assert "socks5://***@127.0.0.1:1080" in str(unsupported.value)


def test_the_resolution_follows_the_usual_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolved() -> dict[str, str]:
        return resolve_proxies([API, JOURNEY], proxy=None, trust_env=True)

    monkeypatch.setenv("HTTPS_PROXY", "proxy.internal:3128")  # no scheme: http://
    assert resolved() == {API: "http://proxy.internal:3128", JOURNEY: "http://proxy.internal:3128"}
    monkeypatch.setenv("https_proxy", "http://lower:3128")  # lower case wins
    assert set(resolved().values()) == {"http://lower:3128"}
    monkeypatch.delenv("https_proxy")
    for no_proxy, exempt in [
        ("api.pushwoosh.com", {API}),
        ("api.pushwoosh.com:443", {API}),
        ("api.pushwoosh.com:8443", set()),
        (".pushwoosh.com", {API, JOURNEY}),
        ("pushwoosh.com", {API, JOURNEY}),
        ("shwoosh.com, example.org", set()),
        ("*", {API, JOURNEY}),
    ]:
        monkeypatch.setenv("no_proxy", no_proxy)
        assert set(resolved()) == {API, JOURNEY} - exempt, no_proxy
    assert resolve_proxies([API], proxy=None, trust_env=False) == {}


def test_http_proxy_is_ignored_under_cgi(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpoxy: a CGI request's ``Proxy:`` header arrives as HTTP_PROXY; it must not be used."""
    monkeypatch.setenv("HTTP_PROXY", "http://attacker:3128")
    monkeypatch.setenv("REQUEST_METHOD", "POST")
    assert resolve_proxies(["http://127.0.0.1:8080"], proxy=None, trust_env=True) == {}


@pytest.mark.parametrize("given", ["transport", "sender"])
def test_proxy_with_a_transport_or_sender_is_refused(given: str) -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200))
    options: dict[str, object] = {"transport": transport}
    if given == "sender":
        from pushwoosh_async.senders import HttpxSender  # noqa: PLC0415

        options = {"sender": HttpxSender(transport)}
    with pytest.raises(ConfigurationError, match="proxy="):
        client(proxy="http://127.0.0.1:3128", **options)


async def test_a_transport_ignores_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """With transport= (MockTransport, the fake, respx) the environment changes nothing."""
    monkeypatch.setenv("HTTPS_PROXY", "socks5://unsupported:1080")  # refused if it were read
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status_code": 200, "response": {"result": {}}})

    async with client(transport=httpx.MockTransport(handler)) as pw:
        await pw(GetTags(hwid="hwid-1"))
    assert [request.url.host for request in seen] == ["api.pushwoosh.com"]
    with pytest.raises(ConfigurationError, match="environment's proxy for https://api"):
        client()  # the default sender does read it
