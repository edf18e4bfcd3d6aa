"""Every method in the API catalogue has a command class, and the two agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pushwoosh_async import commands
from pushwoosh_async.commands._source import Confidence
from pushwoosh_async.testing.handlers import HANDLERS

CATALOGUE: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "methods.json").read_text()
)
BY_NAME = {cls.method: cls for cls in commands.ALL}


def pascal(name: str) -> str:
    """The class name a catalogue name asks for: 'exportSegment/result' -> ExportSegmentResult."""
    parts = re.split(r"[^A-Za-z0-9]+", name.replace("v1.3", ""))
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e["name"])
def test_catalogued_method_has_a_command(entry: dict[str, Any]) -> None:
    """The catalogue's name maps to a command class with its PascalCase name, path and verb."""
    command = BY_NAME.get(entry["name"])
    assert command is not None, f"no command class for {entry['name']!r}"
    assert command.__name__ == pascal(entry["name"])
    if entry["path"]:
        assert command.path == entry["path"]
    assert command.http_method == entry["http_method"]
    if entry["token"] in ("server", "device"):
        assert command.token is commands.TokenKind(entry["token"])


@pytest.mark.parametrize("command", commands.ALL, ids=lambda c: c.__name__)
def test_every_command_names_its_page_and_confidence(command: type[Any]) -> None:
    """The docstring's ``Source:`` line: a documentation (or SDK code) URL and a confidence."""
    source = command.provenance
    assert source is not None, f"{command.__name__}'s docstring has no 'Source:' line"
    assert source.url.startswith("https://"), source.url
    if source.confidence is Confidence.SDK_CODE:
        assert "github.com" in source.url, "SDK code is cited by its repository file"
    else:
        assert "pushwoosh" in source.url, "documented shapes cite Pushwoosh's own pages"


@pytest.mark.parametrize("command", commands.ALL, ids=lambda c: c.__name__)
def test_the_fake_models_every_command(command: type[Any]) -> None:
    """FakePushwoosh has a handler for every method: none answers a made-up default."""
    assert command.method in HANDLERS


def test_method_names_are_unique() -> None:
    """No two command classes claim the same wire method name."""
    assert len(BY_NAME) == len(commands.ALL)


def test_commands_table_is_current() -> None:
    """docs/commands.md is what scripts/commands_table.py generates from commands.ALL."""
    root = Path(__file__).resolve().parent.parent
    script = root / "scripts" / "commands_table.py"
    result = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
