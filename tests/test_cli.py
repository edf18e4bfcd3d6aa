"""The command line's send: against the built-in fake without a token."""

from __future__ import annotations

import pytest

from pushwoosh_async.__main__ import main


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
