"""The pytest plugin, enabled as a user enables it: ``pytest_plugins`` in a root conftest."""

from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

CONFTEST = """
pytest_plugins = ["pushwoosh_async.testing.pytest_plugin"]
"""

USER_TESTS = """
from pushwoosh_async import CreateMessage, GetTags, Notification, RegisterDevice
from pushwoosh_async.testing import Fault, When

seen = []


async def test_client_talks_to_the_fake(pushwoosh_client, pushwoosh_fake):
    await pushwoosh_client(RegisterDevice(hwid="h1", device_type=3, tags={"a": 1}))
    assert (await pushwoosh_client(GetTags(hwid="h1"))).values == {"a": 1}
    assert pushwoosh_fake.api_token == "test-api-token"
    assert pushwoosh_fake.device_token == "test-device-token"
    assert pushwoosh_fake.state.applications == {"ABCDE-12345"}
    seen.append(pushwoosh_client)


async def test_retries_without_sleeping(pushwoosh_client, pushwoosh_fake):
    pushwoosh_fake.inject(Fault.rate_limited(30), method="createMessage")
    pushwoosh_fake.inject(Fault.reset(When.AFTER), method="createMessage")
    note = Notification(content="Hi", filter="everyone")
    await pushwoosh_client(CreateMessage(notifications=[note]))
    assert len(pushwoosh_fake.calls_to("createMessage")) == 3
    assert len(pushwoosh_fake.state.messages) == 1
    seen.append(pushwoosh_client)


def test_each_test_gets_a_fresh_fake_and_a_closed_client(pushwoosh_fake):
    assert pushwoosh_fake.calls == []
    assert len(seen) == 2
    assert seen[0] is not seen[1]
    assert all(client.closed for client in seen)
"""


def test_plugin_enabled_from_a_users_conftest(pytester: pytest.Pytester) -> None:
    """A suite that lists the plugin in its conftest gets working fixtures that clean up."""
    pytester.makeconftest(CONFTEST)
    pytester.makeini(INI)
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-vv", "--durations=0")
    result.assert_outcomes(passed=3)
    pattern = r"(\d+\.\d+)s call +test_user.py::test_retries_without_sleeping"
    (seconds,) = [float(m[1]) for line in result.outlines if (m := re.match(pattern, line))]
    assert seconds < 1, "a 30 s Retry-After was slept for real"


def test_importing_the_plugin_does_not_register_fixtures_globally() -> None:
    """The library declares no pytest11 entry point: the plugin loads only when asked for."""
    names = [ep.value for ep in entry_points(group="pytest11")]
    assert "pushwoosh_async.testing.pytest_plugin" not in names
