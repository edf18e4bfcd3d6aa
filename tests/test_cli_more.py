"""The command line's bulk, call and serve, against the built-in fake (no token)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pushwoosh_async.__main__ import main


@pytest.fixture(autouse=True)
def _no_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PUSHWOOSH_API_TOKEN", "PUSHWOOSH_DEVICE_TOKEN", "PUSHWOOSH_APPLICATION"):
        monkeypatch.delenv(name, raising=False)


def _recipients(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bulk_from_a_file_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hwids = [f"hwid-{n}" for n in range(2500)]
    hwids.insert(1200, "")  # blank lines are skipped
    source = _recipients(tmp_path / "devices.txt", hwids)
    report_path = tmp_path / "report.json"
    code = main(["bulk", "--content", "Hi", "--devices", str(source), "--report", str(report_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "built-in fake Pushwoosh" in captured.err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    for key in ("sent", "unknown", "failed"):
        assert isinstance(report[key], int)
    assert (report["sent"], report["unknown"], report["failed"]) == (2500, 0, 0)
    assert len(report["chunks"]) == 3
    for name in ("sent", "unknown", "failed", "chunks", "elapsed", "rate"):
        assert any(line.startswith(name) for line in captured.out.splitlines()), name


def test_bulk_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hwid-a\n\nhwid-b\n  hwid-c  \n"))
    report_path = tmp_path / "report.json"
    code = main(["bulk", "--content", "Hi", "--devices", "-", "--report", str(report_path)])
    assert code == 0, capsys.readouterr().err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["sent"] == 3
    assert len(report["chunks"]) == 1


def test_bulk_counts_an_unknown_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _recipients(tmp_path / "devices.txt", ["hwid-1", "unknown-7", "hwid-2"])
    report_path = tmp_path / "report.json"
    code = main(["bulk", "--content", "Hi", "--devices", str(source), "--report", str(report_path)])
    assert code == 0, capsys.readouterr().err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["unknown"] == 1
    assert report["sent"] == 2


def test_bulk_needs_a_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bulk", "--content", "Hi"]) == 2
    assert "--devices" in capsys.readouterr().err


def test_bulk_missing_file_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bulk", "--content", "Hi", "--devices", str(tmp_path / "nope.txt")])
    assert code == 2
    assert "cannot read" in capsys.readouterr().err


def test_call_prints_the_result_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "getTags", '{"hwid": "hwid-1"}']) == 0
    result = json.loads(capsys.readouterr().out)
    assert isinstance(result, dict)


def test_call_reads_the_body_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"hwid": "hwid-2"}'))
    assert main(["call", "getTags"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), dict)


def test_call_unknown_method_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "noSuchMethod", "{}"]) == 2
    assert "noSuchMethod" in capsys.readouterr().err


def test_call_invalid_body_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "getTags", "{not json"]) == 2
    assert main(["call", "getTags", "{}"]) == 2  # GetTags needs hwid or user_id
    capsys.readouterr()


def test_tokens_are_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "s3cr3t-token-value"
    # A real (unreachable) base URL would leak nothing either; a bad one fails before sending.
    monkeypatch.setenv("PUSHWOOSH_BASE_URL", "http://example.invalid")
    code = main(["call", "getTags", '{"hwid": "x"}', "--token", secret])
    captured = capsys.readouterr()
    assert code == 2  # ConfigurationError: plain http to a non-loopback host
    assert secret not in captured.out + captured.err


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit status" in out
    assert "bulk" in out
    assert "serve" in out


def test_serve_delegates_to_the_fake_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "99999"]) == 2  # the fake's own option checking
    assert "TCP port" in capsys.readouterr().err
