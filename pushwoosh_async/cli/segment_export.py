"""``pushwoosh segment export``: the devices a filter expression selects, as rows or as a file.

Without ``--out`` the rows go to stdout (CSV with a header line, or JSON lines); with it the
archive Pushwoosh made is saved as downloaded. What went wrong with the job, the link, the
download or the archive is one line on stderr and :attr:`ExitCode.FAILURE`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
import time
from typing import IO, Any, Final

from pushwoosh_async.cli.exit_codes import ExitCode
from pushwoosh_async.cli.options import (
    Subcommands,
    add_command,
    add_poll_option,
    add_progress_option,
)
from pushwoosh_async.cli.paths import output_path
from pushwoosh_async.cli.progress import Progress
from pushwoosh_async.cli.session import (
    FAKE_APPLICATION,
    connect,
    demo_account,
    demo_notice,
    poll_interval,
)
from pushwoosh_async.cli.summary import table
from pushwoosh_async.errors import (
    ArchiveError,
    DownloadFailed,
    DownloadTooLarge,
    PushwooshError,
    UnsafeDownloadURL,
)
from pushwoosh_async.jobs import JobFailed, JobTimeout
from pushwoosh_async.segments import ExportedDevice, SegmentExport
from pushwoosh_async.segments.export import EXPORT_FIELDS
from pushwoosh_async.segments.export import FIELD_ATTRIBUTES as COLUMNS

__all__ = ["add_parser", "fields", "run"]

FAILURES: Final = (
    UnsafeDownloadURL,
    DownloadTooLarge,
    ArchiveError,
    DownloadFailed,
    JobFailed,
    JobTimeout,
)
"""What an export can end with that is no bad usage: a one-line error, exit 3."""
_DEMO_NOTICE: Final = demo_notice(
    f'{demo_account()}; every device: A("{FAKE_APPLICATION}"), one language: '
    'T("Language", EQ, "en")'
)
_ROWS_PER_CHECK: Final = 1000
"""Rows written between two looks at the clock for a progress line."""


def fields(text: str) -> tuple[str, ...]:
    """An argparse type: comma-separated ``exportData`` names (``hwids,users``)."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(set(names) - EXPORT_FIELDS)
    if unknown or not names:
        msg = f"must be some of {', '.join(COLUMNS)}, not {', '.join(unknown) or 'none'}"
        raise argparse.ArgumentTypeError(msg)
    return names


def add_parser(subparsers: Subcommands) -> None:
    """Declare ``segment export`` and its options."""
    parser = add_command(
        subparsers,
        "export",
        help="write the devices a filter expression selects (stdout, or --out FILE)",
        description="Export the devices a filter expression selects (e.g. "
        '\'T("Language", EQ, "en")\'): Pushwoosh builds a ZIP, which is downloaded without any '
        "token. Without --out its rows go to stdout: CSV (a header line, then hwid, push_token, "
        "user_id, tags as JSON text) or JSON lines. With --out the ZIP is saved as downloaded.",
    )
    parser.add_argument("expression", metavar="EXPR", help="the filter expression to export")
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="file and row format (csv)"
    )
    parser.add_argument(
        "--fields",
        type=fields,
        default=None,
        metavar="LIST",
        help=f"comma-separated, some of {','.join(COLUMNS)} (default: all)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=output_path,
        help="save the ZIP here instead of printing rows (checked before anything is sent)",
    )
    add_progress_option(parser)
    add_poll_option(parser)
    parser.set_defaults(run=run, command="segment export")


def _record(device: ExportedDevice, columns: list[str]) -> dict[str, Any]:
    """The row's columns (the ``ExportedDevice`` attributes of the fields asked for)."""
    record = {column: getattr(device, column) for column in columns}
    if "tags" in record:
        record["tags"] = dict(record["tags"])
    return record


def _json_text(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


class _Rows:
    """Writes rows to ``out``: CSV (header first, tags as JSON text) or JSON lines.

    The columns the library maps to no field are never dropped: JSON lines carry them under
    ``extra``, CSV in a last ``extra`` column as JSON text (empty when a row has none). The CSV
    header is written with the first row (or by :meth:`finish`, for none), so an export that
    fails before its rows prints nothing to stdout.
    """

    def __init__(self, out: IO[str], export_format: str, columns: list[str]) -> None:
        self._columns = columns
        self._csv = csv.writer(out, lineterminator="\n") if export_format == "csv" else None
        self._out = out
        self._header = self._csv is not None

    def finish(self) -> None:
        """Before the first row, or after the last: the CSV header, if not written yet."""
        if self._header and self._csv is not None:
            self._header = False
            self._csv.writerow([*self._columns, "extra"])

    def write(self, device: ExportedDevice) -> None:
        self.finish()
        record = _record(device, self._columns)
        if self._csv is None:
            if device.extra:  # columns the library maps to no field: kept, never dropped
                record["extra"] = dict(device.extra)
            self._out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            return
        if "tags" in record:
            record["tags"] = _json_text(record["tags"])
        record["extra"] = _json_text(dict(device.extra)) if device.extra else None
        self._csv.writerow(["" if value is None else value for value in record.values()])


async def _print_rows(export: SegmentExport, args: argparse.Namespace) -> tuple[int, int]:
    """Print every row; the number of rows and of bytes downloaded."""
    columns = [COLUMNS[name] for name in COLUMNS if args.fields is None or name in args.fields]
    rows = _Rows(sys.stdout, args.format, columns)
    progress = Progress(args.progress_every)
    count = 0
    async with export:
        async for device in export:
            rows.write(device)
            count += 1
            if count % _ROWS_PER_CHECK == 0 and progress.due():
                progress.show(f"{count:,} rows")
    rows.finish()
    progress.close()
    sys.stdout.flush()
    return count, export.bytes


async def run(args: argparse.Namespace) -> ExitCode:
    """Export; print the rows (or save the file), then a summary (on stderr for rows)."""
    client, fake = connect(args, notice=_DEMO_NOTICE, to=sys.stderr, unlimited=True)
    started = time.monotonic()
    options: dict[str, Any] = {"format": args.format, "fields": args.fields}
    options["interval"] = poll_interval(args, fake)
    try:
        async with client:
            if args.out is not None:
                saved = await client.export_segment(args.expression, save_to=args.out, **options)
                count = "unknown" if saved.devices_count is None else f"{saved.devices_count:,}"
                rows = [("saved", str(saved.path)), ("bytes", f"{saved.bytes:,}")]
                print(table([*rows, ("devices", count), ("format", saved.format.value.lower())]))
                return ExitCode.OK
            export = client.export_segment(args.expression, **options)
            devices, size = await _print_rows(export, args)
    except FAILURES as error:
        print(f"error: {type(error).__name__}: {_one_line(error)}", file=sys.stderr)
        return ExitCode.FAILURE
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        _silence_stdout()
        return ExitCode.OK
    finally:
        if fake is not None:
            fake.exports.close()  # the demo's archives, in a temporary directory
    elapsed = time.monotonic() - started
    print(
        f"exported {devices:,} devices ({size:,} bytes downloaded) in {elapsed:.2f} s",
        file=sys.stderr,
    )
    return ExitCode.OK


def _silence_stdout() -> None:
    """Point stdout at the null device, so the exit's flush cannot fail on the closed pipe."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _one_line(error: PushwooshError) -> str:
    return " ".join(str(error).split())
