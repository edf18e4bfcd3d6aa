"""API families as data: hosts, body wrapping, token placement, placeholders and GET queries."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import attrs
import httpx
import pytest

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands import Ack, Command, TokenKind
from pushwoosh_async.errors import ValidationError


@attrs.frozen(kw_only=True)
class JobStatus(Command[Ack]):
    path = "/api/v2/audience/bulkSetTags/{request_id}"
    http_method = "GET"
    token = TokenKind.SERVER
    result_type = Ack
    method = "bulkSetTags status"

    request_id: str
    verbose: bool | None = None


@attrs.frozen(kw_only=True)
class Notify(Command[Ack]):
    path = "/messaging/v2/notify"
    token = TokenKind.SERVER
    result_type = Ack

    message: str


@attrs.frozen(kw_only=True)
class StartJourney(Command[Ack]):
    path = "/api/journey/{id}/start/external"
    token = TokenKind.SERVER
    result_type = Ack

    id: str
    users: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ListMessages(Command[Ack]):
    path = "/api/v2/messages:list"
    token = TokenKind.SERVER
    result_type = Ack

    page: int = 1


@attrs.frozen(kw_only=True)
class DeleteUser(Command[Ack]):
    path = "/api/v2/device-api/deleteUser"
    token = TokenKind.DEVICE
    result_type = Ack

    user_id: str


def send(command: Command[Any], **client: Any) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async def main() -> None:
        async with PushwooshClient(
            "SRV",
            device_token="DEV",
            transport=httpx.MockTransport(handler),
            retry=RetryPolicy.off(),
            **client,
        ) as pw:
            await pw(command)

    asyncio.run(main())
    (request,) = seen
    return request


@pytest.mark.parametrize(
    ("command", "url", "authorization", "body"),
    [
        (
            JobStatus(request_id="a b/c", verbose=True),
            "https://api.pushwoosh.com/api/v2/audience/bulkSetTags/a%20b%2Fc?verbose=true",
            "Token SRV",
            b"",
        ),
        (
            Notify(message="m"),
            "https://api.pushwoosh.com/messaging/v2/notify",
            "Token SRV",
            {"message": "m"},
        ),
        (
            StartJourney(id="J1", users=("u1",)),
            "https://journey.pushwoosh.com/api/journey/J1/start/external",
            "Api SRV",
            {"users": ["u1"]},
        ),
        (
            ListMessages(page=2),
            "https://api.pushwoosh.com/api/v2/messages:list",
            "Token SRV",
            {"request": {"page": 2}},
        ),
        (
            DeleteUser(user_id="u1"),
            "https://api.pushwoosh.com/api/v2/device-api/deleteUser",
            "Token DEV",
            {"user_id": "u1"},
        ),
    ],
    ids=["get-with-placeholder", "messaging-v2", "journey", "statistics-v2", "device-api-v2"],
)
def test_family_wire_shape(command: Command[Any], url: str, authorization: str, body: Any) -> None:
    """Each family puts host, path, token and body where its documentation says."""
    request = send(command)
    assert str(request.url) == url
    assert request.headers["authorization"] == authorization
    if body == b"":
        assert request.content == b""
    else:
        assert json.loads(request.content) == body
        assert "auth" not in json.loads(request.content)


def test_custom_base_url_also_serves_journeys() -> None:
    """With a custom base URL (a fake), journey calls never go to the production host."""
    request = send(StartJourney(id="J1"), base_url="http://127.0.0.1:9")
    assert str(request.url) == "http://127.0.0.1:9/api/journey/J1/start/external"


def test_journey_host_can_be_set() -> None:
    """journey_base_url moves only the journey family."""
    request = send(StartJourney(id="J1"), journey_base_url="https://journey.example")
    assert str(request.url) == "https://journey.example/api/journey/J1/start/external"


def test_empty_placeholder_is_refused_before_sending() -> None:
    """A path placeholder without a value raises ValidationError; nothing is sent."""
    with pytest.raises(ValidationError, match="request_id"):
        send(JobStatus(request_id=""))


def test_method_follows_the_catalogue() -> None:
    """A command's catalogue name is its path's last segment unless it declares one."""
    assert JobStatus.method == "bulkSetTags status"
    assert Notify.method == "notify"
    assert ListMessages.method == "messages:list"
