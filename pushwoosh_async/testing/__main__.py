"""``python -m pushwoosh_async.testing serve``: a fake Pushwoosh on loopback, for any client.

::

    python -m pushwoosh_async.testing serve --port 8080 [--api-token T] [--device-token D]
        --application ABCDE-12345 [--application FGHIJ-67890] [--latency 0.05] [--fail-rate 0.1]

It prints its URL and the (test) tokens it accepts, serves until Ctrl-C or SIGTERM, then exits
with status 0. A thin wrapper over
``pushwoosh serve`` (``pushwoosh_async.cli.serve``), which defines the options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pushwoosh_async.cli import serve
from pushwoosh_async.cli.serve import DEFAULT_APPLICATION, build_fake

__all__ = ["DEFAULT_APPLICATION", "build_fake", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line: one ``serve`` sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m pushwoosh_async.testing", description="A fake Pushwoosh API for tests."
    )
    serve.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    return serve.run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
