"""``pushwoosh segment import``: tag the users (or devices) of a file, then create the segment.

A file is read as CSV (one column of it: ``--column``); ``-`` reads stdin, one identifier per
line. Progress goes to stderr after each ``bulkSetTags`` batch, then a summary to stdout; Ctrl-C
stops the run cleanly (batches in flight are unconfirmed) and still prints it, with how to
resume.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pushwoosh_async.cli.exit_codes import ExitCode, UsageError
from pushwoosh_async.cli.interrupt import run_interruptible
from pushwoosh_async.cli.lines import lines
from pushwoosh_async.cli.options import (
    Subcommands,
    add_command,
    add_poll_option,
    add_progress_option,
    add_report_option,
)
from pushwoosh_async.cli.paths import output_path
from pushwoosh_async.cli.progress import Progress
from pushwoosh_async.cli.session import FAKE_USERS, connect, demo_notice, poll_interval
from pushwoosh_async.cli.summary import finish_report, table
from pushwoosh_async.segments import ImportReport, SegmentImport, identifiers_from_csv

if TYPE_CHECKING:
    from pushwoosh_async.segments.import_report import TagValue

__all__ = ["add_parser", "exit_code", "run", "summary"]

_DEMO_NOTICE: Final = demo_notice(
    f"no rate limits; known users {', '.join(FAKE_USERS)} (devices hwid-1, hwid-2, hwid-3): "
    "the others are reported not found"
)
_EXAMPLES: Final = 5
"""Failed identifiers the summary lists (``--report`` has every example the run kept)."""


def add_parser(subparsers: Subcommands) -> None:
    """Declare ``segment import`` and its options."""
    parser = add_command(
        subparsers,
        "import",
        help="tag the users (or hwids) of a CSV file, then create the segment NAME on that tag",
        description="Import a segment: every identifier of FILE (a CSV file; - reads stdin, one "
        "per line) gets the tag TAG (default import_NAME) set to VALUE (default yes) through "
        "bulkSetTags, in batches of up to 1,000 at the account's pace; once all are tagged the "
        "filter NAME is created on that tag. With --checkpoint a stopped run resumes when run "
        "again.",
    )
    parser.add_argument("name", metavar="NAME", help="the segment (filter) to create")
    parser.add_argument("file", metavar="FILE", help="CSV file of identifiers (- for stdin)")
    parser.add_argument(
        "--by", choices=("user_id", "hwid"), default="user_id", help="what FILE lists (user_id)"
    )
    parser.add_argument(
        "--column",
        metavar="N|NAME",
        default="0",
        help="the CSV column: a position from 0, or a header name (default 0)",
    )
    parser.add_argument("--tag", help="the tag to set (default import_NAME)")
    parser.add_argument("--value", default="yes", help="the value to set it to (default yes)")
    parser.add_argument(
        "--checkpoint",
        metavar="PATH",
        type=output_path,
        help="JSON checkpoint file: a stopped run resumes from it (checked before sending)",
    )
    add_report_option(parser)
    add_progress_option(parser)
    add_poll_option(parser)
    parser.set_defaults(run=run, command="segment import")


def _identifiers(args: argparse.Namespace) -> Iterable[str] | AsyncIterable[str]:
    """FILE's identifiers, read lazily; a file that cannot be read is bad usage (exit 2)."""
    column: str | int = int(args.column) if args.column.isdigit() else args.column
    if args.file == "-":
        if column != 0:
            msg = "--column needs a file: stdin is read one identifier per line"
            raise UsageError(msg)
        return lines(sys.stdin)
    path = Path(args.file)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        msg = f"cannot read {args.file}: {exc.strerror or exc}"
        raise UsageError(msg) from exc
    return identifiers_from_csv(path, column=column)


class _ImportProgress:
    """After each batch: identifiers done so far, the rate, and what was not tagged."""

    def __init__(self, every: float) -> None:
        self.line = Progress(every)

    def __call__(self, report: ImportReport) -> None:
        if not self.line.due():
            return
        done = report.tagged + report.not_found + report.failed
        rate = done / report.elapsed if report.elapsed > 0 else 0.0
        parts = [f"{done:,} identifiers", f"{report.batches:,} batches", f"{rate:,.0f}/s"]
        if report.not_found:
            parts.append(f"not found {report.not_found:,}")
        if report.failed or report.unsent:
            parts.append(f"failed {report.failed:,} unsent {report.unsent:,}")
        self.line.show("  ".join(parts))


def summary(report: ImportReport) -> str:
    """The table printed after an import: counts, the filter, and why it stopped early."""
    done = report.tagged + report.not_found + report.failed
    rate = done / report.elapsed if report.elapsed > 0 else 0.0
    filter_state = "created (or found as it was)" if report.filter_created else "not created"
    rows = [
        ("segment", f"{report.name} ({filter_state})"),
        ("expression", report.filter_expression),
        ("identifiers", f"{report.identifiers:,} read ({report.duplicates:,} duplicates)"),
        ("tagged", f"{report.tagged:,}"),
        ("not found", f"{report.not_found:,} (identifiers Pushwoosh does not know)"),
        ("failed", f"{report.failed:,}"),
        ("unsent", f"{report.unsent:,} (in batches failed or unconfirmed: a resume sends them)"),
        ("batches", f"{report.batches:,} ({report.resumed_batches:,} from the checkpoint)"),
        ("elapsed", f"{report.elapsed:.2f} s"),
        ("rate", f"{rate:,.0f} identifiers/s"),
        ("complete", "yes" if report.complete else "no"),
    ]
    if report.cancelled:
        rows.append(("cancelled", "yes: batches in flight are counted unsent"))
    if report.stopped_by:
        rows.append(("stopped by", report.stopped_by))
    if report.examples:
        shown = report.examples[:_EXAMPLES]
        listed = ", ".join(f"{e.identifier} ({e.status.replace('_', ' ')})" for e in shown)
        more = len(report.examples) - len(shown)
        rows.append(("examples", listed + (f", and {more:,} more in --report" if more else "")))
    return table(rows)


def exit_code(report: ImportReport) -> ExitCode:
    """OK when complete with every identifier tagged; FAILURE when none was; else PARTIAL."""
    if report.tagged == 0:
        return ExitCode.FAILURE
    if report.complete and not (report.not_found or report.failed):
        return ExitCode.OK
    return ExitCode.PARTIAL


def _resume_hint(args: argparse.Namespace) -> str:
    if args.checkpoint:
        return f"to resume, run the same command again (its checkpoint is {args.checkpoint})"
    return (
        "to make a run resumable, give it --checkpoint PATH; run again as it is, it sends every "
        "batch again (setting the same tag twice changes nothing)"
    )


async def run(args: argparse.Namespace) -> ExitCode:
    """Import with progress; print the summary, write the report if asked."""
    identifiers = _identifiers(args)
    value: TagValue = args.value
    client, fake = connect(args, notice=_DEMO_NOTICE, to=sys.stderr, unlimited=True)
    progress = _ImportProgress(args.progress_every)
    async with client:
        job = SegmentImport(
            client,
            args.name,
            identifiers,
            by=args.by,
            tag=args.tag,
            value=value,
            checkpoint=args.checkpoint,
            application=args.application,
            on_progress=progress,
            poll_interval=poll_interval(args, fake),
        )
        report = await run_interruptible(job, in_flight="batches in flight are unconfirmed")
    progress.line.close()
    print(summary(report))
    code = exit_code(report)
    if not report.complete:
        print(f"the import is not complete: {_resume_hint(args)}", file=sys.stderr)
    return finish_report(args.report, report, code)
