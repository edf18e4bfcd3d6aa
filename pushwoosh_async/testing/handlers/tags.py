"""Tags: the account's tag definitions, and the value checks every tag write goes through.

A value written to a defined tag must fit its type, as the Device API page describes the types
(integer, string, list of strings, date ``YYYY-MM-DD HH:MM`` in UTC, boolean ``true``/``false``,
decimal, version ``"1.0.0.0"``); ``null`` removes the value. Integer and decimal tags also take
``{"operation": "increment", "value": n}``, list tags ``{"operation": "append"|"remove", ...}``.
Tags the account does not define are stored as given (what Pushwoosh does with them is not
documented).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.scheduled import schedule
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS", "apply_tags"]

_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?")
_VERSION: Final = re.compile(r"\d+(\.\d+){0,3}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, float)


def _is_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_date(value: Any) -> bool:
    return _is_int(value) or (isinstance(value, str) and _DATE.fullmatch(value) is not None)


FITS: Final[Mapping[int, Callable[[Any], bool]]] = {
    1: _is_int,
    2: lambda v: isinstance(v, str),
    3: _is_list,
    4: _is_date,
    5: lambda v: isinstance(v, bool),
    6: _is_number,
    7: lambda v: isinstance(v, str) and _VERSION.fullmatch(v) is not None,
}
"""Tag type -> whether a plain value fits it."""
_OPERATIONS: Final[Mapping[int, frozenset[str]]] = {
    1: frozenset({"increment"}),
    3: frozenset({"append", "remove"}),
    6: frozenset({"increment"}),
}


def _operated(kind: int, name: str, current: Any, change: Mapping[str, Any]) -> Any:
    """The new value of a tag after an ``{"operation": ..., "value": ...}`` change."""
    operation = change.get("operation")
    value: Any = change.get("value")
    if operation not in _OPERATIONS.get(kind, frozenset()):
        raise Refusal(210, f'Operation "{operation}" is not supported by tag "{name}"')
    if operation == "increment":
        if not _is_number(value):
            raise Refusal(210, f'Invalid increment for tag "{name}"')
        return (current if _is_number(current) else 0) + value
    if not _is_list(value):
        raise Refusal(210, f'Invalid list value for tag "{name}"')
    items = list(current) if isinstance(current, list) else []
    if operation == "append":
        return items + [v for v in value if v not in items]
    return [v for v in items if v not in value]


def apply_tags(call: Request, stored: dict[str, Any], tags: Any) -> None:
    """Write ``tags`` into ``stored`` (a device's tags), each value checked against its tag type.

    Every value is checked before any is written: a refused call changes nothing.
    """
    if not isinstance(tags, dict):
        raise Refusal(210, 'Invalid or missing "tags"')
    updated = dict(stored)
    for name, value in tags.items():
        kind = call.account.tags.get(name)
        if value is None:
            updated.pop(name, None)
        elif kind is None:
            updated[name] = value
        elif isinstance(value, dict):
            updated[name] = _operated(kind, name, updated.get(name), value)
        elif FITS[kind](value):
            updated[name] = value
        else:
            raise Refusal(210, f'Invalid value type for tag "{name}"')
    stored.clear()
    stored.update(updated)


def add_tag(call: Request) -> dict[str, Any]:
    """Create a tag of a type (1-7)."""
    tag = call.body.get("tag")
    if not isinstance(tag, dict) or not isinstance(tag.get("name"), str) or not tag["name"]:
        raise Refusal(210, 'Invalid or missing "tag"')
    if tag.get("type") not in FITS:
        raise Refusal(210, "Invalid tag type")
    if tag["name"] in call.account.tags:
        raise Refusal(210, "Tag already exists")
    call.account.tags[tag["name"]] = tag["type"]
    call.account.tag_scopes[tag["name"]] = bool(tag.get("application_specific"))
    return {"result": True}


def delete_tag(call: Request) -> dict[str, Any]:
    """Delete a tag and every value stored under it."""
    tag = call.body.get("tag")
    name = tag.get("name") if isinstance(tag, dict) else None
    if not isinstance(name, str) or call.account.tags.pop(name, None) is None:
        raise Refusal(210, "Tag not found")
    call.account.tag_scopes.pop(name, None)
    for device in call.account.devices.values():
        device.tags.pop(name, None)
    return {"result": True}


def list_tags(call: Request) -> dict[str, Any]:
    """Every tag, its type and whether its value is per application."""
    scopes = call.account.tag_scopes
    return {
        "tags": [
            {"name": name, "type": kind, "isApplicationSpecific": scopes.get(name, False)}
            for name, kind in call.account.tags.items()
        ]
    }


def bulk_set_tags_legacy(call: Request) -> dict[str, Any]:
    """Set tags on many devices now; the job's ``getResults`` answer counts what was found.

    The result's shape is inferred (``devices_found``, ``devices_not_found``): Pushwoosh's is
    not documented.
    """
    application = call.application()
    entries = call.body.get("devices")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Refusal(210, 'Invalid or missing "devices"')
    found = missing = 0
    for entry in entries:
        devices = _entry_devices(call, application, entry)
        for device in devices:
            apply_tags(call, device.tags, entry.get("tags"))
        found += len(devices)
        missing += not devices
    report = {"devices_found": found, "devices_not_found": missing}
    return schedule(call, "bulkSetTags (legacy v1.3)", report)


def _entry_devices(call: Request, application: str, entry: Mapping[str, Any]) -> list[Any]:
    account = call.account
    if "hwid" in entry:
        device = account.device(application, str(entry["hwid"]))
        return [] if device is None else [device]
    if "user_id" in entry:
        return account.user_devices(application, str(entry["user_id"]))
    token = entry.get("push_token")
    if not isinstance(token, str):
        return []
    return [
        d for d in account.devices.values() if (d.application, d.push_token) == (application, token)
    ]


HANDLERS: dict[str, Handler] = {
    "addTag": add_tag,
    "deleteTag": delete_tag,
    "listTags": list_tags,
    "bulkSetTags (legacy v1.3)": bulk_set_tags_legacy,
}
