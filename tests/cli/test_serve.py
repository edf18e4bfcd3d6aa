"""``pushwoosh serve``: a real subcommand, with the options ``python -m pushwoosh_async.testing``
shares, serving until SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pushwoosh_async.cli import build_parser, main
from pushwoosh_async.cli import serve as cli_serve
from pushwoosh_async.testing.__main__ import build_parser as wrapper_parser

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = (
    "--host",
    "--port",
    "--api-token",
    "--device-token",
    "--application",
    "--latency",
    "--fail-rate",
    "--seed",
    "--no-rate-limit",
)


def _serve_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    (subcommands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    serve: argparse.ArgumentParser = subcommands.choices["serve"]
    return serve


def _options(parser: argparse.ArgumentParser) -> list[tuple[object, ...]]:
    return [
        (tuple(a.option_strings), a.dest, a.default, a.type, a.help, a.metavar)
        for a in parser._actions
    ]


def test_serve_checks_its_own_options(capsys: pytest.CaptureFixture[str]) -> None:
    """``serve --port 99999`` is refused by serve's own option check: exit 2, "TCP port"."""
    assert main(["serve", "--port", "99999"]) == 2  # the fake's own option checking
    assert "TCP port" in capsys.readouterr().err


def test_serve_is_a_subcommand_in_pushwoosh_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``pushwoosh --help`` lists serve among the subcommands; ``serve --help`` its options."""
    assert "serve" in _serve_parser(build_parser()).prog
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "{send,bulk,call,segment,serve}" in out
    assert "serve a fake Pushwoosh over HTTP" in out
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pushwoosh serve ")
    for option in OPTIONS:
        assert option in out, option


def test_testing_wrapper_has_exactly_the_serve_options() -> None:
    """``python -m pushwoosh_async.testing serve`` parses with the very same option definitions."""
    ours = _serve_parser(build_parser())
    theirs = _serve_parser(wrapper_parser())
    assert _options(ours) == _options(theirs)
    assert {s for a in ours._actions for s in a.option_strings} == {"-h", "--help", *OPTIONS}
    args = wrapper_parser().parse_args(["serve", "--port", "0", "--no-rate-limit"])
    assert (args.port, args.no_rate_limit, args.run) == (0, True, cli_serve.run)


@pytest.mark.parametrize("module", ["pushwoosh_async", "pushwoosh_async.testing"])
def test_serve_listens_until_sigterm_then_exits_ok(module: str) -> None:
    """Both ``python -m ... serve`` entry points listen, say where, and exit 0 on SIGTERM."""
    with subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", module, "serve", "--port", "0", "--application", "XYZ-1"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("PUSHWOOSH_")},
    ) as server:
        assert server.stdout is not None
        line = server.stdout.readline()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    assert line.startswith("FakePushwoosh listening on http://127.0.0.1:")
    assert "applications XYZ-1" in line
