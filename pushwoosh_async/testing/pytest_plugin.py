"""Pytest fixtures for testing code that talks to Pushwoosh, against ``FakePushwoosh``.

Enable them in your own root ``conftest.py`` (or with ``-p pushwoosh_async.testing.pytest_plugin``);
there is no automatic entry point, so installing the library never changes a test suite that did
not ask for it::

    pytest_plugins = ["pushwoosh_async.testing.pytest_plugin"]

Then::

    @pytest.mark.asyncio  # not needed with asyncio_mode = auto; @pytest.mark.anyio for anyio
    async def test_welcome_push(pushwoosh_client, pushwoosh_fake):
        await send_welcome(pushwoosh_client, user_id="u-1")
        assert len(pushwoosh_fake.state.messages) == 1

``pushwoosh_client`` works under pytest-asyncio in strict and auto mode and under anyio's pytest
plugin (asyncio backend): a plain fixture picks, per test, an async fixture run by the plugin that
runs the test, on the test's own event loop, so the client is opened and closed on the loop it
is used in.

The ini option (or ``--pushwoosh-warnings``) ``pushwoosh_warnings = ignore`` (or ``default``,
``error``, ``always``, ``once``, ``module``) sets the action for every
:class:`~pushwoosh_async.errors.PushwooshWarning` (``UnknownDevicesWarning``, ``LimitWarning``),
above ``filterwarnings`` and ``-W error``; a test's own ``filterwarnings`` mark, and
``pytest.warns``, still win.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from typing import Any, Final, Literal, cast

import pytest

from pushwoosh_async.client import PushwooshClient
from pushwoosh_async.errors import PushwooshWarning
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.testing.fake import FakePushwoosh

HAS_PYTEST_ASYNCIO: Final = importlib.util.find_spec("pytest_asyncio") is not None
if HAS_PYTEST_ASYNCIO:  # else anyio's plugin alone
    import pytest_asyncio

__all__ = [
    "FAKE_API_TOKEN",
    "FAKE_APPLICATION",
    "FAKE_DEVICE_TOKEN",
    "pushwoosh_client",
    "pushwoosh_fake",
]

FAKE_API_TOKEN = "test-api-token"  # noqa: S105 (the fake's own token)
FAKE_DEVICE_TOKEN = "test-device-token"  # noqa: S105
FAKE_APPLICATION = "ABCDE-12345"

WARNING_ACTIONS: Final = ("default", "error", "ignore", "always", "module", "once")
_CATEGORY: Final = f"{PushwooshWarning.__module__}.{PushwooshWarning.__qualname__}"
LoopScope = Literal["function", "class", "module", "package", "session"]
LOOP_SCOPES: Final[tuple[LoopScope, ...]] = ("function", "class", "module", "package", "session")
_NO_RUNNER: Final = (
    "pushwoosh_client is an async fixture and no plugin runs this test: install pytest-asyncio "
    "(mark the test @pytest.mark.asyncio, or asyncio_mode = auto), or mark it @pytest.mark.anyio"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``pushwoosh_warnings``: the action for Pushwoosh warnings in every test."""
    help_text = f"action for PushwooshWarning in every test: {', '.join(WARNING_ACTIONS)}"
    parser.addini("pushwoosh_warnings", help_text, default="")
    parser.getgroup("pushwoosh").addoption(
        "--pushwoosh-warnings", dest="pushwoosh_warnings", choices=WARNING_ACTIONS, help=help_text
    )


def _warnings_action(config: pytest.Config) -> str:
    action = str(
        config.getoption("pushwoosh_warnings") or config.getini("pushwoosh_warnings")
    ).strip()
    if action and action not in WARNING_ACTIONS:
        msg = f"pushwoosh_warnings must be one of {', '.join(WARNING_ACTIONS)}, not {action!r}"
        raise pytest.UsageError(msg)
    return action


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a misspelt ``pushwoosh_warnings`` before any test runs."""
    _warnings_action(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every test the Pushwoosh warning filter, below the test's own marks.

    pytest applies ``filterwarnings`` marks after ``-W`` and the ini's ``filterwarnings``, the
    first mark of a test first; this one goes first, so a test's own mark overrides it.
    """
    action = _warnings_action(config)
    if action:
        mark = pytest.mark.filterwarnings(f"{action}::{_CATEGORY}")
        for item in items:
            item.add_marker(mark, append=False)


@pytest.fixture
def pushwoosh_fake() -> FakePushwoosh:
    """A fresh fake Pushwoosh account: the tokens above and application ``ABCDE-12345``."""
    return FakePushwoosh(
        api_token=FAKE_API_TOKEN,
        device_token=FAKE_DEVICE_TOKEN,
        applications=[FAKE_APPLICATION],
    )


@pytest.fixture
def pushwoosh_client(request: pytest.FixtureRequest) -> PushwooshClient:
    """A client wired to ``pushwoosh_fake``, retrying without sleeping; closed after the test.

    Opened and closed by the async plugin that runs the test, on the test's event loop.
    """
    if "anyio_backend" in request.fixturenames:
        backend = request.getfixturevalue("anyio_backend")
        name = backend if isinstance(backend, str) else backend[0]
        if name != "asyncio":
            msg = f"PushwooshClient runs on asyncio, not on anyio's {name!r} backend"
            pytest.fail(msg, pytrace=False)
        fixture = "_pushwoosh_client_anyio"
    elif HAS_PYTEST_ASYNCIO and request.config.pluginmanager.has_plugin("asyncio"):
        fixture = f"_pushwoosh_client_{_test_loop_scope(request)}_loop"
    else:
        pytest.fail(_NO_RUNNER, pytrace=False)
    return cast("PushwooshClient", request.getfixturevalue(fixture))


def _test_loop_scope(request: pytest.FixtureRequest) -> LoopScope:
    """The scope of the loop pytest-asyncio runs this test in (its mark, else the ini's default)."""
    marker = request.node.get_closest_marker("asyncio")
    scope = marker.kwargs.get("loop_scope") or marker.kwargs.get("scope") if marker else None
    if not scope:
        try:
            scope = request.config.getini("asyncio_default_test_loop_scope")
        except ValueError:  # an older pytest-asyncio: function loops only
            scope = None
    return next((known for known in LOOP_SCOPES if known == scope), "function")


def _client_fixture(loop_scope: LoopScope | None) -> Any:
    """The async fixture behind ``pushwoosh_client``: for anyio (``None``) or a loop scope."""

    async def fixture(pushwoosh_fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
        client = PushwooshClient(
            FAKE_API_TOKEN,
            device_token=FAKE_DEVICE_TOKEN,
            application=FAKE_APPLICATION,
            transport=pushwoosh_fake.transport,
            retry=RetryPolicy(initial_delay=0, jitter=0, max_retry_after=0),
        )
        try:
            yield client
        finally:
            await client.aclose()

    if loop_scope is None:
        return pytest.fixture(name="_pushwoosh_client_anyio")(fixture)
    name = f"_pushwoosh_client_{loop_scope}_loop"
    return pytest_asyncio.fixture(loop_scope=loop_scope, name=name)(fixture)


_pushwoosh_client_anyio = _client_fixture(None)
if HAS_PYTEST_ASYNCIO:
    _pushwoosh_client_function_loop = _client_fixture("function")
    _pushwoosh_client_class_loop = _client_fixture("class")
    _pushwoosh_client_module_loop = _client_fixture("module")
    _pushwoosh_client_package_loop = _client_fixture("package")
    _pushwoosh_client_session_loop = _client_fixture("session")
