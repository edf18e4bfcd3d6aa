"""The command line tests start with no token in the environment: demo mode unless they say."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset the tokens and application, so the host's environment cannot leak into a test."""
    for name in ("PUSHWOOSH_API_TOKEN", "PUSHWOOSH_DEVICE_TOKEN", "PUSHWOOSH_APPLICATION"):
        monkeypatch.delenv(name, raising=False)
