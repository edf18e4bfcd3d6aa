"""Campaign commands (names only in the catalogue: parameters unconfirmed)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.campaigns import Campaign, CreateCampaign, DeleteCampaign, GetCampaign
from pushwoosh_async.errors import ValidationError

API = "https://api.pushwoosh.com"
JOURNEY = "https://journey.pushwoosh.com"
TOKEN = "SERVER_API_TOKEN"
DEVICE_TOKEN = "DEVICE_API_TOKEN"
APP = "ABCDE-12345"


@pytest.fixture
def router() -> respx.Router:
    """No base URL: these tests assert the full URL, host included."""
    return respx.Router(assert_all_called=False)


async def send(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any = None
) -> tuple[httpx.Request, Any]:
    """Send ``command`` against ``reply`` (default: an OK v1.3 envelope with no data)."""
    if reply is None:
        reply = {"status_code": 200, "status_message": "OK", "response": None}
    router.clear()
    route = router.route().mock(return_value=httpx.Response(200, json=reply))
    result = await pw(command)
    assert route.call_count == 1
    return route.calls.last.request, result


def ok(response: Any) -> dict[str, Any]:
    return {"status_code": 200, "status_message": "OK", "response": response}


def v13_server(request: httpx.Request, method: str, fields: dict[str, Any]) -> None:
    """POST /json/1.3/<method>, {"request": {...}} with the server token as auth, no header."""
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"request": {**fields, "auth": TOKEN}}


async def test_create_campaign(pw: PushwooshClient, router: respx.Router) -> None:
    command = CreateCampaign(name="Spring sale", description="April", extra={"color": "red"})
    request, result = await send(pw, router, command, ok({"campaign": "AAAAA-00000"}))
    v13_server(
        request,
        "createCampaign",
        {"application": APP, "name": "Spring sale", "description": "April", "color": "red"},
    )
    assert result == Campaign(campaign="AAAAA-00000")
    assert CreateCampaign.idempotent is False


async def test_get_campaign_keeps_unknown_keys(pw: PushwooshClient, router: respx.Router) -> None:
    reply = ok({"campaign": "AAAAA-00000", "name": "Spring sale", "created": "2025-05-01"})
    request, result = await send(pw, router, GetCampaign(campaign="AAAAA-00000"), reply)
    v13_server(request, "getCampaign", {"campaign": "AAAAA-00000"})
    assert result == Campaign(
        campaign="AAAAA-00000", name="Spring sale", extra={"created": "2025-05-01"}
    )


async def test_get_campaign_non_object_reply(pw: PushwooshClient, router: respx.Router) -> None:
    _, result = await send(pw, router, GetCampaign(campaign="C"), ok(["C"]))
    assert result == Campaign(extra={"response": ["C"]})


async def test_delete_campaign(pw: PushwooshClient, router: respx.Router) -> None:
    request, _ = await send(pw, router, DeleteCampaign(campaign="AAAAA-00000"))
    v13_server(request, "deleteCampaign", {"campaign": "AAAAA-00000"})


@pytest.mark.parametrize("make", [CreateCampaign, GetCampaign, DeleteCampaign])
def test_empty_names_and_codes_are_refused(make: type[Command[Any]]) -> None:
    key = "name" if make is CreateCampaign else "campaign"
    with pytest.raises(ValidationError):
        make(**{key: ""})
