"""Fixtures for the per-section wire tests."""

from __future__ import annotations

import pytest
import respx


@pytest.fixture
def router() -> respx.Router:
    """No base URL: these tests assert the full URL, host included."""
    return respx.Router(assert_all_called=False)
