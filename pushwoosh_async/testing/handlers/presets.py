"""Presets: stored message templates."""

from __future__ import annotations

from typing import Any

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]


def create_preset(call: Request) -> dict[str, Any]:
    """Store a preset; answers its code."""
    call.text("name")
    if call.body.get("applicationCode") not in call.account.applications:
        raise Refusal(210, "Application not found")
    code = call.codes()
    call.account.presets[code] = dict(call.body)
    return {"code": code}


def list_presets(call: Request) -> dict[str, Any]:
    """The presets of an application."""
    application = call.application()
    return {
        "presets": [
            {"code": c, "name": p.get("name")}
            for c, p in call.account.presets.items()
            if p.get("applicationCode") == application
        ]
    }


HANDLERS: dict[str, Handler] = {
    "createPreset": create_preset,
    "listPresets": list_presets,
}
