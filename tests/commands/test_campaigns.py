"""Campaign commands (names only in the catalogue: parameters unconfirmed)."""

from __future__ import annotations

from typing import Any

import pytest

from pushwoosh_async.commands import Ack, Command
from pushwoosh_async.commands.campaigns import Campaign, CreateCampaign, DeleteCampaign, GetCampaign
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import WireCase, v13_server
from tests.support import APPLICATION, ok

CASES = [
    WireCase(
        "createCampaign",
        CreateCampaign(name="Spring sale", description="April", extra={"color": "red"}),
        **v13_server(
            "createCampaign",
            {
                "application": APPLICATION,
                "name": "Spring sale",
                "description": "April",
                "color": "red",
            },
        ),
        reply=ok({"campaign": "AAAAA-00000"}),
        result=Campaign(campaign="AAAAA-00000"),
    ),
    WireCase(
        "getCampaign-keeps-unknown-keys",
        GetCampaign(campaign="AAAAA-00000"),
        **v13_server("getCampaign", {"campaign": "AAAAA-00000"}),
        reply=ok({"campaign": "AAAAA-00000", "name": "Spring sale", "created": "2025-05-01"}),
        result=Campaign(
            campaign="AAAAA-00000", name="Spring sale", extra={"created": "2025-05-01"}
        ),
    ),
    WireCase(
        "getCampaign-non-object-reply",
        GetCampaign(campaign="C"),
        **v13_server("getCampaign", {"campaign": "C"}),
        reply=ok(["C"]),
        result=Campaign(extra={"response": ["C"]}),
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
        pytest.param(GetCampaign, id="getCampaign-campaign"),
        pytest.param(DeleteCampaign, id="deleteCampaign-campaign"),
    ],
)
def test_empty_names_and_codes_are_refused(make: type[Command[Any]]) -> None:
    """An empty campaign name (create) or campaign code (get, delete) is refused."""
    key = "name" if make is CreateCampaign else "campaign"
    with pytest.raises(ValidationError):
        make(**{key: ""})
