"""API families: one test-only command per family row, and the wire shape each must take.

Each family differs in host, body wrapping, where the server and device tokens go (on a body and
on a GET), and how path placeholders and GET queries are filled. The commands below exist only
here, so these cases check the family rules themselves, whatever the library's commands do;
every expectation is written out from the API's documentation (see ``wire.py``).
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import httpx
import pytest
import respx

from pushwoosh_async import RetryPolicy
from pushwoosh_async.commands import Ack, Command, TokenKind
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (
    WireCase,
    audience_v2,
    device_v2,
    journey,
    messaging_v2,
    send,
    server_get,
    statistics_v2,
    v13_device,
    v13_server,
)
from tests.support import JOURNEY, mock_client, ok

SERVER, DEVICE = TokenKind.SERVER, TokenKind.DEVICE


@attrs.frozen(kw_only=True)
class Note(Command[Ack]):
    """The base of the POST probes: no path of its own (so no method), one ``note`` field."""

    note: str


@attrs.frozen(kw_only=True)
class Ident(Command[Ack]):
    """The base of the GET probes: one ``id`` field, for the path placeholder ``{id}``."""

    http_method = "GET"

    id: str


def probe(base: type[Command[Ack]], path: str, token: TokenKind, **fields: Any) -> Command[Ack]:
    """An instance of a new test-only command class: ``base`` on ``path``, sent with ``token``."""
    name = "Probe" + re.sub(r"\W", "_", path)
    command_type = type(name, (base,), {"path": path, "token": token, "__module__": __name__})
    command: Command[Ack] = command_type(**fields)
    return command


class Notify(Note):
    path = "/messaging/v2/notify"
    token = SERVER


class ListMessages(Note):
    path = "/api/v2/messages:list"
    token = SERVER


@attrs.frozen(kw_only=True)
class JobStatus(Command[Ack]):
    """A GET with a path placeholder and an optional query parameter."""

    path = "/api/v2/audience/bulkSetTags/{request_id}"
    http_method = "GET"
    token = SERVER
    method = "bulkSetTags status"

    request_id: str
    verbose: bool | None = None


@attrs.frozen(kw_only=True)
class StartJourney(Command[Ack]):
    path = "/api/journey/{id}/start/external"
    token = SERVER

    id: str
    users: tuple[str, ...] = ()


def case(case_id: str, command: Command[Ack], shape: dict[str, Any], reply: Any) -> WireCase:
    """A family case: ``command`` must take ``shape``; the reply (any of these) gives ``Ack()``."""
    return WireCase(case_id, command, **shape, reply=reply, result=Ack())


N = {"note": "n"}
"""The body fields of every ``Note`` probe."""

CASES = [
    # v1.3: wrapped body; the server token as the body's auth, the device token in a header.
    case(
        "v13-server-token-in-body",
        probe(Note, "/json/1.3/familyServer", SERVER, note="n"),
        v13_server("familyServer", N),
        ok(),
    ),
    case(
        "v13-device-token-in-header",
        probe(Note, "/json/1.3/familyDevice", DEVICE, note="n"),
        v13_device("familyDevice", N),
        ok(),
    ),
    # A GET has no body: the server token of a body-token family goes in a Token header.
    case(
        "v13-get",
        probe(Ident, "/json/1.3/familyGet/{id}", SERVER, id="X-1"),
        server_get("/json/1.3/familyGet/X-1"),
        ok(),
    ),
    # Audience v2: bare body with auth; on a GET the placeholder is quoted, the rest is a query.
    case(
        "audience-v2-token-in-body",
        probe(Note, "/api/v2/audience/familyPost", SERVER, note="n"),
        audience_v2("familyPost", N),
        {},
    ),
    case(
        "audience-v2-get-with-placeholder",
        JobStatus(request_id="a b/c", verbose=True),
        server_get("/api/v2/audience/bulkSetTags/a%20b%2Fc?verbose=true"),
        {},
    ),
    case(
        "device-api-v2",
        probe(Note, "/api/v2/device-api/deleteUser", DEVICE, note="n"),
        device_v2("deleteUser", N),
        {},
    ),
    # Statistics v2 (both prefixes): wrapped body, server token in a Token header.
    case(
        "statistics-v2-messages-list",
        ListMessages(note="n"),
        statistics_v2("/api/v2/messages:list", N),
        {},
    ),
    case(
        "statistics-v2-statistics",
        probe(Note, "/api/v2/statistics/familyStats", SERVER, note="n"),
        statistics_v2("/api/v2/statistics/familyStats", N),
        {},
    ),
    case("messaging-v2", Notify(note="n"), messaging_v2("notify", N), {}),
    # Customer journey (both prefixes): the journey host, bare body, "Api" header, also on a GET.
    case(
        "journeygateway",
        probe(Note, "/api/v3/journeygateway/familyPost", SERVER, note="n"),
        journey("POST", "/api/v3/journeygateway/familyPost", N),
        {},
    ),
    case(
        "journey",
        StartJourney(id="J1", users=("u1",)),
        journey("POST", "/api/journey/J1/start/external", {"users": ["u1"]}),
        {},
    ),
    case(
        "journey-get",
        probe(Ident, "/api/journey/{id}/familyGet", SERVER, id="J1"),
        journey("GET", "/api/journey/J1/familyGet", None),
        {},
    ),
]


@pytest.mark.parametrize(
    ("options", "url"),
    [
        pytest.param(
            {"base_url": "http://127.0.0.1:9"},
            "http://127.0.0.1:9/api/journey/J1/start/external",
            id="custom-base-url-also-serves-journeys",
        ),
        pytest.param(
            {"journey_base_url": "https://journey.example"},
            "https://journey.example/api/journey/J1/start/external",
            id="journey-host-can-be-set",
        ),
        pytest.param(
            {"base_url": "http://127.0.0.1:9", "journey_base_url": "https://journey.example"},
            "https://journey.example/api/journey/J1/start/external",
            id="journey-host-wins-over-base-url",
        ),
    ],
)
async def test_journey_host_follows_the_client(
    router: respx.Router, options: dict[str, str], url: str
) -> None:
    """A custom base URL (a fake) also serves journeys; journey_base_url moves only journeys."""
    async with mock_client(router.async_handler, retry=RetryPolicy.off(), **options) as pw:
        request, _ = await send(pw, router, StartJourney(id="J1"), reply={})
    assert str(request.url) == url


async def test_journey_base_url_leaves_the_main_host_alone(router: respx.Router) -> None:
    """journey_base_url moves only the journey family: other calls stay on the API host."""
    options = {"journey_base_url": "https://journey.example"}
    async with mock_client(router.async_handler, retry=RetryPolicy.off(), **options) as pw:
        request, _ = await send(pw, router, Notify(note="m"), reply={})
    assert str(request.url) == "https://api.pushwoosh.com/messaging/v2/notify"
    assert not str(request.url).startswith(JOURNEY)


async def test_empty_placeholder_is_refused_before_sending(router: respx.Router) -> None:
    """A path placeholder without a value raises ValidationError; nothing is sent."""
    route = router.route().mock(return_value=httpx.Response(200, json={}))
    async with mock_client(router.async_handler, retry=RetryPolicy.off()) as pw:
        with pytest.raises(ValidationError, match="request_id"):
            await pw(JobStatus(request_id=""))
    assert route.call_count == 0


def test_method_follows_the_catalogue() -> None:
    """A command's catalogue name is its path's last segment unless it declares one."""
    assert JobStatus.method == "bulkSetTags status"
    assert Notify.method == "notify"
    assert ListMessages.method == "messages:list"
