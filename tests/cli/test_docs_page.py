"""docs/cli.md shows what the command line does: its samples and exit table come from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pushwoosh_async.cli import ExitCode, main
from pushwoosh_async.cli import serve as cli_serve
from pushwoosh_async.testing import FakePushwoosh

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def test_the_exit_table_lists_every_exit_code() -> None:
    rows = re.findall(r"^\| (\d+) \| (\w+) \| .+ \|$", PAGE, re.MULTILINE)
    assert [(int(value), name) for value, name in rows] == [(c.value, c.name) for c in ExitCode]


def test_the_serve_sample_is_what_serve_prints() -> None:
    printed = cli_serve.listening(FakePushwoosh(), "http://127.0.0.1:8080")
    for line in printed.splitlines():
        assert f"{line}\n" in PAGE, line


def test_the_call_sample_is_what_call_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "getTags", '{"hwid": "h", "foo": 1}']) == ExitCode.USAGE
    assert capsys.readouterr().err in PAGE


def test_the_demo_notice_sample_is_what_send_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--content", "Hi", "--device", "hwid-1", "--device", "unknown-7"]) == 0
    first, sending = capsys.readouterr().out.splitlines()[:2]
    assert f"{first}\n{sending}\n" in PAGE
