"""Applications: the account's applications, their settings and their configured platforms.

``Account.applications`` is the set of codes that exist (every other handler checks it);
``Account.application_details`` holds what these methods set and read. A deleted application
is gone from both, so any later call for it is refused as Pushwoosh refuses an unknown code.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._state import Account
from pushwoosh_async.testing.handlers.table import Handler

__all__ = ["HANDLERS", "new_code", "settings_of"]

K = TypeVar("K")

SETTINGS: Final = ("title", "icon", "sdk_ios", "sdk_android")
"""What ``createApplication`` and ``updateApplication`` set."""
PROVIDERS: Final = {
    1: "ios",
    3: "android",
    7: "osx",
    8: "windows",
    9: "amazon",
    10: "safari",
    11: "chrome",
    12: "firefox",
    13: "internet_explorer",
    14: "email",
    17: "huawei_android",
    18: "sms",
    19: "xiaomi",
    21: "whats_app",
}
"""Device type -> its key in the documented ``providers`` reply of ``configureApplication``."""
OTHER_PROVIDERS: Final = ("baidu_android", "web")
"""Documented ``providers`` keys no device type here configures: always false."""
NOT_CONFIGURATION: Final = frozenset({"auth", "application", "device_type"})


def new_code(call: Request, taken: set[str] | dict[str, Any]) -> str:
    """A fresh code in Pushwoosh's ``XXXXX-XXXXX`` shape (applications, geozone clusters)."""
    while True:
        raw = call.codes().replace("-", "")
        code = f"{raw[-10:-5]}-{raw[-5:]}"
        if code not in taken:
            return code


def settings_of(account: Account, code: str) -> dict[str, Any]:
    """The stored settings of an existing application (its defaults until something sets them)."""
    return account.application_details.setdefault(
        code, {"title": code, "icon": None, "sdk_ios": "pw", "sdk_android": "pw", "platforms": {}}
    )


def _device_type(call: Request) -> int:
    value = call.body.get("device_type")
    if isinstance(value, bool) or not isinstance(value, int) or value not in PROVIDERS:
        raise Refusal(210, 'Invalid or missing "device_type"')
    return value


def _hex(value: str | None) -> str:
    """How ``getApplication`` spells several settings: ``x`` and the text's hex (``x7077``)."""
    return "x" + (value or "").encode().hex()


def _providers(settings: dict[str, Any]) -> dict[str, bool]:
    """The documented ``providers`` object: which platforms are configured and enabled."""
    found = dict.fromkeys((*PROVIDERS.values(), *OTHER_PROVIDERS), False)
    for device_type, platform in settings["platforms"].items():
        found[PROVIDERS[device_type]] = bool(platform["enabled"])
    return found


def _drop(table: dict[K, dict[str, Any]], key: str, code: str) -> None:
    """Remove every item of ``table`` whose ``key`` is ``code``."""
    for name in [n for n, item in table.items() if item.get(key) == code]:
        del table[name]


def create_application(call: Request) -> dict[str, Any]:
    """Create an application with the given title and SDK settings; answers its code."""
    call.text("title")
    code = new_code(call, call.account.applications)
    call.account.applications.add(code)
    settings = settings_of(call.account, code)
    settings.update({k: call.body[k] for k in SETTINGS if call.body.get(k) is not None})
    settings["authorize_all_tokens"] = bool(call.body.get("authorize_all_tokens", False))
    return {"application": code}


def update_application(call: Request) -> None:
    """Change the settings the request gives; the others stay."""
    settings = settings_of(call.account, call.application())
    settings.update({k: call.body[k] for k in SETTINGS if call.body.get(k) is not None})


def delete_application(call: Request) -> None:
    """Delete the application and what belongs only to it (presets, geozones, clusters)."""
    code = call.application()
    account = call.account
    account.applications.discard(code)
    account.application_details.pop(code, None)
    _drop(account.presets, "applicationCode", code)
    _drop(account.geozones, "application", code)
    _drop(account.geozone_clusters, "application", code)


def get_application(call: Request) -> dict[str, Any]:
    """The settings, under ``application``, spelled as the documented example spells them."""
    code = call.application()
    settings = settings_of(call.account, code)
    icon = f"https://fake-pushwoosh.invalid/icons/{code}.png" if settings["icon"] else None
    return {
        "application": {
            "title": settings["title"],
            "adm_cid": "",
            "adm_secret": "",
            "android_sdk": _hex(settings["sdk_android"]),
            "ios_sdk": _hex(settings["sdk_ios"]),
            "icon_url": icon,
        }
    }


def get_applications(call: Request) -> dict[str, Any]:
    """Every application of the account, keyed by code, with its title (one page)."""
    account = call.account
    return {
        "applications": {
            code: {"code": code, "title": settings_of(account, code)["title"]}
            for code in sorted(account.applications)
        }
    }


def configure_application(call: Request) -> dict[str, Any]:
    """Store one platform's configuration (enabled); answers the documented ``providers``."""
    settings = settings_of(call.account, call.application())
    device_type = _device_type(call)
    configuration = {k: v for k, v in call.body.items() if k not in NOT_CONFIGURATION}
    settings["platforms"][device_type] = {"enabled": True, "settings": configuration}
    return {"providers": _providers(settings)}


def _configured(call: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    settings = settings_of(call.account, call.application())
    platform = settings["platforms"].get(_device_type(call))
    if platform is None:
        raise Refusal(210, "Platform is not configured for this application")
    return settings, platform


def set_application_platform_status(call: Request) -> dict[str, Any]:
    """Enable (``status`` true or 1) or disable a configured platform; answers ``providers``.

    The request keys (``device_type``, ``status``) and the reply are inferred: only the
    method's name is known.
    """
    settings, platform = _configured(call)
    platform["enabled"] = bool(call.body.get("status"))
    return {"providers": _providers(settings)}


def get_application_file(call: Request) -> dict[str, Any]:
    """A configured platform's stored configuration (an inferred shape: only the name is known)."""
    _, platform = _configured(call)
    return {"device_type": call.body["device_type"], "file": dict(platform["settings"])}


HANDLERS: dict[str, Handler] = {
    "createApplication": create_application,
    "updateApplication": update_application,
    "deleteApplication": delete_application,
    "getApplication": get_application,
    "getApplications": get_applications,
    "configureApplication": configure_application,
    "setApplicationPlatformStatus": set_application_platform_status,
    "getApplicationFile": get_application_file,
}
