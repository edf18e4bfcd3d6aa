"""Applications commands: their wire cases (v1.3, server token in the body) and validation."""

from __future__ import annotations

import httpx
import pytest

from pushwoosh_async.commands import Ack
from pushwoosh_async.commands.applications import (
    ApplicationCreated,
    ApplicationList,
    ApplicationProviders,
    ApplicationReply,
    ApplicationSettings,
    ConfigureApplication,
    CreateApplication,
    DeleteApplication,
    GetApplication,
    GetApplicationFile,
    GetApplications,
    SetApplicationPlatformStatus,
    UpdateApplication,
    decode_setting,
)
from pushwoosh_async.errors import DecodeError, ValidationError
from tests.commands.wire import WireCase, v13_server
from tests.support import APPLICATION, mock_client, ok

CASES = [
    WireCase(
        "createApplication",
        CreateApplication(
            title="Shop app", sdk_ios="pw", sdk_android="pw", authorize_all_tokens=False
        ),
        **v13_server(
            "createApplication",
            {
                "title": "Shop app",
                "sdk_ios": "pw",
                "sdk_android": "pw",
                "authorize_all_tokens": False,
            },
        ),
        reply=ok({"application": "F00D1-2B3C4"}),
        result=ApplicationCreated(application="F00D1-2B3C4"),
    ),
    WireCase(
        "updateApplication-default-app",
        UpdateApplication(title="Shop", icon="iVBORw0KGgo="),
        **v13_server(
            "updateApplication",
            {"application": APPLICATION, "title": "Shop", "icon": "iVBORw0KGgo="},
        ),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "deleteApplication",
        DeleteApplication(application="F00D1-2B3C4"),
        **v13_server("deleteApplication", {"application": "F00D1-2B3C4"}),
        reply=ok(),
        result=Ack(),
    ),
    WireCase(
        "getApplication",
        GetApplication(application="F00D1-2B3C4"),
        **v13_server("getApplication", {"application": "F00D1-2B3C4"}),
        reply=ok(
            {"application": {"android_sdk": "x7077", "icon_url": None, "adm_cid": "", "ios_x": 1}}
        ),
        result=ApplicationSettings(android_sdk="x7077", adm_cid="", extra={"ios_x": 1}),
    ),
    WireCase(
        "getApplications-page",
        GetApplications(page=2),
        **v13_server("getApplications", {"page": 2}),
        reply=ok({"applications": {APPLICATION: {"title": "Shop"}}, "pages": 3}),
        result=ApplicationList(applications={APPLICATION: {"title": "Shop"}}, extra={"pages": 3}),
    ),
    WireCase(
        "getApplications-list",
        GetApplications(),
        **v13_server("getApplications", {}),
        reply=ok({"applications": [{"code": APPLICATION, "title": "Shop"}]}),
        result=ApplicationList(applications={APPLICATION: {"code": APPLICATION, "title": "Shop"}}),
    ),
    WireCase(
        "getApplicationFile-non-object-reply",
        GetApplicationFile(extra={"file": "config"}),
        **v13_server("getApplicationFile", {"application": APPLICATION, "file": "config"}),
        reply=ok("https://files.example/app.cfg"),
        result=ApplicationReply(extra={"response": "https://files.example/app.cfg"}),
    ),
    WireCase(
        "setApplicationPlatformStatus-extra",
        SetApplicationPlatformStatus(extra={"platform": 1, "status": 0}),
        **v13_server(
            "setApplicationPlatformStatus", {"application": APPLICATION, "platform": 1, "status": 0}
        ),
        reply=ok(),
        result=ApplicationReply(),
    ),
    WireCase(
        "configureApplication-ios",
        ConfigureApplication(
            application="F00D1-2B3C4",
            device_type=1,
            extra={"ios_gateway": "1", "ios_key_file": "K"},
        ),
        **v13_server(
            "configureApplication",
            {
                "device_type": 1,
                "application": "F00D1-2B3C4",
                "ios_gateway": "1",
                "ios_key_file": "K",
            },
        ),
        reply=ok({"providers": {"ios": True, "android": False}}),
        result=ApplicationProviders(providers={"ios": True, "android": False}),
    ),
    WireCase(
        "configureApplication-auto-step-default-app",
        ConfigureApplication(device_type=1, extra={"step": "1"}),
        **v13_server(
            "configureApplication", {"device_type": 1, "application": APPLICATION, "step": "1"}
        ),
        reply=ok({"step_data": {"step": 2}}),
        result=ApplicationProviders(step_data={"step": 2}),
    ),
]


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param({}, id="no-application"),
        pytest.param({"application": ""}, id="empty-application"),
    ],
)
async def test_create_application_reply_without_its_code_is_a_decode_error(
    reply: dict[str, str],
) -> None:
    """createApplication always answers the new code: a reply without one does not decode."""
    async with mock_client(lambda _: httpx.Response(200, json=ok(reply))) as pw:
        with pytest.raises(DecodeError, match="ApplicationCreated"):
            await pw(CreateApplication(title="Shop"))


def test_delete_application_needs_an_explicit_code_and_create_is_not_retried() -> None:
    """The client's default application is never deleted implicitly; creating is not idempotent."""
    with pytest.raises(TypeError):
        DeleteApplication()  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="empty"):
        DeleteApplication(application="")
    assert CreateApplication.idempotent is False


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        pytest.param("x7077", "pw", id="hex-encoded"),
        pytest.param("pw", "pw", id="plain"),
        pytest.param("", "", id="empty"),
        pytest.param(None, None, id="absent"),
        pytest.param("xyz", "xyz", id="x-but-not-hex"),
        pytest.param("x70", "p", id="one-byte"),
    ],
)
def test_decode_setting(raw: str | None, text: str | None) -> None:
    """An application setting stored as x-prefixed hex is decoded; anything else is kept."""
    assert decode_setting(raw) == text
