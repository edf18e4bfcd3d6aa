"""The command line's call, against the built-in fake (no token), and token hygiene."""

from __future__ import annotations

import io
import json
import sys

import pytest

from pushwoosh_async.cli import main
from pushwoosh_async.cli.call import command_class
from pushwoosh_async.commands import ALL, GetTags


def test_call_prints_the_result_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``call getTags JSON`` prints the result as a JSON object, exit 0."""
    assert main(["call", "getTags", '{"hwid": "hwid-1"}']) == 0
    result = json.loads(capsys.readouterr().out)
    assert isinstance(result, dict)


def test_call_reads_the_body_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the JSON argument, the body is read from stdin."""
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"hwid": "hwid-2"}'))
    assert main(["call", "getTags"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), dict)


def test_call_unknown_method_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown method name is bad usage (exit 2) and the message names it."""
    assert main(["call", "noSuchMethod", "{}"]) == 2
    assert "noSuchMethod" in capsys.readouterr().err


def test_call_invalid_body_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid JSON, or a body the command refuses, is bad usage (exit 2)."""
    assert main(["call", "getTags", "{not json"]) == 2
    assert main(["call", "getTags", "{}"]) == 2  # GetTags needs hwid or user_id
    capsys.readouterr()


def test_call_finds_every_command_by_its_wire_name_in_any_case() -> None:
    """Each command is found by its wire name, exactly and case-folded."""
    for cls in ALL:
        assert command_class(cls.method) is cls
    assert command_class("GETTAGS") is GetTags


def test_tokens_are_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token given with ``--token`` appears in neither stdout nor stderr, even on an error."""
    secret = "s3cr3t-token-value"
    # A real (unreachable) base URL would leak nothing either; a bad one fails before sending.
    monkeypatch.setenv("PUSHWOOSH_BASE_URL", "http://example.invalid")
    code = main(["call", "getTags", '{"hwid": "x"}', "--token", secret])
    captured = capsys.readouterr()
    assert code == 2  # ConfigurationError: plain http to a non-loopback host
    assert secret not in captured.out + captured.err
