"""``pushwoosh bulk``: one message to every recipient of a file or stdin, in chunks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Literal

from pushwoosh_async.bulk import BulkSender
from pushwoosh_async.cli.exit_codes import ExitCode
from pushwoosh_async.cli.interrupt import run_interruptible
from pushwoosh_async.cli.lines import count_recipients, lines, open_source
from pushwoosh_async.cli.options import (
    Subcommands,
    add_command,
    add_message_options,
    add_progress_option,
    add_report_option,
    positive,
)
from pushwoosh_async.cli.paths import output_path
from pushwoosh_async.cli.progress import Progress
from pushwoosh_async.cli.session import FAKE_APPLICATION, connect, demo_notice
from pushwoosh_async.cli.summary import exit_code, finish_report, summary

if TYPE_CHECKING:
    from pushwoosh_async.testing import FakePushwoosh

__all__ = ["add_parser", "run"]

_DEMO_NOTICE = demo_notice(
    f"application {FAKE_APPLICATION}, no rate limits; each recipient is registered in it as it "
    'streams past, except those starting with "unknown"'
)


def add_parser(subparsers: Subcommands) -> None:
    """Declare ``bulk`` and its options."""
    parser = add_command(
        subparsers,
        "bulk",
        help="send one message to many recipients, read from a file, in chunks",
        description="Send one message to every recipient of a file (one per line, blank lines "
        "skipped; - for stdin), in chunks of up to 1000, with progress and a final summary.",
    )
    add_message_options(parser)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--devices", metavar="FILE", help="hwids, one per line (- for stdin)")
    source.add_argument("--users", metavar="FILE", help="user ids, one per line (- for stdin)")
    add_report_option(parser)
    parser.add_argument(
        "--checkpoint",
        metavar="PATH",
        type=output_path,
        help="JSON checkpoint file: a stopped run resumes from it (checked before sending)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive,
        default=None,
        help="chunks in flight (default: adapts to the latency, at most 64)",
    )
    parser.add_argument(
        "--chunk-size", type=positive, default=1000, help="recipients per chunk (max 1000)"
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failed chunk")
    add_progress_option(parser)
    parser.set_defaults(run=run)


async def _registering(recipients: AsyncIterator[str], fake: FakePushwoosh) -> AsyncIterator[str]:
    """Demo mode: register each recipient in the fake as it streams past, but ``unknown*``."""
    async for recipient in recipients:
        if not recipient.startswith("unknown"):
            fake.add_device(recipient)
        yield recipient


async def run(args: argparse.Namespace) -> ExitCode:
    """Send to every recipient with progress; print the summary, write the report if asked."""
    by: Literal["devices", "users"] = "devices" if args.devices is not None else "users"
    source_name: str = args.devices if args.devices is not None else args.users
    total = count_recipients(source_name)
    stream = open_source(source_name)
    try:
        recipients: AsyncIterator[str] = lines(stream)
        client, fake = connect(args, notice=_DEMO_NOTICE, to=sys.stderr, unlimited=True)
        if fake is not None and by == "devices":
            recipients = _registering(recipients, fake)
        template = {"content": args.content} | ({"title": args.title} if args.title else {})
        progress = Progress(args.progress_every)
        async with client:
            sender = BulkSender(
                client,
                template,
                recipients,
                by=by,
                chunk_size=args.chunk_size,
                concurrency=args.concurrency,
                fail_fast=args.fail_fast,
                on_progress=progress,
                checkpoint=args.checkpoint,
                application=args.application,
                total=total,
            )
            report = await run_interruptible(sender)
        progress.close()
    finally:
        if stream is not sys.stdin:
            stream.close()
    print(summary(report))
    code = exit_code(report)
    if code is ExitCode.NOT_DELIVERED:
        print("nothing delivered: Pushwoosh knows none of the recipients", file=sys.stderr)
    return finish_report(args.report, report, code)
