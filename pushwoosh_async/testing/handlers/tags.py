"""Tags: the account's tag definitions."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def add_tag(call: Request) -> dict[str, Any]:
    """Create a tag of a type (1-7)."""
    tag = call.body.get("tag")
    if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
        raise Refusal(210, 'Invalid or missing "tag"')
    if tag.get("type") not in range(1, 8):
        raise Refusal(210, "Invalid tag type")
    if tag["name"] in call.account.tags:
        raise Refusal(210, "Tag already exists")
    call.account.tags[tag["name"]] = tag["type"]
    return {"result": True}


def delete_tag(call: Request) -> dict[str, Any]:
    """Delete a tag."""
    tag = call.body.get("tag")
    name = tag.get("name") if isinstance(tag, dict) else None
    if call.account.tags.pop(str(name), None) is None:
        raise Refusal(210, "Tag not found")
    return {"result": True}


def list_tags(call: Request) -> dict[str, Any]:
    """Every tag and its type."""
    return {"tags": [{"name": n, "type": t} for n, t in call.account.tags.items()]}


HANDLERS: dict[str, Handler] = {
    "addTag": add_tag,
    "deleteTag": delete_tag,
    "listTags": list_tags,
}
