"""Applications: create, configure, read and delete applications (``/json/1.3``, server token).

Per the docs these methods are for Custom Plan / Private Offering accounts only.
``configureApplication`` is documented on its own page (App configuration API).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pushwoosh_async.commands._base import Ack, Command, OpenCommand, OpenResult, Result, TokenKind
from pushwoosh_async.commands._fields import mapping, non_empty

__all__ = [
    "ApplicationCreated",
    "ApplicationList",
    "ApplicationProviders",
    "ApplicationReply",
    "ApplicationSettings",
    "ConfigureApplication",
    "CreateApplication",
    "DeleteApplication",
    "GetApplication",
    "GetApplicationFile",
    "GetApplications",
    "SetApplicationPlatformStatus",
    "UpdateApplication",
    "decode_setting",
]


@attrs.frozen(kw_only=True)
class ApplicationCreated(Result):
    """The code of the new application, e.g. ``1DC69-73EDB`` (always in the reply, never empty)."""

    application: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class CreateApplication(Command[ApplicationCreated]):
    """Create an application.

    ``icon`` is a base64 PNG; ``sdk_ios`` is ``pw`` or ``corona``, ``sdk_android`` ``pw``,
    ``corona`` or ``phonegap``. Not idempotent: a repeat makes a second application, so it is
    never retried.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/applications
    """

    path = "/json/1.3/createApplication"
    token = TokenKind.SERVER
    idempotent = False

    title: str = attrs.field(validator=non_empty)
    icon: str | None = None
    authorize_all_tokens: bool | None = None
    """Let every API token of the account access the application."""
    sdk_ios: str | None = None
    sdk_android: str | None = None


@attrs.frozen(kw_only=True)
class UpdateApplication(Command[Ack]):
    """Change an application's title, icon (base64 PNG) or SDK settings.

    ``application`` defaults to the client's.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/applications
    """

    path = "/json/1.3/updateApplication"
    token = TokenKind.SERVER

    application: str | None = None
    title: str | None = None
    icon: str | None = None
    sdk_ios: str | None = None
    sdk_android: str | None = None


@attrs.frozen(kw_only=True)
class DeleteApplication(Command[Ack]):
    """Delete an application.

    ``application`` is required here: the client's default is deliberately not used for a delete.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/applications
    """

    path = "/json/1.3/deleteApplication"
    token = TokenKind.SERVER

    application: str = attrs.field(validator=non_empty)


def decode_setting(value: str | None) -> str | None:
    """A ``getApplication`` setting as text.

    Several arrive hex-encoded behind an ``x`` (``"x7077"`` is ``"pw"``); values that are not such
    hex pass through unchanged.
    """
    if value is None or len(value) < 3 or not value.startswith("x") or len(value) % 2 == 0:
        return value
    try:
        return bytes.fromhex(value[1:]).decode()
    except ValueError:
        return value


@attrs.frozen(kw_only=True)
class ApplicationSettings(OpenResult):
    """The settings ``getApplication`` reports (the reply's ``application`` object).

    Only a few keys are named by the docs; all others land in ``extra``. Several values arrive
    hex-encoded with an ``x`` prefix: read them with :func:`decode_setting`.
    """

    android_sdk: str | None = None
    android_api_type: int | str | None = None
    android_gcm_api_key: str | None = None
    adm_cid: str | None = None
    adm_secret: str | None = None
    icon_url: str | None = None
    ios_apple_appid: str | None = None

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The settings sit under ``application``."""
        if isinstance(data, Mapping) and isinstance(data.get("application"), Mapping):
            return data["application"]
        return data


@attrs.frozen(kw_only=True)
class GetApplication(Command[ApplicationSettings]):
    """Read an application's settings; ``application`` defaults to the client's.

    Source: documented, https://docs.pushwoosh.com/platform-docs/api-reference/applications
    """

    path = "/json/1.3/getApplication"
    token = TokenKind.SERVER

    application: str | None = None


def _applications(value: Mapping[str, Any] | Iterable[Any] | None) -> Mapping[str, Any]:
    # Read as an object keyed by application code; a list of objects with a "code" is
    # accepted too, since the shape was never captured.
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    listed = list(value)
    return {str(a.get("code")): a for a in listed if isinstance(a, Mapping)}


@attrs.frozen(kw_only=True)
class ApplicationList(OpenResult):
    """The account's applications keyed by code (shape inferred: see ``GetApplications``)."""

    applications: Mapping[str, Any] = attrs.field(factory=dict, converter=_applications)

    @property
    def codes(self) -> tuple[str, ...]:
        """The application codes."""
        return tuple(self.applications)


@attrs.frozen(kw_only=True)
class GetApplications(OpenCommand[ApplicationList]):
    """List the account's applications, with their names and codes.

    The reply's ``applications`` object keyed by application code is inferred from a support
    script that reads its keys, and ``page`` comes from older docs. Other request keys go in
    ``extra``, other reply keys land in the result's ``extra``.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/messages/api-prerequisites
    """

    path = "/json/1.3/getApplications"
    token = TokenKind.SERVER

    page: int | None = None


@attrs.frozen(kw_only=True)
class ApplicationProviders(OpenResult):
    """Which platforms of the application are set up: ``providers`` (``{"ios": True, ...}``).

    The iOS auto-configuration steps of the older docs answer ``step_data`` instead. Other reply
    keys land in ``extra``.
    """

    providers: Mapping[str, bool] | None = attrs.field(default=None, converter=mapping)
    step_data: Mapping[str, Any] | None = attrs.field(default=None, converter=mapping)


@attrs.frozen(kw_only=True)
class ConfigureApplication(OpenCommand[ApplicationProviders]):
    """Configure one platform of an application: ``device_type`` (1 iOS, 3 Android, 7 macOS, ...).

    The platform's own keys (``ios_key_file``, ``ios_gateway``, ``android_fcm_service_account``,
    ...) go in ``extra``, as the page lists them per platform. ``application`` defaults to the
    client's.

    Source: documented, https://docs.pushwoosh.com/developer/api-reference/app-configuration
    """

    path = "/json/1.3/configureApplication"
    token = TokenKind.SERVER

    device_type: int
    application: str | None = None


@attrs.frozen(kw_only=True)
class ApplicationReply(OpenResult):
    """A reply whose shape was never captured: every key lands in ``extra``.

    A reply that is not an object (a string, a list) is kept as ``extra["response"]``.
    """

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """Objects as they are; anything else under ``response``."""
        return data if data is None or isinstance(data, Mapping) else {"response": data}


@attrs.frozen(kw_only=True)
class GetApplicationFile(OpenCommand[ApplicationReply]):
    """Fetch an application file.

    Only its name is known (method checklists): every request field but ``application`` (the
    client's default) goes in ``extra``, and the reply is kept raw.

    Source: inferred, https://github.com/yyoshiki41/go-pushwoosh
    """

    path = "/json/1.3/getApplicationFile"
    token = TokenKind.SERVER

    application: str | None = None


@attrs.frozen(kw_only=True)
class SetApplicationPlatformStatus(OpenCommand[ApplicationReply]):
    """Enable or disable a platform of an application.

    Only its name is known (method checklists): the platform and status keys are inferred, so
    pass them in ``extra`` (the fake reads ``device_type`` and ``status``); the reply is kept raw.

    Source: inferred, https://github.com/yyoshiki41/go-pushwoosh
    """

    path = "/json/1.3/setApplicationPlatformStatus"
    token = TokenKind.SERVER

    application: str | None = None
