"""Campaigns: created per application, listed with a cursor, deleted by code."""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import CampaignRecord
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

PAGE_LIMIT: Final = 100
"""Campaigns per ``getCampaigns`` page when ``limit`` is not given (the documented reply's)."""


def create_campaign(call: Request) -> dict[str, Any]:
    """Create a campaign in the application; answers its code."""
    application = call.application()
    name = call.text("name")
    description = call.body.get("description")
    if description is not None and not isinstance(description, str):
        raise Refusal(210, 'Invalid "description"')
    code = call.codes()
    call.account.campaigns[code] = CampaignRecord(code, application, name, description)
    return {"campaign": code}


def get_campaigns(call: Request) -> dict[str, Any]:
    """A page of the application's campaigns, oldest first, after the ``cursor`` campaign.

    The cursor is the code of the last campaign of the previous page (the docs: "the last
    campaign retrieved"); it is empty on the last page.
    """
    application = call.application()
    limit = call.body.get("limit", PAGE_LIMIT)
    if not isinstance(limit, int) or limit < 1:
        raise Refusal(210, 'Invalid "limit"')
    owned = [c for c in call.account.campaigns.values() if c.application == application]
    start = _after(call.body.get("cursor"), [c.code for c in owned])
    page = owned[start : start + limit]
    more = start + limit < len(owned)
    return {
        "campaigns": [
            {"code": c.code, "name": c.name, "description": c.description or ""} for c in page
        ],
        "limit": limit,
        "cursor": page[-1].code if more else "",
    }


def _after(cursor: Any, codes: list[str]) -> int:
    if cursor in (None, ""):
        return 0
    if cursor not in codes:
        raise Refusal(210, 'Invalid "cursor"')
    return codes.index(cursor) + 1


def delete_campaign(call: Request) -> None:
    """Delete a campaign by code."""
    if call.account.campaigns.pop(call.text("campaign"), None) is None:
        raise Refusal(210, "Campaign not found")


HANDLERS: dict[str, Handler] = {
    "createCampaign": create_campaign,
    "getCampaigns": get_campaigns,
    "deleteCampaign": delete_campaign,
}
