"""Campaign commands (names only in the catalogue: parameters unconfirmed)."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command
from pushwoosh_async.commands.campaigns import Campaign, CreateCampaign, DeleteCampaign, GetCampaign
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import (  # the shared helpers
    APP,
    ok,
    send,
    v13_server,
)


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
