"""``pushwoosh send``: one push notification to the devices and users given on the line."""

from __future__ import annotations

import argparse
import json
import sys

from pushwoosh_async import CreateMessage, Notification
from pushwoosh_async._converter import CONVERTER
from pushwoosh_async.cli.exit_codes import ExitCode
from pushwoosh_async.cli.options import Subcommands, add_command, add_message_options
from pushwoosh_async.cli.session import connect, demo_account, demo_notice

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subcommands) -> None:
    """Declare ``send`` and its options."""
    parser = add_command(subparsers, "send", help="send one push notification")
    add_message_options(parser)
    parser.add_argument("--device", action="append", default=[], help="an hwid (repeatable)")
    parser.add_argument("--user", action="append", default=[], help="a user id (repeatable)")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace) -> ExitCode:
    """Send the message; print it, its message codes, the unknown devices (and what a fake saw)."""
    note = Notification(
        content=args.content,
        title=args.title,
        devices=args.device or None,
        users=args.user or None,
    )
    command = CreateMessage(notifications=[note], application=args.application)
    client, fake = connect(args, notice=demo_notice(demo_account()), to=sys.stdout)
    async with client:
        print("sending:", json.dumps(CONVERTER.unstructure(note), ensure_ascii=False))
        result = await client(command)
    print("message codes:", ", ".join(result.message_codes))
    for code, devices in result.unknown_devices.items():
        print(f"unknown devices ({code}):", ", ".join(devices))
    if fake is not None:
        (call,) = fake.calls_to("createMessage")
        message = list(fake.state.messages.values())[-1]
        print(
            f"the fake recorded: {len(fake.calls)} call, {call.method} -> HTTP {call.status}, "
            f"transactionId {message.transaction_id}"
        )
        print("devices reached:", ", ".join(message.devices) or "none")
    unknown = {hwid for devices in result.unknown_devices.values() for hwid in devices}
    if args.device and not args.user and unknown.issuperset(args.device):
        print("nothing delivered: Pushwoosh knows none of the devices", file=sys.stderr)
        return ExitCode.NOT_DELIVERED
    return ExitCode.OK
