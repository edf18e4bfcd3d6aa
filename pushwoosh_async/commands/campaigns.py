"""Campaigns: create, read and delete the campaigns messages are grouped under.

Only the method names are known (from public method checklists; the current docs do not list
them). The parameters below follow Pushwoosh's older docs and are unconfirmed: every command takes
``extra`` for keys it does not model, and the reply keeps what it does not model in ``extra``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from pushwoosh_async.commands._base import Ack, Command, Result, TokenKind
from pushwoosh_async.commands._fields import json_object, non_empty

__all__ = ["Campaign", "CreateCampaign", "DeleteCampaign", "GetCampaign"]


@attrs.frozen(kw_only=True)
class Campaign(Result):
    """A campaign reply: its ``campaign`` code where given; every other key lands in ``extra``.

    A reply that is not a JSON object is kept as ``extra["response"]``.
    """

    campaign: str | None = None
    name: str | None = None
    description: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """Objects as they are; anything else under ``response``."""
        if data is None or isinstance(data, Mapping):
            return data
        return {"response": data}


@attrs.frozen(kw_only=True)
class CreateCampaign(Command[Campaign]):
    """Create a campaign in an application; the reply's ``campaign`` is its code (assumed).

    Parameters unconfirmed (see the module docstring). Not idempotent.
    """

    path = "/json/1.3/createCampaign"
    token = TokenKind.SERVER
    result_type = Campaign
    idempotent = False

    name: str = attrs.field(validator=non_empty)
    description: str | None = None
    application: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)


@attrs.frozen(kw_only=True)
class GetCampaign(Command[Campaign]):
    """Read a campaign by its code. Parameters and reply unconfirmed."""

    path = "/json/1.3/getCampaign"
    token = TokenKind.SERVER
    result_type = Campaign

    campaign: str = attrs.field(validator=non_empty)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)


@attrs.frozen(kw_only=True)
class DeleteCampaign(Command[Ack]):
    """Delete a campaign by its code. Parameters unconfirmed."""

    path = "/json/1.3/deleteCampaign"
    token = TokenKind.SERVER
    result_type = Ack

    campaign: str = attrs.field(validator=non_empty)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)
