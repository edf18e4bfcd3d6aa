"""The options the API subcommands share, their value checks, and how a subcommand is declared.

``send``, ``bulk`` and ``call`` each call :func:`add_command`, so the token options, ``--verbose``
and the exit status epilog are written once.
"""

from __future__ import annotations

import argparse
from typing import Any, TypeAlias

from pushwoosh_async.cli.exit_codes import describe
from pushwoosh_async.cli.paths import output_path

__all__ = [
    "EPILOG",
    "FORMATTER",
    "Subcommands",
    "add_command",
    "add_message_options",
    "add_poll_option",
    "interval",
    "positive",
]

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # noqa: SLF001
"""What ``ArgumentParser.add_subparsers`` returns: a subcommand module's ``add_parser`` gets it."""

FORMATTER = argparse.RawDescriptionHelpFormatter
"""Help is laid out by hand: descriptions and epilogs keep their line breaks."""

EPILOG = f"""\
{describe()}

tokens: PUSHWOOSH_API_TOKEN / PUSHWOOSH_DEVICE_TOKEN (or --token / --device-token);
without any token, commands run against the built-in fake Pushwoosh.
"""
"""The end of ``--help``: the exit statuses (from :class:`ExitCode`) and where tokens come from."""


def positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    value = int(text)
    if value < 1:
        msg = f"must be 1 or more, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def interval(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    value = float(text)
    if value <= 0:
        msg = f"must be more than 0, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--application", help="application code (default: $PUSHWOOSH_APPLICATION)")
    common.add_argument(
        "--token", help="server API token (default: $PUSHWOOSH_API_TOKEN, which is safer)"
    )
    common.add_argument(
        "--device-token", help="device API token (default: $PUSHWOOSH_DEVICE_TOKEN)"
    )
    common.add_argument("--verbose", "-v", action="store_true", help="log each request")
    return common


def add_command(subparsers: Subcommands, name: str, **options: Any) -> argparse.ArgumentParser:
    """Declare an API subcommand: the token options, ``--verbose`` and the exit status epilog."""
    return subparsers.add_parser(
        name, parents=[_common()], epilog=EPILOG, formatter_class=FORMATTER, **options
    )


def add_message_options(parser: argparse.ArgumentParser) -> None:
    """``--content`` and ``--title``: the message that ``send`` and ``bulk`` send."""
    parser.add_argument("--content", required=True, help="the message text")
    parser.add_argument("--title", help="the message title")


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    """``--progress-every``: how often a long run prints progress when stderr is no terminal."""
    parser.add_argument(
        "--progress-every",
        type=interval,
        default=5.0,
        metavar="SECONDS",
        help="when stderr is not a terminal, a progress line this often (default 5)",
    )


def add_report_option(parser: argparse.ArgumentParser) -> None:
    """``--report``: where a run writes its report as JSON (checked before anything is sent)."""
    parser.add_argument(
        "--report",
        metavar="PATH",
        type=output_path,
        help="write the run's report here as JSON (checked before anything is sent)",
    )


def add_poll_option(parser: argparse.ArgumentParser) -> None:
    """``--poll-interval``: how often a server-side job's status is asked (``segment``)."""
    parser.add_argument(
        "--poll-interval",
        type=interval,
        default=1.0,
        metavar="SECONDS",
        help="first wait between two looks at a job's status (default 1; demo mode: at most 0.05)",
    )
