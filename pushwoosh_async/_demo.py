"""A stand-in Pushwoosh for the command line's demo mode (no token given).

It answers ``createMessage`` as the service does: one code per notification,
``CODE_NOT_AVAILABLE`` for an immediate send to fewer than 10 devices, and ``UnknownDevices`` for
hwids it has never seen (here: any that start with ``unknown``). It runs behind
``httpx.MockTransport``, so the demo exercises the client's whole pipeline.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

__all__ = ["DemoPushwoosh"]


class DemoPushwoosh:
    """An in-process createMessage endpoint that records what it received."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._codes = (f"DEMO-{n:08X}-00000000" for n in itertools.count(1))

    @property
    def transport(self) -> httpx.MockTransport:
        """The transport to give ``PushwooshClient(transport=...)``."""
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)["request"]
        self.received.append(body)
        codes: list[str] = []
        unknown: dict[str, list[str]] = {}
        for note in body.get("notifications", []):
            devices = note.get("devices", [])
            code = next(self._codes)
            few = note.get("send_date") == "now" and 0 < len(devices) < 10
            codes.append("CODE_NOT_AVAILABLE" if few else code)
            strangers = [d for d in devices if d.startswith("unknown")]
            if strangers:
                unknown[codes[-1]] = strangers
        response: dict[str, Any] = {"Messages": codes}
        if unknown:
            response["UnknownDevices"] = unknown
        return httpx.Response(
            200, json={"status_code": 200, "status_message": "OK", "response": response}
        )
