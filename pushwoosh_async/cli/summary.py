"""The end of a ``bulk`` run: its summary table, its exit status and its JSON report file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Protocol

from pushwoosh_async.bulk import BulkReport
from pushwoosh_async.cli.exit_codes import ExitCode

__all__ = ["Reportable", "exit_code", "finish_report", "summary", "table", "write_report"]


class Reportable(Protocol):
    """A run's report that ``--report`` writes: ``BulkReport``, ``ImportReport``."""

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""


def table(rows: list[tuple[str, str]]) -> str:
    """A summary's rows, names in one column: what every long run prints at its end."""
    return "\n".join(f"{name:<13}{value}" for name, value in rows)


def summary(report: BulkReport) -> str:
    """The table printed after a run: counts, chunks, time, rate, and why it stopped early."""
    statuses = [chunk.status for chunk in report.chunks]
    rows = [
        ("sent", f"{report.sent:,}"),
        ("unknown", f"{report.unknown:,} (devices Pushwoosh does not know)"),
        ("failed", f"{report.failed:,}"),
        ("unconfirmed", f"{report.unconfirmed:,} (may have been sent; resume to be sure)"),
        (
            "chunks",
            (
                f"{len(statuses):,} ({statuses.count('sent')} sent, "
                f"{statuses.count('failed')} failed, {statuses.count('unconfirmed')} unconfirmed)"
            ),
        ),
        ("elapsed", f"{report.elapsed:.2f} s"),
        ("rate", f"{report.rate:,.0f} recipients/s"),
    ]
    if report.cancelled:
        rows.append(("cancelled", "yes: chunks in flight are counted unconfirmed"))
    if report.stopped_by:
        rows.append(("stopped by", report.stopped_by))
    return table(rows)


def exit_code(report: BulkReport) -> ExitCode:
    """OK if all went, PARTIAL if some chunk went and some did not, FAILURE if none went.

    NOT_DELIVERED when every chunk went but no recipient was delivered (all unknown, or none).
    """
    trouble = report.failed or report.unconfirmed or report.cancelled or report.stopped_by
    accepted = any(chunk.status == "sent" for chunk in report.chunks)
    if trouble and not accepted:  # also an auth error: it stops the run at its first chunk
        return ExitCode.FAILURE
    if trouble:
        return ExitCode.PARTIAL
    return ExitCode.OK if report.sent else ExitCode.NOT_DELIVERED


def write_report(path: str, report: Reportable) -> None:
    """Write ``report`` as JSON to ``path``, atomically (through ``path.part``)."""
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def finish_report(path: str | None, report: Reportable, code: ExitCode) -> ExitCode:
    """Write ``--report`` to ``path`` if given and say where; the run's exit status.

    The path was checked before the run, but the disk may still fill up: then the summary has
    been printed already, the error goes to stderr and the status is at least ``PARTIAL``.
    """
    if not path:
        return code
    try:
        write_report(path, report)
    except OSError as exc:
        print(f"error: cannot write the report to {path}: {exc}", file=sys.stderr)
        return max(code, ExitCode.PARTIAL)
    print(f"{'report':<13}{path}")
    return code
