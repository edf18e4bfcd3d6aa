"""What a fake method handler gets and how it refuses: :class:`Request` and :class:`Refusal`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from pushwoosh_async.testing._state import Account

__all__ = ["FEW_DEVICES", "MAX_RECIPIENTS", "Refusal", "Request"]

MAX_RECIPIENTS: Final = 1000
FEW_DEVICES: Final = 10
"""Immediate sends to fewer devices than this get ``CODE_NOT_AVAILABLE`` instead of a code."""


class Refusal(Exception):
    """Pushwoosh refuses the call: ``status_code`` in the body, ``http_status`` on the wire."""

    def __init__(self, status_code: int, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.http_status = http_status


@attrs.define
class Request:
    """One authenticated call as a handler sees it."""

    account: Account
    body: dict[str, Any]
    codes: Callable[[], str]
    """Makes a new message or job id."""
    path_args: Mapping[str, str] = attrs.field(factory=dict)

    def application(self) -> str:
        """The call's application code, which must exist (the real 210 answers otherwise)."""
        code = self.body.get("application")
        if not code:
            raise Refusal(210, "No application or group code given")
        if code not in self.account.applications:
            raise Refusal(210, "Application not found")
        return str(code)

    def text(self, name: str) -> str:
        """A required string argument."""
        value = self.body.get(name)
        if not isinstance(value, str) or not value:
            raise Refusal(210, f'Invalid or missing "{name}"')
        return value

    def identifiers(self, name: str, notification: Mapping[str, Any]) -> list[str]:
        """A list of ids in a notification (``devices``, ``users``), validated as Pushwoosh does."""
        value = notification.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Refusal(210, f'Invalid {name} list. "{name}" must be an array.')
        if len(value) > MAX_RECIPIENTS:
            raise Refusal(210, f"Too many {name}: at most {MAX_RECIPIENTS} per notification")
        return value
