"""Campaign commands: createCampaign, getCampaigns (cursor pages), deleteCampaign."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command
from pushwoosh_async.commands.campaigns import (
    Campaign,
    CampaignsPage,
    CreateCampaign,
    CreatedCampaign,
    DeleteCampaign,
    GetCampaigns,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, send, v13_server
from tests.support import APPLICATION, ok

PAGE = {
    "campaigns": [{"code": "7CFF3-63A7B", "name": "Spring sale", "description": "April"}],
    "limit": 1,
    "cursor": "7CFF3-63A7B",
}

CASES = [
    WireCase(
        "createCampaign",
        CreateCampaign(name="Spring sale", description="April"),
        **v13_server(
            "createCampaign",
            {"application": APPLICATION, "name": "Spring sale", "description": "April"},
        ),
        reply=ok({"campaign": "AAAAA-00000"}),
        result=CreatedCampaign(campaign="AAAAA-00000"),
    ),
    WireCase(
        "getCampaigns-cursor-and-limit",
        GetCampaigns(cursor="C284C-33DD3", limit=1),
        **v13_server(
            "getCampaigns", {"application": APPLICATION, "cursor": "C284C-33DD3", "limit": 1}
        ),
        reply=ok(PAGE),
        result=CampaignsPage(
            campaigns=(Campaign(code="7CFF3-63A7B", name="Spring sale", description="April"),),
            limit=1,
            cursor="7CFF3-63A7B",
        ),
    ),
    WireCase(
        "deleteCampaign",
        DeleteCampaign(campaign="AAAAA-00000"),
        **v13_server("deleteCampaign", {"campaign": "AAAAA-00000"}),
        reply=ok(),
        result=Ack(),
    ),
]


def test_create_campaign_is_not_retried() -> None:
    """A lost createCampaign reply is not retried: it could create the campaign twice."""
    assert CreateCampaign.idempotent is False


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(CreateCampaign, id="createCampaign-name"),
        pytest.param(DeleteCampaign, id="deleteCampaign-campaign"),
    ],
)
def test_empty_names_and_codes_are_refused(make: type[Command[Any]]) -> None:
    """An empty campaign name (create) or campaign code (delete) is refused."""
    key = "name" if make is CreateCampaign else "campaign"
    with pytest.raises(ValidationError):
        make(**{key: ""})


def test_a_limit_below_one_is_refused() -> None:
    """getCampaigns' limit caps a page: zero or less is refused."""
    with pytest.raises(ValidationError, match="limit"):
        GetCampaigns(limit=0)


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(CreateCampaign(name="n"), {}, id="createCampaign-without-campaign"),
        pytest.param(CreateCampaign(name="n"), {"campaign": ""}, id="createCampaign-empty-code"),
        pytest.param(GetCampaigns(), {"cursor": "x"}, id="getCampaigns-without-campaigns"),
        pytest.param(GetCampaigns(), {"campaigns": [{"name": "n"}]}, id="campaign-without-code"),
    ],
)
async def test_a_reply_without_its_required_keys_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, command: Command[Any], reply: Any
) -> None:
    """A reply lacking what the docs always show is a DecodeError, not an empty result."""
    with pytest.raises(DecodeError):
        await send(pw, router, command, ok(reply))


async def test_paginate_follows_the_cursor_until_the_last_page(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """pw.paginate(GetCampaigns()) sends the previous page's cursor and stops at an empty one."""
    pages = [
        ok({"campaigns": [{"code": "A"}, {"code": "B"}], "limit": 2, "cursor": "B"}),
        ok({"campaigns": [{"code": "C"}], "limit": 2, "cursor": ""}),
    ]
    route = router.route().mock(side_effect=[httpx.Response(200, json=p) for p in pages])
    codes = [campaign.code async for campaign in pw.paginate(GetCampaigns(limit=2))]
    assert codes == ["A", "B", "C"]
    sent = [call.request.content for call in route.calls]
    assert b'"cursor"' not in sent[0]
    assert b'"cursor":"B"' in sent[1].replace(b" ", b"")
