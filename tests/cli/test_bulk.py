"""The command line's bulk, against the built-in fake (no token)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pushwoosh_async.cli import main


def _recipients(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bulk_from_a_file_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2500 hwids from a file (a blank line skipped) go in 3 chunks; report and summary agree."""
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
    """``--devices -`` reads stdin: blank lines skipped, each line stripped."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("hwid-a\n\nhwid-b\n  hwid-c  \n"))
    report_path = tmp_path / "report.json"
    code = main(["bulk", "--content", "Hi", "--devices", "-", "--report", str(report_path)])
    assert code == 0, capsys.readouterr().err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["sent"] == 3
    assert len(report["chunks"]) == 1


def test_bulk_counts_an_unknown_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In demo mode an ``unknown*`` hwid is not registered, so it is counted unknown (exit 0)."""
    source = _recipients(tmp_path / "devices.txt", ["hwid-1", "unknown-7", "hwid-2"])
    report_path = tmp_path / "report.json"
    code = main(["bulk", "--content", "Hi", "--devices", str(source), "--report", str(report_path)])
    assert code == 0, capsys.readouterr().err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["unknown"] == 1
    assert report["sent"] == 2


def test_bulk_needs_a_source(capsys: pytest.CaptureFixture[str]) -> None:
    """Neither ``--devices`` nor ``--users``: argparse refuses it, exit 2."""
    assert main(["bulk", "--content", "Hi"]) == 2
    assert "--devices" in capsys.readouterr().err


def test_bulk_missing_file_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A recipients file that cannot be read is bad usage (exit 2), saying so."""
    code = main(["bulk", "--content", "Hi", "--devices", str(tmp_path / "nope.txt")])
    assert code == 2
    assert "cannot read" in capsys.readouterr().err
