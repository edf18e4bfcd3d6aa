"""The command line's send: against the built-in fake without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pushwoosh_async.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_send_without_token_uses_the_fake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No token: the send goes through the client to the fake, which reports what it recorded."""
    monkeypatch.delenv("PUSHWOOSH_API_TOKEN", raising=False)
    code = main(["send", "--content", "Hello", "--device", "hwid-1", "--device", "unknown-7"])
    out = capsys.readouterr().out
    assert code == 0
    assert "built-in fake Pushwoosh" in out
    assert '"devices": ["hwid-1", "unknown-7"]' in out
    assert "message codes: CODE_NOT_AVAILABLE" in out
    assert "unknown devices (CODE_NOT_AVAILABLE): unknown-7" in out
    assert "createMessage -> HTTP 200" in out
    assert "devices reached: hwid-1" in out


def test_send_refused_before_sending(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A send with no target is refused (exit 2, bad usage) with the rule it breaks."""
    monkeypatch.delenv("PUSHWOOSH_API_TOKEN", raising=False)
    assert main(["send", "--content", "Hello"]) == 2
    captured = capsys.readouterr()
    assert "no target" in captured.err
    assert "sending:" not in captured.out


def test_readme_command_prints_the_demo_through_python_m() -> None:
    """README's copy-paste ``python -m pushwoosh_async send ...`` runs and prints the demo."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUSHWOOSH_")}
    argv = ["send", "--content", "Hello from pushwoosh_async", "--device", "hwid-1"]
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "pushwoosh_async", *argv, "--device", "unknown-7"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "no token (PUSHWOOSH_API_TOKEN / PUSHWOOSH_DEVICE_TOKEN): using the built-in fake "
        "Pushwoosh at https://fake-pushwoosh.invalid (in process: nothing leaves this machine); "
        "application ABCDE-12345, known devices hwid-1, hwid-2, hwid-3"
    )
    assert lines[1] == (
        'sending: {"send_date": "now", "content": "Hello from pushwoosh_async", '
        '"devices": ["hwid-1", "unknown-7"]}'
    )
    assert lines[2:4] == [
        "message codes: CODE_NOT_AVAILABLE",
        "unknown devices (CODE_NOT_AVAILABLE): unknown-7",
    ]
    assert lines[4].startswith("the fake recorded: 1 call, createMessage -> HTTP 200, ")
    assert lines[5:] == ["devices reached: hwid-1"]
