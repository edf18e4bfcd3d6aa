"""What the command line refuses before anything is sent, and what ``--version``/``--help`` say."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async import __version__
from pushwoosh_async.cli import ExitCode, bulk, call, main
from pushwoosh_async.cli import summary as cli_summary

HELP_COMMANDS = [[], ["send"], ["bulk"], ["call"], ["serve"], ["segment"]]
HELP_COMMANDS += [["segment", "export"], ["segment", "import"]]
MARKUP = re.compile(r"``|:(class|func|data|meth|attr):`|^\s*::\s*$", re.MULTILINE)


@pytest.fixture
def no_send(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a subcommand gets as far as building its client."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("a client was built: the usage error came after the point of sending")

    monkeypatch.setattr(bulk, "connect", refuse)
    monkeypatch.setattr(call, "connect", refuse)


def _recipients(tmp_path: Path) -> str:
    path = tmp_path / "devices.txt"
    path.write_text("hwid-1\nhwid-2\n", encoding="utf-8")
    return str(path)


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == ExitCode.OK
    assert capsys.readouterr().out == f"pushwoosh {__version__} (pushwoosh_async)\n"


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "pushwoosh")
def test_help_is_plain_text(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """No reStructuredText reaches a terminal: no double backquotes, roles or ``::`` blocks."""
    assert main([*command, "--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith("usage: pushwoosh")
    assert MARKUP.search(out) is None, MARKUP.search(out)


@pytest.mark.parametrize("option", ["--report", "--checkpoint"])
@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("missing/out.json", "does not exist"),
        ("a-file/out.json", "is not a directory"),
        (".", "is a directory"),
    ],
)
@pytest.mark.usefixtures("no_send")
def test_an_output_path_that_cannot_be_written_is_bad_usage_before_sending(
    tmp_path: Path, option: str, where: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    target = tmp_path / where
    argv = ["bulk", "--content", "Hi", "--devices", _recipients(tmp_path), option, str(target)]
    assert main(argv) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert f"argument {option}" in err
    assert says in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
@pytest.mark.usefixtures("no_send")
def test_a_read_only_directory_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        argv = ["bulk", "--content", "Hi", "--devices", _recipients(tmp_path)]
        assert main([*argv, "--report", str(locked / "r.json")]) == ExitCode.USAGE
    finally:
        locked.chmod(0o700)
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
@pytest.mark.usefixtures("no_send")
def test_a_directory_even_root_cannot_write_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """sysfs takes no new files from anyone: the probe write answers as the real one would."""
    argv = ["bulk", "--content", "Hi", "--devices", _recipients(tmp_path)]
    assert main([*argv, "--report", "/sys/pushwoosh-report.json"]) == ExitCode.USAGE
    assert "cannot write /sys/pushwoosh-report.json" in capsys.readouterr().err


def test_a_writable_report_path_leaves_no_probe_behind(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    argv = ["bulk", "--content", "Hi", "--devices", _recipients(tmp_path)]
    assert main([*argv, "--report", str(report)]) == ExitCode.OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["devices.txt", "r.json"]


def test_a_report_that_fails_after_the_run_keeps_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk may fill up after the check: the summary is printed, the exit says so."""

    def full(path: str, report: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli_summary, "write_report", full)
    argv = ["bulk", "--content", "Hi", "--devices", _recipients(tmp_path)]
    assert main([*argv, "--report", str(tmp_path / "r.json")]) == ExitCode.PARTIAL
    captured = capsys.readouterr()
    assert captured.out.startswith("sent         2\n")
    assert "cannot write the report" in captured.err
    assert "No space left on device" in captured.err


@pytest.mark.usefixtures("no_send")
def test_call_with_an_unknown_key_is_bad_usage_listing_the_known_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["call", "getTags", '{"hwid": "h", "foo": 1}']) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "pushwoosh call: error: GetTags has no field 'foo'; known fields: " in err
    assert "application, hwid" in err


@pytest.mark.usefixtures("no_send")
def test_call_with_a_typo_in_a_nested_notification_is_bad_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = '{"notifications": [{"content": "Hi", "send_dat": "now", "devices": ["hwid-1"]}]}'
    assert main(["call", "createMessage", body]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "CreateMessage.notifications" in err
    assert "'send_dat' (did you mean 'send_date'?)" in err


def test_call_accepts_keys_the_model_lacks_in_extra(capsys: pytest.CaptureFixture[str]) -> None:
    body = '{"notifications": [{"content": "Hi", "devices": ["hwid-1"], "extra": {"x": 1}}]}'
    assert main(["call", "createMessage", body]) == ExitCode.OK
