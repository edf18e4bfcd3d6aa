"""Presets: stored message templates of an application (or an application group)."""

from __future__ import annotations

from typing import Any, Final

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

STORED: Final = (
    "name",
    "applicationCode",
    "applicationGroupCode",
    "campaignCode",
    "content",
    "scheduling",
    "segmentation",
)
"""The documented ``createPreset`` keys a preset keeps."""


def _owner(call: Request) -> None:
    """The preset's application must exist; a group code is taken as given (groups are not kept)."""
    application = call.body.get("applicationCode")
    if application is None and call.body.get("applicationGroupCode"):
        return
    if not application:
        raise Refusal(210, "No application or group code given")
    if application not in call.account.applications:
        raise Refusal(210, "Application not found")


def _checked_definition(call: Request) -> None:
    content = call.body.get("content")
    if not isinstance(content, dict) or not content.get("message"):
        raise Refusal(210, 'Invalid or missing "content.message"')
    segmentation = call.body.get("segmentation")
    if not isinstance(segmentation, dict) or not segmentation.get("platforms"):
        raise Refusal(210, 'Invalid or missing "segmentation.platforms"')


def _preset(call: Request) -> tuple[str, dict[str, Any]]:
    code = call.text("preset_code")
    preset = call.account.presets.get(code)
    if preset is None:
        raise Refusal(210, "Preset not found")
    return code, preset


def create_preset(call: Request) -> dict[str, Any]:
    """Store a preset; answers its code (the documented reply shows none: an inference)."""
    call.text("name")
    _owner(call)
    _checked_definition(call)
    code = call.codes()
    call.account.presets[code] = {k: call.body[k] for k in STORED if k in call.body}
    return {"code": code}


def get_preset(call: Request) -> dict[str, Any]:
    """The preset as created, with its code, under ``preset``."""
    code, preset = _preset(call)
    return {"preset": {"code": code, **preset}}


def list_presets(call: Request) -> dict[str, Any]:
    """The presets of an application: code and name of each."""
    application = call.application()
    return {
        "presets": [
            {"code": c, "name": p.get("name")}
            for c, p in call.account.presets.items()
            if p.get("applicationCode") == application
        ]
    }


def delete_preset(call: Request) -> None:
    """Delete a preset by its code."""
    code, _ = _preset(call)
    del call.account.presets[code]


HANDLERS: dict[str, Handler] = {
    "createPreset": create_preset,
    "getPreset": get_preset,
    "listPresets": list_presets,
    "deletePreset": delete_preset,
}
