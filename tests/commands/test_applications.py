"""Applications commands: wire rendering (v1.3, server token in the body) and results."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import Ack, Command, Result
from pushwoosh_async.commands.applications import (
    ApplicationCreated,
    ApplicationList,
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
from pushwoosh_async.errors import ValidationError
from tests.commands.wire import API, APP, TOKEN, ok, send

CASES = [
    pytest.param(
        CreateApplication(
            title="Shop app", sdk_ios="pw", sdk_android="pw", authorize_all_tokens=False
        ),
        "createApplication",
        {"title": "Shop app", "sdk_ios": "pw", "sdk_android": "pw", "authorize_all_tokens": False},
        {"application": "F00D1-2B3C4"},
        ApplicationCreated(application="F00D1-2B3C4"),
        id="createApplication",
    ),
    pytest.param(
        UpdateApplication(title="Shop", icon="iVBORw0KGgo="),
        "updateApplication",
        {"application": APP, "title": "Shop", "icon": "iVBORw0KGgo="},
        None,
        Ack(),
        id="updateApplication",
    ),
    pytest.param(
        DeleteApplication(application="F00D1-2B3C4"),
        "deleteApplication",
        {"application": "F00D1-2B3C4"},
        None,
        Ack(),
        id="deleteApplication",
    ),
    pytest.param(
        GetApplication(application="F00D1-2B3C4"),
        "getApplication",
        {"application": "F00D1-2B3C4"},
        {"application": {"android_sdk": "x7077", "icon_url": None, "adm_cid": "", "ios_x": 1}},
        ApplicationSettings(android_sdk="x7077", adm_cid="", extra={"ios_x": 1}),
        id="getApplication",
    ),
    pytest.param(
        GetApplications(page=2),
        "getApplications",
        {"page": 2},
        {"applications": {APP: {"title": "Shop"}}, "pages": 3},
        ApplicationList(applications={APP: {"title": "Shop"}}, extra={"pages": 3}),
        id="getApplications",
    ),
    pytest.param(
        GetApplications(),
        "getApplications",
        {},
        {"applications": [{"code": APP, "title": "Shop"}]},
        ApplicationList(applications={APP: {"code": APP, "title": "Shop"}}),
        id="getApplications-list",
    ),
    pytest.param(
        GetApplicationFile(extra={"file": "config"}),
        "getApplicationFile",
        {"application": APP, "file": "config"},
        "https://files.example/app.cfg",
        ApplicationReply(extra={"response": "https://files.example/app.cfg"}),
        id="getApplicationFile",
    ),
    pytest.param(
        SetApplicationPlatformStatus(extra={"platform": 1, "status": 0}),
        "setApplicationPlatformStatus",
        {"application": APP, "platform": 1, "status": 0},
        None,
        ApplicationReply(),
        id="setApplicationPlatformStatus",
    ),
    pytest.param(
        ConfigureApplication(application="F00D1-2B3C4", extra={"platform": "ios"}),
        "configureApplication",
        {"application": "F00D1-2B3C4", "platform": "ios"},
        {"ok": True},
        ApplicationReply(extra={"ok": True}),
        id="configureApplication",
    ),
]


@pytest.mark.parametrize(("command", "method", "body", "data", "expected"), CASES)
async def test_wire_and_result(
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
    assert json.loads(request.content) == {"request": {"auth": TOKEN, **body}}
    assert result == expected


def test_delete_application_needs_an_explicit_code() -> None:
    """The client's default application is never deleted implicitly."""
    with pytest.raises(TypeError):
        DeleteApplication()  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="empty"):
        DeleteApplication(application="")
    assert CreateApplication.idempotent is False


@pytest.mark.parametrize(
    ("raw", "text"),
    [("x7077", "pw"), ("pw", "pw"), ("", ""), (None, None), ("xyz", "xyz"), ("x70", "p")],
)
def test_decode_setting(raw: str | None, text: str | None) -> None:
    assert decode_setting(raw) == text
