"""``python -m pushwoosh_async send``: send one push from the command line.

With ``PUSHWOOSH_API_TOKEN`` (and ``PUSHWOOSH_APPLICATION``) set, it sends for real. Without a
token it says so and sends through the full client to a built-in stand-in of the service.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import warnings
from collections.abc import Sequence

from pushwoosh_async import CreateMessage, Notification, PushwooshClient
from pushwoosh_async._converter import CONVERTER
from pushwoosh_async._demo import DemoPushwoosh
from pushwoosh_async.errors import PushwooshError, PushwooshWarning

__all__ = ["main"]

_DEMO_APPLICATION = "DEMO0-00000"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pushwoosh", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="send one push notification")
    send.add_argument("--content", required=True, help="the message text")
    send.add_argument("--title", help="the message title")
    send.add_argument("--device", action="append", default=[], help="an hwid (repeatable)")
    send.add_argument("--user", action="append", default=[], help="a user id (repeatable)")
    send.add_argument("--application", help="application code (default: $PUSHWOOSH_APPLICATION)")
    send.add_argument("--verbose", "-v", action="store_true", help="log each request")
    return parser


async def _send(args: argparse.Namespace) -> int:
    note = Notification(
        content=args.content,
        title=args.title,
        devices=args.device or None,
        users=args.user or None,
    )
    command = CreateMessage(notifications=[note], application=args.application)
    token = os.environ.get("PUSHWOOSH_API_TOKEN")
    demo = None
    if token:
        client = PushwooshClient.from_env()
    else:
        demo = DemoPushwoosh()
        print("PUSHWOOSH_API_TOKEN is not set: sending to the built-in demo server.")
        client = PushwooshClient(
            "demo-token", application=_DEMO_APPLICATION, transport=demo.transport
        )
    async with client:
        sent = CONVERTER.unstructure(command.notifications[0])
        print("sending:", json.dumps(sent, ensure_ascii=False))
        result = await client(command)
    print("message codes:", ", ".join(result.message_codes))
    for code, devices in result.unknown_devices.items():
        print(f"unknown devices for {code}:", ", ".join(devices))
    if demo is not None:
        received = demo.received[-1]["notifications"][0]
        print("the demo server received transactionId:", received["transactionId"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m pushwoosh_async`` and the ``pushwoosh`` script."""
    args = _parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
    # Unknown devices are printed with the result; the warning would say it twice.
    warnings.simplefilter("ignore", PushwooshWarning)
    try:
        return asyncio.run(_send(args))
    except PushwooshError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
