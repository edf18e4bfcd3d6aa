"""The ``pushwoosh`` command line: builds the parser from the subcommand modules and dispatches.

One module per job: ``send``, ``bulk``, ``call``, ``segment`` (``segment_export`` and
``segment_import``) and ``serve`` (each ``add_parser(subparsers)`` and ``run(args) ->
ExitCode``), ``options`` (what they share), ``session`` (tokens and the real or demo client),
``lines``, ``progress``, ``interrupt`` and ``summary`` (the parts of the long runs) and
``exit_codes`` (:class:`ExitCode`, listed by ``--help``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import warnings
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Final, TypeAlias

from pushwoosh_async._version import __version__
from pushwoosh_async.cli import bulk, call, segment, send, serve
from pushwoosh_async.cli.exit_codes import ExitCode, UsageError
from pushwoosh_async.cli.options import EPILOG, FORMATTER
from pushwoosh_async.errors import (
    ConfigurationError,
    PushwooshError,
    PushwooshWarning,
    ValidationError,
)

__all__ = ["ExitCode", "main"]

Run: TypeAlias = Callable[[argparse.Namespace], "ExitCode | Coroutine[Any, Any, ExitCode]"]
"""A subcommand's ``run``, stored as the ``run`` default of its parser."""

DESCRIPTION: Final = """\
pushwoosh (or python -m pushwoosh_async): the operator's command line.

  pushwoosh send --content TEXT (--device HWID | --user ID)...
  pushwoosh bulk --content TEXT (--devices FILE | --users FILE) [--report PATH]
                 [--checkpoint PATH] [--concurrency N] [--fail-fast]
  pushwoosh call METHOD [JSON]     JSON body from the argument, else from stdin
  pushwoosh segment export EXPR [--format csv|json] [--fields LIST] [--out FILE]
  pushwoosh segment import NAME FILE [--by user_id|hwid] [--column N|NAME] [--tag T]
                 [--value V] [--checkpoint PATH] [--report PATH]
  pushwoosh serve [--port 8080]    a fake Pushwoosh over HTTP, for any client

Tokens come from PUSHWOOSH_API_TOKEN / PUSHWOOSH_DEVICE_TOKEN, or --token / --device-token (the
environment is safer: options show in the process list); the application from --application or
PUSHWOOSH_APPLICATION. With no token at all, every command runs through the full client against
the built-in fake Pushwoosh, in process, and says so. Token values are never printed.
"""
"""The top of ``pushwoosh --help``: plain text, as a terminal shows it (no markup)."""


def build_parser() -> argparse.ArgumentParser:
    """The ``pushwoosh`` parser: ``send``, ``bulk``, ``call``, ``segment`` and ``serve``."""
    parser = argparse.ArgumentParser(
        prog="pushwoosh", description=DESCRIPTION, epilog=EPILOG, formatter_class=FORMATTER
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (pushwoosh_async)"
    )
    parser.set_defaults(verbose=False)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in (send, bulk, call, segment):
        module.add_parser(subparsers)
    serve.add_parser(subparsers, summary=f"{serve.HELP} (see: pushwoosh serve --help)")
    return parser


def _outcome(run: Run, args: argparse.Namespace) -> ExitCode:
    result = run(args)
    return result if isinstance(result, ExitCode) else asyncio.run(result)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m pushwoosh_async`` and the ``pushwoosh`` script."""
    parser = build_parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_:  # argparse: 2 for bad usage, 0 for --help
        return exit_.code if isinstance(exit_.code, int) else ExitCode.USAGE
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
    # Unknown devices are printed with the result; the warning would say it twice.
    warnings.simplefilter("ignore", PushwooshWarning)
    try:
        return _outcome(args.run, args)
    except (UsageError, ValidationError, ConfigurationError) as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except PushwooshError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return ExitCode.FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.FAILURE
