"""Where a bulk run keeps its progress, so that a stopped run resumes without sending twice.

``bulk.BulkSender(checkpoint=...)`` takes a path (a :class:`JsonCheckpoint`) or any
:class:`CheckpointStore`, such as one backed by a database or Redis.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import attrs

__all__ = ["CheckpointStore", "JsonCheckpoint"]


class CheckpointStore(Protocol):
    """Where a run keeps its id and finished chunks, so that a stopped run can resume."""

    def load(self) -> dict[str, Any] | None:
        """The saved state, or ``None`` for a new run."""

    def save(self, state: dict[str, Any]) -> None:
        """Persist the state (called after chunks finish, and at the end)."""


@attrs.define
class JsonCheckpoint:
    """A checkpoint in a small JSON file, replaced atomically on each save."""

    path: Path = attrs.field(converter=Path)

    def load(self) -> dict[str, Any] | None:
        """The saved state, or ``None`` if the file does not exist."""
        try:
            state: dict[str, Any] = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        return state

    def save(self, state: dict[str, Any]) -> None:
        """Write the state to a temporary file, then rename it over the old one."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.path)
