"""Tags commands: wire rendering (v1.3, server token in the body) and results."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Command, Result
from pushwoosh_async.commands.tags import (
    AddTag,
    BulkSetTagsLegacy,
    BulkSetTagsLegacyJob,
    DeleteTag,
    ListTags,
    TagDefinition,
    TagInfo,
    TagList,
    TagResult,
    TagType,
)
from pushwoosh_async.enums import ListOperator
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import API, APP, TOKEN, ok, send

CASES = [
    pytest.param(
        AddTag(
            tag=TagDefinition(name="Loyalty tier", type=TagType.STRING, application_specific=False)
        ),
        "addTag",
        {"tag": {"name": "Loyalty tier", "type": 2, "application_specific": False}},
        {"result": True},
        TagResult(result=True),
        id="addTag",
    ),
    pytest.param(
        AddTag(
            tag={"name": "Score", "type": 1, "application_specific": True, "user_specific": True}
        ),
        "addTag",
        {"tag": {"name": "Score", "type": 1, "application_specific": True, "user_specific": True}},
        {"result": True},
        TagResult(result=True),
        id="addTag-dict",
    ),
    pytest.param(
        DeleteTag(tag="Loyalty tier"),
        "deleteTag",
        {"tag": {"name": "Loyalty tier"}},
        {"result": True},
        TagResult(result=True),
        id="deleteTag",
    ),
    pytest.param(
        ListTags(),
        "listTags",
        {},
        {
            "tags": [
                {"name": "Loyalty tier", "type": 2, "isApplicationSpecific": False},
                {"name": "Favorite categories", "type": 3, "isApplicationSpecific": False},
            ]
        },
        TagList(
            tags=(
                TagInfo(name="Loyalty tier", type=TagType.STRING, application_specific=False),
                TagInfo(name="Favorite categories", type=TagType.LIST, application_specific=False),
            )
        ),
        id="listTags",
    ),
    pytest.param(
        BulkSetTagsLegacy(
            devices=[{"hwid": "h1", "tags": {"Plan": "pro"}}],
            extra={"create_missing_tags": False},
        ),
        "bulkSetTags",
        {
            "application": APP,
            "devices": [{"hwid": "h1", "tags": {"Plan": "pro"}}],
            "create_missing_tags": False,
        },
        {"request_id": "REQ-1", "status": "Pending"},
        BulkSetTagsLegacyJob(request_id="REQ-1", extra={"status": "Pending"}),
        id="bulkSetTags-legacy",
    ),
]


@pytest.mark.parametrize(("command", "method", "body", "data", "expected"), CASES)
async def test_v13_wire_and_result(
    pw: PushwooshClient,
    router: respx.Router,
    *,
    command: Command[Any],
    method: str,
    body: dict[str, Any],
    data: Any,
    expected: Result,
) -> None:
    """POST /json/1.3/<method> with {"request": {auth, ...}}, no header token; typed result."""
    request, result = await send(pw, router, command, ok(data))
    assert request.method == "POST"
    assert str(request.url) == f"{API}/json/1.3/{method}"
    assert "authorization" not in request.headers
    assert request.headers["content-type"].startswith("application/json")
    assert json.loads(request.content) == {"request": {"auth": TOKEN, **body}}
    assert result == expected


async def test_list_tags_keeps_unknown_type_codes(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A tag type newer than the library is kept as the raw int instead of failing."""
    _, result = await send(pw, router, ListTags(), ok({"tags": [{"name": "x", "type": 9}]}))
    assert isinstance(result, TagList)
    assert result.tags == (TagInfo(name="x", type=9),)


def test_tag_type_accepts_raw_ints_and_refuses_unknown() -> None:
    assert TagDefinition(name="v", type=7).type is TagType.VERSION
    with pytest.raises(ValidationError, match=r"1\.\.7"):
        TagDefinition(name="v", type=8)
    with pytest.raises(ValidationError, match="empty"):
        DeleteTag(tag="")


def test_legacy_bulk_set_tags_is_not_retried() -> None:
    assert BulkSetTagsLegacy.idempotent is False
    assert BulkSetTagsLegacy.name == "bulkSetTags (legacy v1.3)"
    entry = BulkSetTagsLegacy(devices=[{"user_id": "u", "tags": {}, "list_operator": "append"}])
    assert entry.devices is not None
    assert entry.devices[0].list_operator is ListOperator.APPEND
