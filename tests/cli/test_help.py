"""``pushwoosh --help``: the exit statuses come from :class:`ExitCode`; the shim is the CLI."""

from __future__ import annotations

import pytest

from pushwoosh_async.cli import ExitCode, main


def _flat(text: str) -> str:
    return " ".join(text.split())


def _exit_status_block(help_text: str) -> str:
    return help_text.split("exit status:\n", 1)[1].split("\n\n", 1)[0]


def test_exit_codes_keep_their_numbers_and_meanings() -> None:
    """OK 0 success, PARTIAL 1, USAGE 2 bad usage, FAILURE 3: what scripts already rely on;
    NOT_DELIVERED 4 is new (a send that reached nobody used to exit 0)."""
    assert {code.name: (code.value, code.meaning.split(":")[0]) for code in ExitCode} == {
        "OK": (0, "success (a send may still report unknown devices)"),
        "PARTIAL": (1, "partial failure"),
        "USAGE": (2, "bad usage"),
        "FAILURE": (3, "total failure"),
        "NOT_DELIVERED": (4, "nothing delivered"),
    }


@pytest.mark.parametrize(
    "command", [[], ["send"], ["bulk"], ["call"], ["segment", "export"], ["segment", "import"]]
)
def test_help_lists_every_exit_code_with_its_meaning(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``exit status:`` block of ``--help`` lists exactly the ExitCode members and meanings."""
    assert main([*command, "--help"]) == ExitCode.OK
    block = _exit_status_block(capsys.readouterr().out)
    listed = [int(line.split()[0]) for line in block.splitlines() if not line.startswith("   ")]
    assert listed == [code.value for code in ExitCode]
    for code in ExitCode:
        assert f"{code.value} {_flat(code.meaning)}" in _flat(block), code.name


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """``pushwoosh --help`` (exit 0) has the exit status block and names bulk and serve."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit status" in out
    assert "bulk" in out
    assert "serve" in out


def test_bad_usage_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """No subcommand, or an unknown one, is argparse's bad usage: ExitCode.USAGE."""
    assert main([]) == ExitCode.USAGE
    assert main(["nope"]) == ExitCode.USAGE
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_python_m_shim_runs_the_cli_main() -> None:
    """``pushwoosh_async.__main__.main`` (``python -m pushwoosh_async``) is the CLI's main."""
    from pushwoosh_async import __main__ as shim  # noqa: PLC0415
    from pushwoosh_async import cli  # noqa: PLC0415

    assert shim.main is cli.main
