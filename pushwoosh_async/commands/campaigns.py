"""Campaigns: create, list and delete the campaigns messages are grouped under.

A campaign (shown as "aggregated messages" in the Control Panel) collects the statistics of the
messages sent with its code in ``campaign``; read them with ``GetCampaignStats``. Campaigns are
not the Customer Journey's campaigns: those codes do not work here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import structure_many
from pushwoosh_async.commands._base import Ack, Command, PageOf, Result, TokenKind
from pushwoosh_async.commands._fields import non_empty
from pushwoosh_async.commands._specs import PageSpec
from pushwoosh_async.errors import ValidationError

__all__ = [
    "Campaign",
    "CampaignsPage",
    "CreateCampaign",
    "CreatedCampaign",
    "DeleteCampaign",
    "GetCampaigns",
]


def _code(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value:
        msg = f"{attribute.name} must not be empty"
        raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class CreatedCampaign(Result):
    """What ``createCampaign`` answers: the new campaign's code (always in the reply)."""

    campaign: str = attrs.field(validator=_code)


@attrs.frozen(kw_only=True)
class CreateCampaign(Command[CreatedCampaign]):
    """Create a campaign in an application. Not idempotent: a repeat creates a second one.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/campaigns
    """

    path = "/json/1.3/createCampaign"
    token = TokenKind.SERVER
    idempotent = False

    name: str = attrs.field(validator=non_empty)
    description: str | None = None
    application: str | None = None


@attrs.frozen(kw_only=True)
class Campaign:
    """One campaign of a ``getCampaigns`` page."""

    code: str
    name: str | None = None
    description: str | None = None


def _campaigns(value: Iterable[Campaign | Mapping[str, Any]]) -> tuple[Campaign, ...]:
    return structure_many(value, Campaign)


@attrs.frozen(kw_only=True)
class CampaignsPage(PageOf[Campaign]):
    """One page of an application's campaigns.

    ``campaigns`` is always in the reply; ``cursor`` (pass it back for the next page) is absent
    or empty on the last one.
    """

    campaigns: tuple[Campaign, ...] = attrs.field(converter=_campaigns)
    cursor: str | None = None
    limit: int | None = None


def _limit(_: Any, __: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        msg = f"limit must be at least 1, got {value}"
        raise ValidationError(msg)


def _next_campaigns(command: GetCampaigns, page: CampaignsPage) -> GetCampaigns | None:
    if not page.campaigns or not page.cursor:
        return None
    return attrs.evolve(command, cursor=page.cursor)


@attrs.frozen(kw_only=True)
class GetCampaigns(Command[CampaignsPage]):
    """List an application's campaigns, a page at a time.

    ``pw.paginate(GetCampaigns())`` follows the reply's ``cursor`` until the last page; ``limit``
    caps one page.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/campaigns
    """

    path = "/json/1.3/getCampaigns"
    token = TokenKind.SERVER
    pages = PageSpec(lambda page: page.campaigns, _next_campaigns)

    application: str | None = None
    cursor: str | None = None
    limit: int | None = attrs.field(default=None, validator=_limit)


@attrs.frozen(kw_only=True)
class DeleteCampaign(Command[Ack]):
    """Delete a campaign by its code.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/campaigns
    """

    path = "/json/1.3/deleteCampaign"
    token = TokenKind.SERVER

    campaign: str = attrs.field(validator=non_empty)
