"""The handler type: what one fake method is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pushwoosh_async.testing._request import Request

__all__ = ["Handler"]

Handler = Callable[[Request], Any]
"""Gets the account and the authenticated request; returns the reply's data or raises Refusal."""
