"""What every test module shares: the test account's tokens and ids, envelopes, examples.

Import it as ``from tests.support import ...`` (the suite runs under ``--import-mode=importlib``
with the project root on ``pythonpath``). Each constant is defined here and nowhere else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

API: Final = "https://api.pushwoosh.com"
"""The production API host, as the client builds URLs for it."""
JOURNEY: Final = "https://journey.pushwoosh.com"
"""The customer journey host."""
API_TOKEN: Final = "SERVER_API_TOKEN"
"""The server API token the tests use (the catalogue's placeholder)."""
DEVICE_TOKEN: Final = "DEVICE_API_TOKEN"
"""The device API token the tests use."""
APPLICATION: Final = "ABCDE-12345"
"""The application code the tests use."""

EXAMPLES: Final = Path(__file__).resolve().parent / "data" / "examples"
"""The API catalogue's example requests and replies, vendored with the tests."""


def ok(response: Any = None, message: str = "OK") -> dict[str, Any]:
    """A v1.3 success envelope around ``response``."""
    return {"status_code": 200, "status_message": message, "response": response}


def example(name: str) -> Any:
    """One example file of the catalogue, parsed."""
    return json.loads((EXAMPLES / name).read_text())
