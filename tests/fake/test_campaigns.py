"""Campaigns against the fake: create, list page by page with the cursor, delete."""

from __future__ import annotations

import pytest

from pushwoosh_async.commands import CreateCampaign, DeleteCampaign, GetCampaigns
from pushwoosh_async.errors import ArgumentError
from tests.support import fake_account, fake_client


async def test_create_list_delete_list() -> None:
    """Created campaigns are listed oldest first across cursor pages; a deleted one is gone."""
    account = fake_account()
    async with fake_client(account) as pw:
        codes = [
            (await pw(CreateCampaign(name=f"c{n}", description="d"))).campaign for n in range(3)
        ]
        listed = [c async for c in pw.paginate(GetCampaigns(limit=2))]
        assert [(c.code, c.name, c.description) for c in listed] == [
            (code, f"c{n}", "d") for n, code in enumerate(codes)
        ]
        assert [c.body["request"].get("cursor") for c in account.calls_to("getCampaigns")] == [
            None,
            codes[1],
        ]
        await pw(DeleteCampaign(campaign=codes[0]))
        page = await pw(GetCampaigns())
        assert [c.code for c in page.campaigns] == codes[1:]
        assert page.cursor == ""
        with pytest.raises(ArgumentError, match="Campaign not found"):
            await pw(DeleteCampaign(campaign=codes[0]))


async def test_campaigns_belong_to_their_application() -> None:
    account = fake_account()
    account.state.applications.add("OTHER-00000")
    async with fake_client(account) as pw:
        await pw(CreateCampaign(name="mine"))
        await pw(CreateCampaign(name="theirs", application="OTHER-00000"))
        page = await pw(GetCampaigns())
        assert [c.name for c in page.campaigns] == ["mine"]
        with pytest.raises(ArgumentError, match="cursor"):
            await pw(GetCampaigns(cursor="unknown"))
