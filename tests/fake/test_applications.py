"""The fake's applications: created, listed, changed, configured and deleted through the client."""

from __future__ import annotations

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    ApplicationReply,
    ConfigureApplication,
    CreateApplication,
    DeleteApplication,
    GetApplication,
    GetApplicationFile,
    GetApplications,
    ListPresets,
    SetApplicationPlatformStatus,
    UpdateApplication,
    decode_setting,
)
from pushwoosh_async.errors import ArgumentError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION


async def test_a_created_application_is_listed_read_updated_and_deleted(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """create -> listed with its title; update changes it; delete removes it everywhere."""
    created = await pw(CreateApplication(title="Shop", sdk_android="phonegap"))
    code = created.application
    assert code in fake.state.applications
    assert code != APPLICATION

    listed = await pw(GetApplications())
    assert set(listed.codes) == {APPLICATION, code}
    assert listed.applications[code]["title"] == "Shop"

    settings = await pw(GetApplication(application=code))
    assert decode_setting(settings.android_sdk) == "phonegap"
    assert settings.extra["title"] == "Shop"

    await pw(UpdateApplication(application=code, title="Shop 2", sdk_android="pw"))
    settings = await pw(GetApplication(application=code))
    assert (settings.extra["title"], decode_setting(settings.android_sdk)) == ("Shop 2", "pw")
    assert (await pw(GetApplications())).applications[code]["title"] == "Shop 2"

    await pw(DeleteApplication(application=code))
    assert (await pw(GetApplications())).codes == (APPLICATION,)
    with pytest.raises(ArgumentError, match="Application not found"):
        await pw(GetApplication(application=code))
    with pytest.raises(ArgumentError, match="Application not found"):
        await pw(UpdateApplication(application=code, title="again"))


async def test_deleting_an_application_refuses_its_later_calls_in_other_sections(
    pw: PushwooshClient,
) -> None:
    """A deleted application is unknown to every method, not only to the application ones."""
    await pw(DeleteApplication(application=APPLICATION))
    with pytest.raises(ArgumentError, match="Application not found"):
        await pw(ListPresets())


async def test_a_platform_is_configured_disabled_and_its_file_read_back(
    pw: PushwooshClient,
) -> None:
    """configureApplication turns its platform on in providers; the status switch turns it off."""
    ios = {"ios_key_management_type": "manual", "ios_key_file": "MIIMY", "ios_gateway": "1"}
    configured = await pw(ConfigureApplication(device_type=1, extra=ios))
    assert configured.providers is not None
    assert configured.providers["ios"] is True
    assert configured.providers["android"] is False

    android = await pw(ConfigureApplication(device_type=3, extra={"android_fcm_key": "k"}))
    assert android.providers is not None
    assert (android.providers["ios"], android.providers["android"]) == (True, True)

    status = await pw(SetApplicationPlatformStatus(extra={"device_type": 1, "status": 0}))
    assert status.extra["providers"]["ios"] is False
    assert status.extra["providers"]["android"] is True

    file = await pw(GetApplicationFile(extra={"device_type": 1}))
    assert file == ApplicationReply(extra={"device_type": 1, "file": ios})


async def test_an_unconfigured_platform_has_no_status_or_file(pw: PushwooshClient) -> None:
    """Switching or reading a platform never configured is refused (210)."""
    with pytest.raises(ArgumentError, match="not configured"):
        await pw(SetApplicationPlatformStatus(extra={"device_type": 3, "status": 1}))
    with pytest.raises(ArgumentError, match="not configured"):
        await pw(GetApplicationFile(extra={"device_type": 3}))
    with pytest.raises(ArgumentError, match="device_type"):
        await pw(ConfigureApplication(device_type=4))
