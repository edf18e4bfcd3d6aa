"""``python -m pushwoosh_async.testing serve``: a fake Pushwoosh on loopback, for any client.

::

    python -m pushwoosh_async.testing serve --port 8080 --api-token T --device-token D
        --application ABCDE-12345 [--application FGHIJ-67890] [--latency 0.05] [--fail-rate 0.1]

It serves until Ctrl-C or SIGTERM, then exits with status 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from pushwoosh_async.testing.fake import FakePushwoosh
from pushwoosh_async.testing.server import running

DEFAULT_APPLICATION = "ABCDE-12345"


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


def build_parser() -> argparse.ArgumentParser:
    """The command line: one ``serve`` sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m pushwoosh_async.testing", description="A fake Pushwoosh API for tests."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a fake Pushwoosh over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8080, help="port (default 8080; 0: any)")
    serve.add_argument("--api-token", default="test-api-token", help="the accepted API token")
    serve.add_argument(
        "--device-token", default="test-device-token", help="the accepted device API token"
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
    return parser


def build_fake(args: argparse.Namespace) -> FakePushwoosh:
    """The fake account the ``serve`` options describe."""
    return FakePushwoosh(
        api_token=args.api_token,
        device_token=args.device_token,
        applications=args.applications or [DEFAULT_APPLICATION],
        latency=args.latency,
        fail_rate=args.fail_rate,
        seed=args.seed,
        rate_limits={} if args.no_rate_limit else None,
        record_limit=10_000,  # a long-running server keeps only the latest calls
    )


async def _serve(args: argparse.Namespace) -> None:
    fake = build_fake(args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    async with running(fake, args.host, args.port) as url:
        sys.stdout.write(
            f"FakePushwoosh listening on {url} (tokens as given by --api-token and "
            f"--device-token; applications {', '.join(sorted(fake.state.applications))}); "
            "Ctrl-C stops it\n"
        )
        sys.stdout.flush()
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, the host is not ours...
        sys.stderr.write(f"cannot serve on {args.host}:{args.port}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
