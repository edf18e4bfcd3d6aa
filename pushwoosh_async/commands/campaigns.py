"""Campaigns: create, read and delete the campaigns messages are grouped under.

Only the method names are known (from public method checklists; the current docs do not list
them). The parameters below follow Pushwoosh's older docs and are unconfirmed: every command takes
``extra`` for keys it does not model, and the reply keeps what it does not model in ``extra``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from pushwoosh_async.commands._base import Ack, OpenCommand, OpenResult, TokenKind
from pushwoosh_async.commands._fields import non_empty

__all__ = ["Campaign", "CreateCampaign", "DeleteCampaign", "GetCampaign"]


@attrs.frozen(kw_only=True)
class Campaign(OpenResult):
    """A campaign reply: its ``campaign`` code where given; every other key lands in ``extra``.

    A reply that is not a JSON object is kept as ``extra["response"]``.
    """

    campaign: str | None = None
    name: str | None = None
    description: str | None = None

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """Objects as they are; anything else under ``response``."""
        if data is None or isinstance(data, Mapping):
            return data
        return {"response": data}


@attrs.frozen(kw_only=True)
class CreateCampaign(OpenCommand[Campaign]):
    """Create a campaign in an application; the reply's ``campaign`` is its code (assumed).

    Parameters unconfirmed (see the module docstring). Not idempotent.
    """

    path = "/json/1.3/createCampaign"
    token = TokenKind.SERVER
    idempotent = False

    name: str = attrs.field(validator=non_empty)
    description: str | None = None
    application: str | None = None


@attrs.frozen(kw_only=True)
class GetCampaign(OpenCommand[Campaign]):
    """Read a campaign by its code. Parameters and reply unconfirmed."""

    path = "/json/1.3/getCampaign"
    token = TokenKind.SERVER

    campaign: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class DeleteCampaign(OpenCommand[Ack]):
    """Delete a campaign by its code. Parameters unconfirmed."""

    path = "/json/1.3/deleteCampaign"
    token = TokenKind.SERVER

    campaign: str = attrs.field(validator=non_empty)
