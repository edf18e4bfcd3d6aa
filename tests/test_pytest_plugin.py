"""The pytest plugin, enabled as a user enables it: ``pytest_plugins`` in a root conftest.

Each suite below runs in a fresh pytest (pytester, in process) under one configuration a user
may have: pytest-asyncio strict (its default) or auto mode, anyio's plugin with or without
pytest-asyncio, loops wider than a function, and ``filterwarnings = error`` with and without
the ``pushwoosh_warnings`` switch.
"""

from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest

import pushwoosh_async.testing  # noqa: F401 (imported once here, not again by each inner run)

pytest_plugins = ["pytester"]

CONFTEST = """
pytest_plugins = ["pushwoosh_async.testing.pytest_plugin"]
"""

ANYIO_INI = """
[pytest]
filterwarnings = error
"""

STRICT_INI = ANYIO_INI + "asyncio_default_fixture_loop_scope = function\n"

AUTO_INI = STRICT_INI + "asyncio_mode = auto\n"

USER_TESTS = """
import pytest

from pushwoosh_async import CreateMessage, GetTags, Notification, RegisterDevice
from pushwoosh_async.testing import Fault, When

seen = []


@MARK
async def test_client_talks_to_the_fake(pushwoosh_client, pushwoosh_fake):
    await pushwoosh_client(RegisterDevice(hwid="h1", device_type=3, tags={"a": 1}))
    assert (await pushwoosh_client(GetTags(hwid="h1"))).values == {"a": 1}
    assert pushwoosh_fake.api_token == "test-api-token"
    assert pushwoosh_fake.device_token == "test-device-token"
    assert pushwoosh_fake.state.applications == {"ABCDE-12345"}
    seen.append(pushwoosh_client)


@MARK
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

UNKNOWN_DEVICE_TESTS = """
import pytest

from pushwoosh_async import CreateMessage, Notification
from pushwoosh_async.errors import UnknownDevicesWarning

TO_NOBODY = CreateMessage(notifications=[Notification(content="Hi", devices=["unknown-hwid"])])


@pytest.mark.asyncio
async def test_sends_to_an_unknown_device(pushwoosh_client):
    result = await pushwoosh_client(TO_NOBODY)
    assert result.unknown_devices


@pytest.mark.asyncio
async def test_pytest_warns_still_sees_it(pushwoosh_client):
    with pytest.warns(UnknownDevicesWarning):
        await pushwoosh_client(TO_NOBODY)


@pytest.mark.asyncio
@pytest.mark.filterwarnings("error::pushwoosh_async.errors.UnknownDevicesWarning")
async def test_its_own_mark_wins(pushwoosh_client):
    with pytest.raises(UnknownDevicesWarning):
        await pushwoosh_client(TO_NOBODY)
"""


def run_suite(pytester: pytest.Pytester, ini: str, mark: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makeini(ini)
    pytester.makepyfile(test_user=USER_TESTS.replace("MARK", mark))
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error", *args)


@pytest.mark.parametrize(
    ("ini", "mark", "args"),
    [
        pytest.param(STRICT_INI, "pytest.mark.asyncio", (), id="pytest-asyncio strict"),
        pytest.param(AUTO_INI, "pytest.mark.filterwarnings('error')", (), id="pytest-asyncio auto"),
        pytest.param(
            STRICT_INI, "pytest.mark.asyncio(loop_scope='module')", (), id="a module-scoped loop"
        ),
        pytest.param(STRICT_INI, "pytest.mark.anyio", (), id="anyio beside pytest-asyncio"),
        pytest.param(ANYIO_INI, "pytest.mark.anyio", ("-p", "no:asyncio"), id="anyio alone"),
    ],
)
def test_the_fixtures_work_under_each_async_plugin(
    pytester: pytest.Pytester, ini: str, mark: str, args: tuple[str, ...]
) -> None:
    """Strict and auto mode, anyio: the client is opened and closed on the test's own loop."""
    result = run_suite(pytester, ini, mark, "-vv", "--durations=0", *args)
    result.assert_outcomes(passed=3)
    pattern = r"(\d+\.\d+)s call +test_user.py::test_retries_without_sleeping"
    (seconds,) = [float(m[1]) for line in result.outlines if (m := re.match(pattern, line))]
    assert seconds < 1, "a 30 s Retry-After was slept for real"


def test_without_an_async_plugin_the_failure_says_what_to_install(
    pytester: pytest.Pytester,
) -> None:
    result = run_suite(pytester, ANYIO_INI, "pytest.mark.asyncio", "-p", "no:asyncio")
    result.stdout.fnmatch_lines(["*no plugin runs this test: install pytest-asyncio*"])
    assert result.ret != 0


def test_a_non_asyncio_anyio_backend_is_refused_by_name(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        CONFTEST + "\nimport pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'trio'\n"
    )
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(test_user=USER_TESTS.replace("MARK", "pytest.mark.anyio"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*PushwooshClient runs on asyncio, not on anyio's 'trio'*"])
    assert result.ret != 0


def warning_suite(pytester: pytest.Pytester, switch: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makeini(STRICT_INI + switch)
    pytester.makepyfile(test_user=UNKNOWN_DEVICE_TESTS)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error", *args)


def test_under_filterwarnings_error_an_unknown_device_fails_by_default(
    pytester: pytest.Pytester,
) -> None:
    """Without the switch pytest's own filters decide: ``error`` makes the warning raise."""
    result = warning_suite(pytester, "")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*UnknownDevicesWarning: 1 targeted device(s) are unknown*"])


@pytest.mark.parametrize(
    ("switch", "args"),
    [
        pytest.param("pushwoosh_warnings = ignore\n", (), id="ini"),
        pytest.param("", ("--pushwoosh-warnings=ignore",), id="command line"),
    ],
)
def test_pushwoosh_warnings_ignore_keeps_them_out_of_an_error_run(
    pytester: pytest.Pytester, switch: str, args: tuple[str, ...]
) -> None:
    """Above ``-W error`` and the ini's ``filterwarnings``; a test's own mark still wins."""
    result = warning_suite(pytester, switch, *args)
    result.assert_outcomes(passed=3)
    assert "UnknownDevicesWarning" not in result.stdout.str()


def test_pushwoosh_warnings_default_shows_them_without_failing(pytester: pytest.Pytester) -> None:
    result = warning_suite(pytester, "pushwoosh_warnings = default\n")
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines(["*warnings summary*", "*UnknownDevicesWarning*"])


def test_a_misspelt_pushwoosh_warnings_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = warning_suite(pytester, "pushwoosh_warnings = ignroe\n")
    result.stderr.fnmatch_lines(["*pushwoosh_warnings must be one of default, error, ignore*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_importing_the_plugin_does_not_register_fixtures_globally() -> None:
    """The library declares no pytest11 entry point: the plugin loads only when asked for."""
    names = [ep.value for ep in entry_points(group="pytest11")]
    assert "pushwoosh_async.testing.pytest_plugin" not in names
