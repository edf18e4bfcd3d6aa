"""``pushwoosh segment export`` and ``segment import`` end to end through ``main``, demo mode."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async.cli import ExitCode, main, segment_export, segment_import, session
from pushwoosh_async.cli.session import FAKE_APPLICATION
from pushwoosh_async.segments import ExportedDevice, ImportReport
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing._exports import ExportFiles

EVERYONE = f'A("{FAKE_APPLICATION}")'


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> FakePushwoosh:
    """One demo fake for every command of the test (each run otherwise gets a fresh one)."""
    fake = session.demo_fake(unlimited=True)
    monkeypatch.setattr(session, "demo_fake", lambda **_: fake)
    return fake


@pytest.fixture
def no_send(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a segment command gets as far as building its client."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("a client was built: the usage error came after the point of sending")

    monkeypatch.setattr(segment_export, "connect", refuse)
    monkeypatch.setattr(segment_import, "connect", refuse)


def _file(path: Path, lines: Iterable[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


def _summary(out: str) -> dict[str, str]:
    return {line[:13].strip(): line[13:] for line in out.splitlines()}


# --- export ---------------------------------------------------------------------------------


def test_a_demo_export_prints_csv_rows(capsys: pytest.CaptureFixture[str]) -> None:
    """A header, then hwid, push_token, user_id, the tags as JSON text and any unmapped columns
    (none here); a summary on stderr."""
    assert main(["segment", "export", EVERYONE]) == ExitCode.OK
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0] == ["hwid", "push_token", "user_id", "tags", "extra"]
    assert {row[4] for row in rows[1:]} == {""}
    by_hwid = {row[0]: row for row in rows[1:]}
    assert sorted(by_hwid) == ["hwid-1", "hwid-2", "hwid-3"]
    assert by_hwid["hwid-2"][2] == "user-2"
    assert json.loads(by_hwid["hwid-2"][3]) == {"Language": "es"}
    assert "built-in fake Pushwoosh" in captured.err
    assert "exported 3 devices" in captured.err


@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_columns_the_library_does_not_map_are_printed_not_dropped(export_format: str) -> None:
    out = io.StringIO()
    rows = segment_export._Rows(out, export_format, ["hwid"])
    rows.write(ExportedDevice(hwid="h1", extra={"Platform": "ios"}))
    rows.write(ExportedDevice(hwid="h2"))
    if export_format == "csv":
        assert list(csv.reader(io.StringIO(out.getvalue()))) == [
            ["hwid", "extra"],
            ["h1", '{"Platform":"ios"}'],
            ["h2", ""],
        ]
    else:
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert lines == [{"hwid": "h1", "extra": {"Platform": "ios"}}, {"hwid": "h2"}]


def test_an_export_selects_by_expression_and_fields_as_json_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    expression = 'T("Language", EQ, "en")'
    argv = ["segment", "export", expression, "--format", "json", "--fields", "hwids,users"]
    assert main(argv) == ExitCode.OK
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(records, key=lambda r: r["hwid"]) == [
        {"hwid": "hwid-1", "user_id": "user-1"},
        {"hwid": "hwid-3", "user_id": "user-3"},
    ]


def test_out_saves_the_zip_as_downloaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "everyone.zip"
    assert main(["segment", "export", EVERYONE, "--out", str(target)]) == ExitCode.OK
    summary = _summary(capsys.readouterr().out)
    assert summary["saved"] == str(target)
    assert summary["bytes"] == f"{target.stat().st_size:,}"
    assert summary["devices"] == "3"
    with zipfile.ZipFile(target) as archive:
        (member,) = archive.namelist()
        text = archive.read(member).decode()
    assert text.splitlines()[0] == "hwid,push_token,user_id,tags"
    assert len(text.splitlines()) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["everyone.zip"]  # no .part left


@pytest.mark.usefixtures("no_send")
@pytest.mark.parametrize(
    ("where", "says"), [("missing/out.zip", "does not exist"), (".", "is a directory")]
)
def test_out_is_checked_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, says: str
) -> None:
    target = tmp_path / where
    assert main(["segment", "export", EVERYONE, "--out", str(target)]) == ExitCode.USAGE
    assert says in capsys.readouterr().err


@pytest.mark.usefixtures("no_send")
def test_unknown_fields_are_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", "export", EVERYONE, "--fields", "hwids,emails"]) == ExitCode.USAGE
    assert "not emails" in capsys.readouterr().err


def test_a_malformed_archive_is_one_error_line_and_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fake's archive replaced by something that is no ZIP: ArchiveError, exit 3."""
    build = ExportFiles.build

    def broken(self: ExportFiles, name: str, *args: Any) -> int:
        count = build(self, name, *args)
        path = self.path(f"{name}.zip")
        assert path is not None
        path.write_bytes(b"<html>not a zip</html>")
        return count

    monkeypatch.setattr(ExportFiles, "build", broken)
    assert main(["segment", "export", EVERYONE]) == ExitCode.FAILURE
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = [line for line in captured.err.splitlines() if line.startswith("error")]
    assert line.startswith("error: ArchiveError: ")
    assert "not a readable ZIP" in line


def test_a_failed_export_job_is_failure(
    shared: FakePushwoosh, capsys: pytest.CaptureFixture[str]
) -> None:
    shared.state.failing_exports = 1
    assert main(["segment", "export", EVERYONE]) == ExitCode.FAILURE
    assert "error: JobFailed: " in capsys.readouterr().err


# --- import ---------------------------------------------------------------------------------


def test_a_demo_import_tags_the_known_users_and_reports_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two known users tagged, one not found: the filter is made, the exit is PARTIAL."""
    source = _file(tmp_path / "users.csv", ["user_id", "user-1", "nobody", "user-2"])
    report_path = tmp_path / "report.json"
    argv = ["segment", "import", "vip", source, "--report", str(report_path)]
    assert main(argv) == ExitCode.PARTIAL
    captured = capsys.readouterr()
    summary = _summary(captured.out)
    assert summary["segment"] == "vip (created (or found as it was))"
    assert summary["expression"] == 'T("import_vip", EQ, "yes")'
    assert summary["tagged"] == "2"
    assert summary["not found"].startswith("1 ")
    assert summary["complete"] == "yes"
    assert summary["examples"] == "nobody (not found)"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["tagged"], report["not_found"], report["complete"]) == (2, 1, True)
    assert report["examples"] == [{"identifier": "nobody", "status": "not_found", "error": None}]


def test_an_import_of_known_hwids_by_column_name_is_ok(
    tmp_path: Path, shared: FakePushwoosh, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _file(tmp_path / "d.csv", ["email,device", "a@x,hwid-1", "b@x,hwid-3"])
    argv = ["segment", "import", "two", source, "--by", "hwid", "--column", "device"]
    argv += ["--tag", "cohort", "--value", "b"]
    assert main(argv) == ExitCode.OK, capsys.readouterr().err
    assert shared.state.filters["two"]["filter_expression"] == 'T("cohort", EQ, "b")'
    tagged = {hwid for (_, hwid), d in shared.state.devices.items() if d.tags.get("cohort")}
    assert tagged == {"hwid-1", "hwid-3"}


def test_an_import_tagging_nobody_is_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _file(tmp_path / "u.csv", ["nobody-1", "nobody-2"])
    assert main(["segment", "import", "empty", source]) == ExitCode.FAILURE
    assert _summary(capsys.readouterr().out)["tagged"] == "0"


def test_an_import_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("user-1\n\n  user-3  \n"))
    assert main(["segment", "import", "pair", "-"]) == ExitCode.OK
    assert _summary(capsys.readouterr().out)["tagged"] == "2"


@pytest.mark.usefixtures("no_send")
def test_a_missing_file_or_a_column_of_stdin_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segment", "import", "x", str(tmp_path / "nope.csv")]) == ExitCode.USAGE
    assert "pushwoosh segment import: error: cannot read " in capsys.readouterr().err
    assert main(["segment", "import", "x", "-", "--column", "2"]) == ExitCode.USAGE
    assert "--column needs a file" in capsys.readouterr().err


@pytest.mark.usefixtures("no_send")
def test_import_output_paths_are_checked_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _file(tmp_path / "u.csv", ["user-1"])
    for option in ("--report", "--checkpoint"):
        argv = ["segment", "import", "x", source, option, str(tmp_path / "missing" / "r.json")]
        assert main(argv) == ExitCode.USAGE
        assert "does not exist" in capsys.readouterr().err


def test_an_import_then_an_export_of_its_expression(
    tmp_path: Path, shared: FakePushwoosh, capsys: pytest.CaptureFixture[str]
) -> None:
    """The segment an import makes exports exactly the imported users' devices."""
    source = _file(tmp_path / "u.csv", ["user-1", "user-3", "nobody"])
    main(["segment", "import", "returning", source])
    expression = _summary(capsys.readouterr().out)["expression"]
    assert main(["segment", "export", expression, "--format", "json"]) == ExitCode.OK
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["user_id"] for r in records) == ["user-1", "user-3"]
    assert all(r["tags"]["import_returning"] == "yes" for r in records)


def test_ctrl_c_stops_the_import_and_a_checkpoint_resumes_it(
    tmp_path: Path,
    shared: FakePushwoosh,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """SIGINT after the first batch: the summary is printed, PARTIAL, how to resume; the same
    command again finishes the job from the checkpoint."""
    shared.add_devices(5000)
    source = _file(tmp_path / "u.csv", (f"user-device-{n}" for n in range(5000)))
    checkpoint = tmp_path / "run.json"
    argv = ["segment", "import", "big", source, "--checkpoint", str(checkpoint)]

    def interrupt(self: Any, report: ImportReport) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    with monkeypatch.context() as patch:
        patch.setattr(segment_import._ImportProgress, "__call__", interrupt)
        assert main(argv) == ExitCode.PARTIAL
    captured = capsys.readouterr()
    first = _summary(captured.out)
    assert first["complete"] == "no"
    assert first["cancelled"].startswith("yes")
    assert "interrupted: stopping, batches in flight are unconfirmed" in captured.err
    assert f"to resume, run the same command again (its checkpoint is {checkpoint})" in captured.err
    assert "big" not in shared.state.filters

    assert main(argv) == ExitCode.OK
    second = _summary(capsys.readouterr().out)
    assert second["complete"] == "yes"
    assert second["tagged"] == "5,000"
    assert not second["batches"].startswith("5 (0 ")  # some came from the checkpoint
    assert shared.state.filters["big"]["filter_expression"] == 'T("import_big", EQ, "yes")'


def test_a_link_that_may_not_be_fetched_is_failure_not_usage(
    shared: FakePushwoosh, capsys: pytest.CaptureFixture[str]
) -> None:
    """UnsafeDownloadURL is a ValidationError, but the link is the server's, not the user's."""
    shared.exports.base_url = "http://exports.example.com/files"  # plain http, not loopback
    assert main(["segment", "export", EVERYONE]) == ExitCode.FAILURE
    assert "error: UnsafeDownloadURL: " in capsys.readouterr().err
    assert shared.exports.downloads == []
