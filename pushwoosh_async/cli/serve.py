"""``pushwoosh serve``: a fake Pushwoosh on loopback, for any client, until Ctrl-C or SIGTERM.

::

    pushwoosh serve --port 8080 [--api-token T] [--device-token D]
        --application ABCDE-12345 [--application FGHIJ-67890] [--latency 0.05] [--fail-rate 0.1]

Once listening it prints its URL and the tokens it accepts: test tokens, the fake's own unless
given, so a client can be pointed at it without guessing.

The options are defined here once; ``python -m pushwoosh_async.testing serve`` uses the same.
The fake (``pushwoosh_async.testing``) is imported only when a server is built.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING, Final

from pushwoosh_async.cli.exit_codes import ExitCode
from pushwoosh_async.cli.options import Subcommands

if TYPE_CHECKING:
    from pushwoosh_async.testing import FakePushwoosh

__all__ = ["DEFAULT_APPLICATION", "HELP", "add_parser", "build_fake", "listening", "run"]

DEFAULT_APPLICATION: Final = "ABCDE-12345"
"""The application the fake has when no ``--application`` is given."""
HELP: Final = "serve a fake Pushwoosh over HTTP"
"""The one-line help of the subcommand."""


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        msg = f"must be between 0 and 1, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        msg = f"must be 0 or more, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        msg = f"must be a TCP port (0-65535), got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def add_parser(subparsers: Subcommands, *, summary: str = HELP) -> argparse.ArgumentParser:
    """Declare ``serve`` and its options; ``summary`` is its line in the parent's ``--help``."""
    serve = subparsers.add_parser("serve", help=summary)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8080, help="port (default 8080; 0: any)")
    serve.add_argument(
        "--api-token",
        help="the API token it accepts (default: the fake's test token, printed at start)",
    )
    serve.add_argument(
        "--device-token",
        help="the device API token it accepts (default: the fake's, printed at start)",
    )
    serve.add_argument(
        "--application",
        action="append",
        dest="applications",
        metavar="CODE",
        help=f"an application code that exists (repeatable; default {DEFAULT_APPLICATION})",
    )
    serve.add_argument("--latency", type=_seconds, default=0.0, help="seconds added to replies")
    serve.add_argument(
        "--fail-rate", type=_fraction, default=0.0, help="share of calls answered with HTTP 503"
    )
    serve.add_argument("--seed", type=int, default=None, help="seed for --fail-rate")
    serve.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="lift the 600 createMessage per minute limit (for load tests of a client)",
    )
    serve.set_defaults(run=run)
    return serve


def build_fake(args: argparse.Namespace) -> FakePushwoosh:
    """The fake account the ``serve`` options describe."""
    from pushwoosh_async.testing import FakePushwoosh  # noqa: PLC0415 (only when serving)

    tokens = {"api_token": args.api_token, "device_token": args.device_token}
    return FakePushwoosh(
        **{name: token for name, token in tokens.items() if token is not None},
        applications=args.applications or [DEFAULT_APPLICATION],
        latency=args.latency,
        fail_rate=args.fail_rate,
        seed=args.seed,
        rate_limits={} if args.no_rate_limit else None,
        record_limit=10_000,  # a long-running server keeps only the latest calls
    )


async def _serve(args: argparse.Namespace) -> None:
    from pushwoosh_async.testing.server import running  # noqa: PLC0415 (only when serving)

    fake = build_fake(args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    async with running(fake, args.host, args.port) as url:
        sys.stdout.write(listening(fake, url))
        sys.stdout.flush()
        await stop.wait()


def listening(fake: FakePushwoosh, url: str) -> str:
    """What ``serve`` prints once it listens: where, and the test tokens and applications."""
    # The fake's tokens are test tokens, chosen on this command line or the fake's defaults:
    # printing them is the point (a real token never reaches this process).
    applications = sorted(fake.state.applications)
    return (
        f"FakePushwoosh listening on {url} (applications {', '.join(applications)}); "
        "Ctrl-C stops it\n"
        f"  API token (test):        {fake.api_token}\n"
        f"  device API token (test): {fake.device_token}\n"
        f"  a client: PUSHWOOSH_BASE_URL={url} PUSHWOOSH_API_TOKEN={fake.api_token} "
        f"PUSHWOOSH_APPLICATION={applications[0]}\n"
    )


def run(args: argparse.Namespace) -> ExitCode:
    """Serve until Ctrl-C or SIGTERM (then OK); a host or port that cannot be bound exits 1."""
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, the host is not ours...
        sys.stderr.write(f"cannot serve on {args.host}:{args.port}: {exc}\n")
        return ExitCode.PARTIAL  # status 1, as this server has always exited with
    return ExitCode.OK
