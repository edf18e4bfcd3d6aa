"""Tags commands: their wire cases (v1.3, server token in the body) and tag types."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
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
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, send, v13_server
from tests.support import APPLICATION, ok

CASES = [
    WireCase(
        "addTag",
        AddTag(
            tag=TagDefinition(name="Loyalty tier", type=TagType.STRING, application_specific=False)
        ),
        **v13_server(
            "addTag", {"tag": {"name": "Loyalty tier", "type": 2, "application_specific": False}}
        ),
        reply=ok({"result": True}),
        result=TagResult(result=True),
    ),
    WireCase(
        "addTag-from-wire-dict",
        AddTag(
            tag={"name": "Score", "type": 1, "application_specific": True, "user_specific": True}
        ),
        **v13_server(
            "addTag",
            {
                "tag": {
                    "name": "Score",
                    "type": 1,
                    "application_specific": True,
                    "user_specific": True,
                }
            },
        ),
        reply=ok({"result": True}),
        result=TagResult(result=True),
    ),
    WireCase(
        "deleteTag",
        DeleteTag(tag="Loyalty tier"),
        **v13_server("deleteTag", {"tag": {"name": "Loyalty tier"}}),
        reply=ok({"result": True}),
        result=TagResult(result=True),
    ),
    WireCase(
        "listTags",
        ListTags(),
        **v13_server("listTags", {}),
        reply=ok(
            {
                "tags": [
                    {"name": "Loyalty tier", "type": 2, "isApplicationSpecific": False},
                    {"name": "Favorite categories", "type": 3, "isApplicationSpecific": False},
                ]
            }
        ),
        result=TagList(
            tags=(
                TagInfo(name="Loyalty tier", type=TagType.STRING, application_specific=False),
                TagInfo(name="Favorite categories", type=TagType.LIST, application_specific=False),
            )
        ),
    ),
    # A tag type newer than the library is kept as the raw int instead of failing.
    WireCase(
        "listTags-keeps-unknown-type-codes",
        ListTags(),
        **v13_server("listTags", {}),
        reply=ok({"tags": [{"name": "x", "type": 9}]}),
        result=TagList(tags=(TagInfo(name="x", type=9),)),
    ),
    WireCase(
        "bulkSetTags-legacy",
        BulkSetTagsLegacy(
            devices=[{"hwid": "h1", "tags": {"Plan": "pro"}}],
            extra={"create_missing_tags": False},
        ),
        **v13_server(
            "bulkSetTags",
            {
                "application": APPLICATION,
                "devices": [{"hwid": "h1", "tags": {"Plan": "pro"}}],
                "create_missing_tags": False,
            },
        ),
        reply=ok({"request_id": "REQ-1", "status": "Pending"}),
        result=BulkSetTagsLegacyJob(request_id="REQ-1", extra={"status": "Pending"}),
    ),
]


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        pytest.param(AddTag(tag={"name": "t", "type": 1}), ok({}), id="addTag-without-result"),
        pytest.param(DeleteTag(tag="t"), ok(), id="deleteTag-null"),
        pytest.param(ListTags(), ok({}), id="listTags-without-tags"),
        pytest.param(BulkSetTagsLegacy(), ok({"status": "Pending"}), id="bulkSetTags-no-id"),
        pytest.param(BulkSetTagsLegacy(), ok({"request_id": ""}), id="bulkSetTags-empty-id"),
    ],
)
async def test_a_reply_without_its_required_key_is_a_decode_error(
    pw: PushwooshClient, router: respx.Router, command: Any, reply: Any
) -> None:
    """``result``, ``tags`` and a non-empty ``request_id`` are always in these replies."""
    with pytest.raises(DecodeError):
        await send(pw, router, command, reply)


def test_tag_type_accepts_raw_ints_and_refuses_unknown() -> None:
    """A tag type given as its number becomes the enum; 8 is refused, as is an empty name."""
    assert TagDefinition(name="v", type=7).type is TagType.VERSION
    with pytest.raises(ValidationError, match=r"1\.\.7"):
        TagDefinition(name="v", type=8)
    with pytest.raises(ValidationError, match="empty"):
        DeleteTag(tag="")


def test_legacy_bulk_set_tags_is_not_retried() -> None:
    """The legacy bulkSetTags is not idempotent, is named as legacy, and reads list operators."""
    assert BulkSetTagsLegacy.idempotent is False
    assert BulkSetTagsLegacy.method == "bulkSetTags (legacy v1.3)"
    entry = BulkSetTagsLegacy(devices=[{"user_id": "u", "tags": {}, "list_operator": "append"}])
    assert entry.devices is not None
    assert entry.devices[0].list_operator is ListOperator.APPEND
