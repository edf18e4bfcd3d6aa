"""``pushwoosh call``: any API method by its wire name, a JSON body in, the result as JSON out."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import Any

from pushwoosh_async import commands
from pushwoosh_async._converter import CONVERTER, structure_one
from pushwoosh_async.cli.exit_codes import ExitCode, UsageError
from pushwoosh_async.cli.options import Subcommands, add_command
from pushwoosh_async.cli.session import connect, demo_account, demo_notice

__all__ = ["add_parser", "command_class", "run"]


def add_parser(subparsers: Subcommands) -> None:
    """Declare ``call`` and its arguments."""
    parser = add_command(
        subparsers,
        "call",
        help="call any API method by its wire name with a JSON body; print the result as JSON",
    )
    parser.add_argument("method", metavar="METHOD", help="wire name, e.g. getTags, createMessage")
    parser.add_argument("body", metavar="JSON", nargs="?", help="the request (default: stdin)")
    parser.set_defaults(run=run)


def command_class(method: str) -> type[commands.Command[Any]]:
    """The command called ``method`` (exactly, else ignoring case); else bad usage, with hints."""
    by_name = {cls.method: cls for cls in commands.ALL}
    found = by_name.get(method)
    if found is None:
        folded = {name.casefold(): cls for name, cls in by_name.items()}
        found = folded.get(method.casefold())
    if found is None:
        close = difflib.get_close_matches(method, by_name, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        msg = f"no API method called {method!r}{hint}"
        raise UsageError(msg)
    return found


def _body(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        msg = f"the JSON body is not valid JSON: {exc}"
        raise UsageError(msg) from exc
    if not isinstance(data, dict):
        msg = f"the JSON body must be an object, got {type(data).__name__}"
        raise UsageError(msg)
    return data


async def run(args: argparse.Namespace) -> ExitCode:
    """Build the command from the body (the argument, else stdin), call it, print the result."""
    cls = command_class(args.method)
    command = structure_one(_body(args.body if args.body is not None else sys.stdin.read()), cls)
    client, _ = connect(args, notice=demo_notice(demo_account()), to=sys.stderr)
    async with client:
        result = await client(command)
    print(json.dumps(CONVERTER.unstructure(result), indent=2, ensure_ascii=False, default=str))
    return ExitCode.OK
