"""The typed outcome of a segment import: per batch, per failed identifier, and overall."""

from __future__ import annotations

from typing import Any, Literal

import attrs

__all__ = ["BatchReport", "Failure", "ImportReport", "Status", "TagValue"]

TagValue = str | int | float | bool
"""What an import may set its tag to: one plain value, so that setting it twice changes nothing."""
Status = Literal["tagged", "failed", "unconfirmed"]


@attrs.frozen
class Failure:
    """One identifier the import could not tag: ``not_found`` or ``failed`` (with the error)."""

    identifier: str
    status: str
    error: str | None = None


@attrs.frozen
class BatchReport:
    """One ``bulkSetTags`` call: identifiers number ``start`` to ``start + count - 1``.

    ``sent`` is how many entries it carried (``count`` less the duplicates within it); ``done``,
    ``not_found`` and ``failed`` are its job's per-entry outcomes once ``tagged``.
    """

    index: int
    start: int
    count: int
    sent: int
    status: Status
    done: int = 0
    not_found: int = 0
    failed: int = 0
    error: str | None = None
    request_id: str | None = None


@attrs.frozen
class ImportReport:
    """What an import did.

    ``tagged``, ``not_found`` and ``failed`` count the entries of tagged batches; ``unsent`` the
    identifiers of batches failed or unconfirmed (a resume sends them again).
    """

    name: str
    tag: str
    value: TagValue
    filter_expression: str
    filter_created: bool
    """True once the filter exists (created by this run, an earlier one, or found as it was)."""
    identifiers: int
    duplicates: int
    batches: int
    tagged: int
    not_found: int
    failed: int
    unsent: int
    resumed_batches: int
    examples: tuple[Failure, ...]
    elapsed: float
    cancelled: bool = False
    stopped_by: str | None = None

    @property
    def complete(self) -> bool:
        """Every batch was tagged and the filter exists."""
        return self.filter_created and self.unsent == 0

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (for the command line)."""
        data = attrs.asdict(self, filter=lambda field, _: field.name != "examples")
        examples = [attrs.asdict(example) for example in self.examples]
        return (
            data
            | {"elapsed": round(self.elapsed, 3), "complete": self.complete}
            | {"examples": examples}
        )
