"""Calls the Pushwoosh SDKs make for themselves: in-apps, Web SDK config and forms, channels.

Reads answer from account state that tests fill (``fake.state.in_apps``, ``web_config``,
``popup_forms``); the tracking calls are recorded in order (``inapp_actions``,
``rich_media_actions``, ``page_visits``, ``popup_form_events``); the registrations add devices
with the documented device types (SMS 18, WhatsApp 21, email 14).
"""

from __future__ import annotations

import json
from typing import Any, Final

from pushwoosh_async.enums import DeviceType
from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Device
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS"]

CONTENT_KEYS: Final = ("json", "html")
"""A pop-up form's content, answered by ``getPopupFormContent`` and left out of the listing."""
CHANNELS: Final = (
    ("email", DeviceType.EMAIL),
    ("sms_phone_number", DeviceType.SMS),
    ("whatsapp_phone_number", DeviceType.WHATSAPP),
)
"""``multiRegisterDevice`` fields that register an address as a device of that type."""


def _recorder(name: str) -> Handler:
    def record(call: Request) -> None:
        call.application()
        getattr(call.account, name).append(dict(call.body))

    record.__doc__ = f"Record the call in ``fake.state.{name}``."
    return record


# --- in-apps, config and forms -----------------------------------------------------------------


def get_in_apps(call: Request) -> dict[str, Any]:
    """The in-app resources of the account."""
    call.application()
    return {"inApps": [dict(r) for r in call.account.in_apps]}


def set_madid(call: Request) -> None:
    """Remember (or clear, with ``null``) a device's advertising id."""
    application = call.application()
    if "madid" not in call.body:
        raise Refusal(400, 'missing "madid"', 400)
    call.account.advertising_ids[application, call.text("hwid")] = call.body["madid"]


def get_config(call: Request) -> dict[str, Any]:
    """The configuration of the requested Web SDK features that the account has."""
    call.application()
    names = call.body.get("features")
    if not isinstance(names, list):
        raise Refusal(210, 'Invalid or missing "features"')
    config = call.account.web_config
    return {"features": {n: config[n] for n in names if n in config}}


def get_popup_forms(call: Request) -> dict[str, Any]:
    """The pop-up forms, without their content."""
    call.application()
    forms = call.account.popup_forms.values()
    return {"popup_forms": [{k: v for k, v in f.items() if k not in CONTENT_KEYS} for f in forms]}


def _form(call: Request) -> dict[str, Any]:
    call.application()
    form = call.account.popup_forms.get(call.text("code"))
    if form is None:
        raise Refusal(210, "Popup form not found")
    return form


def get_popup_form_content(call: Request) -> dict[str, Any]:
    """One form's code, JSON definition (its stored ``json``, else the form itself) and HTML."""
    form = _form(call)
    definition = form.get("json")
    if definition is None:
        definition = json.dumps({k: v for k, v in form.items() if k not in CONTENT_KEYS})
    return {"code": call.body["code"], "json": definition, "html": form.get("html")}


def record_popup_form_event(call: Request) -> None:
    """Record a visit (1) or impression (2) of a known form."""
    _form(call)
    if call.body.get("event") not in (1, 2):
        raise Refusal(210, 'Invalid "event": 1 (visit) or 2 (impression)')
    call.account.popup_form_events.append(dict(call.body))


# --- users and channels ------------------------------------------------------------------------


def merge_user(call: Request) -> None:
    """Move the old user's devices to the new user; ``merge: false`` drops their tags."""
    application = call.application()
    old, new = call.text("oldUserId"), call.text("newUserId")
    for device in call.account.user_devices(application, old):
        device.user_id = new
        if call.body.get("merge") is False:
            device.tags.clear()


def _register(call: Request, application: str, hwid: str, device_type: int) -> Device:
    device = call.account.device(application, hwid) or Device(application, hwid, device_type)
    device.device_type = device_type
    device.push_token = device.push_token or hwid
    call.account.devices[application, hwid] = device
    return device


def _number_registration(device_type: DeviceType) -> Handler:
    def register(call: Request) -> None:
        application = call.application()
        device = _register(call, application, call.text("number"), device_type)
        device.user_id = call.body.get("userId", device.user_id)

    register.__doc__ = f"Register a phone number as a device of type {int(device_type)}."
    return register


def multi_register_device(call: Request) -> None:
    """Register a user's email, SMS and WhatsApp addresses and push devices, then apply tags.

    Kakao, LINE and Telegram ids are accepted but register nothing (the fake has no device type
    code for them). Each tag is an operation: 0 set, 1 append, 2 remove, 3 increment.
    """
    application = call.application()
    devices = [
        _register(call, application, call.body[field], device_type)
        for field, device_type in CHANNELS
        if isinstance(call.body.get(field), str) and call.body[field]
    ]
    for entry in call.body.get("push_devices") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("platform"), int):
            raise Refusal(210, 'Invalid "push_devices" entry')
        device = _register(call, application, str(entry.get("hwid", "")), entry["platform"])
        device.push_token = entry.get("push_token", device.push_token)
        devices.append(device)
    for device in devices:
        device.user_id = call.body.get("user_id", device.user_id)
        device.language = call.body.get("language", device.language)
        for name, operation in (call.body.get("tags") or {}).items():
            _operate(device.tags, name, operation)


def _operate(tags: dict[str, Any], name: str, operation: Any) -> None:
    if not isinstance(operation, dict) or operation.get("operation") not in (0, 1, 2, 3):
        raise Refusal(210, f'Invalid tag operation for "{name}"')
    kind = operation["operation"]
    values = operation.get("values", [operation.get("value")])
    current = tags.get(name)
    if kind == 0:
        tags[name] = operation["values"] if "values" in operation else operation.get("value")
    elif kind == 1:
        tags[name] = [*(current or []), *values]
    elif kind == 2:
        tags[name] = [v for v in (current or []) if v not in values]
    else:
        tags[name] = (current or 0) + int(operation.get("value", 1))


HANDLERS: dict[str, Handler] = {
    "getInApps": get_in_apps,
    "triggerInAppAction": _recorder("inapp_actions"),
    "richMediaAction": _recorder("rich_media_actions"),
    "setMADID": set_madid,
    "getConfig": get_config,
    "pageVisit": _recorder("page_visits"),
    "getPopupForms": get_popup_forms,
    "getPopupFormContent": get_popup_form_content,
    "recordPopupFormEvent": record_popup_form_event,
    "mergeUser": merge_user,
    "registerSmsNumber": _number_registration(DeviceType.SMS),
    "registerWhatsappNumber": _number_registration(DeviceType.WHATSAPP),
    "multiRegisterDevice": multi_register_device,
}
