"""``python -m pushwoosh_async send``: send one push from the command line.

With ``PUSHWOOSH_API_TOKEN`` (and ``PUSHWOOSH_APPLICATION``) set, it sends for real. Without a
token it says so and sends through the full client to the built-in fake Pushwoosh
(``pushwoosh_async.testing.FakePushwoosh``), then prints what the fake recorded.
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
from pushwoosh_async.errors import (
    ConfigurationError,
    PushwooshError,
    PushwooshWarning,
    ValidationError,
)
from pushwoosh_async.testing import FakePushwoosh

__all__ = ["main"]

_FAKE_APPLICATION = "ABCDE-12345"
_FAKE_DEVICES = ("hwid-1", "hwid-2", "hwid-3")
"""Devices the fake knows, so a demo send reaches some and reports the others as unknown."""


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


def _fake_client() -> tuple[PushwooshClient, FakePushwoosh]:
    fake = FakePushwoosh(applications=[_FAKE_APPLICATION])
    for hwid in _FAKE_DEVICES:
        fake.add_device(hwid)
    client = PushwooshClient(
        fake.api_token, application=_FAKE_APPLICATION, transport=fake.transport
    )
    return client, fake


async def _send(args: argparse.Namespace) -> int:
    note = Notification(
        content=args.content,
        title=args.title,
        devices=args.device or None,
        users=args.user or None,
    )
    command = CreateMessage(notifications=[note], application=args.application)
    fake = None
    if os.environ.get("PUSHWOOSH_API_TOKEN"):
        client = PushwooshClient.from_env()
    else:
        print(
            "PUSHWOOSH_API_TOKEN is not set: sending to the built-in fake Pushwoosh "
            f"(application {_FAKE_APPLICATION}, known devices {', '.join(_FAKE_DEVICES)})."
        )
        client, fake = _fake_client()
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
    except (ValidationError, ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2  # bad usage, as argparse reports it
    except PushwooshError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
