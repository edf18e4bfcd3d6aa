"""Where a bulk run keeps its progress, so that a stopped run resumes without sending twice.

``bulk.BulkSender(checkpoint=...)`` takes a path (a :class:`JsonCheckpoint`) or any
:class:`CheckpointStore`, such as one backed by a database or Redis.

A checkpoint is only resumed by the run it was written for. It records a fingerprint of that run:
a digest of each message field's canonical JSON, ``by``, ``chunk_size`` and ``application`` (see
:class:`RunIdentity`), and for every chunk it recorded a digest of that chunk's recipients
(:func:`chunk_digest`). A resume with another message or other settings is refused before
anything is sent; a recipient source that differs at a recorded chunk is refused when that chunk
is read, before any later chunk is sent. Both raise :class:`CheckpointMismatch`, whose message
names the fields or the chunk that differ, never their values. The digests are truncated SHA-256:
the file holds no message text and no recipient id.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import attrs

from pushwoosh_async.errors import ValidationError

__all__ = [
    "FORMAT",
    "CheckpointMismatch",
    "CheckpointStore",
    "JsonCheckpoint",
    "Ledger",
    "RunIdentity",
    "check_chunk",
    "check_end",
    "chunk_digest",
    "message_fingerprint",
]

FORMAT: Final = 2
"""The checkpoint layout this version writes; 1 (no ``format`` key) had no fingerprints."""
_ADVICE: Final = "use a new checkpoint file or delete this one"
_SETTINGS: Final = ("by", "chunk_size", "application")
_BULK: Final = "message"


class CheckpointMismatch(ValidationError):
    """The checkpoint was written for another run: another message, settings or recipients.

    Raised before anything the difference would affect is sent. The message names the fields or
    the chunk that differ, never their values.
    """


class CheckpointStore(Protocol):
    """Where a run keeps its id and finished chunks, so that a stopped run can resume."""

    def load(self) -> dict[str, Any] | None:
        """The saved state, or ``None`` for a new run."""

    def save(self, state: dict[str, Any]) -> None:
        """Persist the state (called before the first chunk, after chunks finish, at the end)."""


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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def chunk_digest(recipients: Sequence[str]) -> str:
    """The fingerprint of one chunk: SHA-256 of its ids joined by newlines, 16 hex digits."""
    return _digest("\n".join(recipients))


def message_fingerprint(fields: Mapping[str, Any]) -> dict[str, str]:
    """Field name -> the digest of the field's canonical JSON (sorted keys, no spaces)."""
    return {
        name: _digest(
            json.dumps(
                value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
            )
        )
        for name, value in fields.items()
    }


@attrs.frozen
class RunIdentity:
    """What a checkpoint must match to be resumed: the message, and how it is cut and sent.

    ``subject`` says what kind of run wrote it: ``"message"`` (a bulk send; not saved, so older
    bulk checkpoints still match) or another, such as ``"segment import"``, whose ``message``
    holds the fingerprint of that run's own settings. A checkpoint of one kind never resumes
    another.
    """

    message: dict[str, str]
    """:func:`message_fingerprint` of the template's wire fields."""
    by: str
    chunk_size: int
    application: str | None
    subject: str = "message"

    def header(self) -> dict[str, Any]:
        """The identity as saved at the top of the checkpoint."""
        kind = {} if self.subject == _BULK else {"subject": self.subject}
        return (
            {"format": FORMAT, "message": self.message}
            | kind
            | {name: getattr(self, name) for name in _SETTINGS}
        )

    def check(self, state: Mapping[str, Any]) -> None:
        """Raise :class:`CheckpointMismatch` unless ``state`` was saved by this same run."""
        if state.get("format") != FORMAT or not isinstance(state.get("message"), dict):
            version = "an older" if "format" not in state else "another"
            msg = (
                f"the checkpoint was written by {version} version of pushwoosh_async, without the"
                f" fingerprints that make resuming safe; {_ADVICE}"
            )
            raise CheckpointMismatch(msg)
        if state.get("subject", _BULK) != self.subject:
            msg = (
                f"the checkpoint was written for a {state.get('subject', _BULK)} run, not for a"
                f" {self.subject}; {_ADVICE}"
            )
            raise CheckpointMismatch(msg)
        saved: dict[str, Any] = state["message"]
        fields = sorted(
            name
            for name in saved.keys() | self.message.keys()
            if saved.get(name) != self.message.get(name)
        )
        settings = [name for name in _SETTINGS if state.get(name) != getattr(self, name)]
        problems = []
        if fields:
            verb = "differs" if len(fields) == 1 else "differ"
            problems.append(f"for a different {self.subject}: {', '.join(fields)} {verb}")
        if settings:
            problems.append(f"with a different {', '.join(settings)}")
        if problems:
            msg = f"the checkpoint was written {' and '.join(problems)}; {_ADVICE}"
            raise CheckpointMismatch(msg)


def check_chunk(entry: Mapping[str, Any], digest: str) -> None:
    """Raise :class:`CheckpointMismatch` if a chunk's recipients differ from its saved ``entry``."""
    if entry.get("digest") != digest:
        start, count = entry["start"], entry["count"]
        msg = (
            f"recipients differ from the checkpoint's at chunk {entry['index']}"
            f" (recipients {start}-{start + count - 1}); {_ADVICE}"
        )
        raise CheckpointMismatch(msg)


def check_end(entries: Mapping[int, Mapping[str, Any]], chunks_read: int) -> None:
    """Raise :class:`CheckpointMismatch` if the recipients ended before a saved chunk."""
    missing = [index for index in entries if index >= chunks_read]
    if missing:
        msg = (
            f"recipients differ from the checkpoint's: they end before chunk {min(missing)},"
            f" which the checkpoint recorded; {_ADVICE}"
        )
        raise CheckpointMismatch(msg)


@attrs.define
class Ledger:
    """A run's side of its checkpoint: what was loaded, what to save, and the checks between.

    ``entries`` are the chunks as saved (a report's fields plus its recipients' ``digest``), by
    index; a loaded entry stays until this run records that chunk again. ``notes`` are a run's
    other steps (a segment import's filter), saved and loaded with them (bulk sends keep none).
    """

    store: CheckpointStore | None
    identity: RunIdentity
    run_id: str
    entries: dict[int, dict[str, Any]] = attrs.field(factory=dict)
    notes: dict[str, Any] = attrs.field(factory=dict)
    _last_save: float = 0.0

    @classmethod
    def start(
        cls,
        store: CheckpointStore | None,
        fields: Mapping[str, Any],
        by: str,
        chunk_size: int,
        application: str | None,
        *,
        subject: str = _BULK,
    ) -> Ledger:
        """A new run's ledger (a fresh run id) for a message with these wire ``fields``."""
        fingerprint = message_fingerprint(fields)
        identity = RunIdentity(fingerprint, by, chunk_size, application, subject)
        return cls(store, identity, uuid.uuid4().hex)

    def resume(self, finished: str = "sent") -> list[dict[str, Any]]:
        """Load the checkpoint, refusing another run's; the entries of ``finished`` chunks."""
        state = self.store.load() if self.store is not None else None
        if not state:
            return []
        self.identity.check(state)
        self.run_id = state["run_id"]
        self.entries = {entry["index"]: entry for entry in state.get("chunks", [])}
        self.notes = dict(state.get("notes", {}))
        return [  # each as ChunkReport's fields
            {k: tuple(v) if k == "unknown_devices" else v for k, v in e.items() if k != "digest"}
            for e in self.entries.values()
            if e["status"] == finished
        ]

    def check(self, index: int, recipients: Sequence[str]) -> str:
        """Chunk ``index``'s digest; :class:`CheckpointMismatch` if it was saved with others."""
        digest = chunk_digest(recipients)
        entry = self.entries.get(index)
        if entry is not None:
            check_chunk(entry, digest)
        return digest

    def check_end(self, chunks_read: int) -> None:
        """Raise :class:`CheckpointMismatch` if the recipients ended before a saved chunk."""
        check_end(self.entries, chunks_read)

    def record(self, entry: dict[str, Any]) -> None:
        """Keep one chunk's entry for the next save (only with a store)."""
        if self.store is not None:
            self.entries[entry["index"]] = entry

    def save(self, *, force: bool = False) -> None:
        """Save the identity, run id and entries: when ``force``d, else at most once a second."""
        now = time.monotonic()
        if self.store is None or (not force and now - self._last_save < 1.0):
            return
        self._last_save = now
        chunks = [self.entries[index] for index in sorted(self.entries)]
        notes = {"notes": self.notes} if self.notes else {}
        self.store.save({**self.identity.header(), "run_id": self.run_id, "chunks": chunks} | notes)
