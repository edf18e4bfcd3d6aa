"""What mypy --strict says about user code (``tests/typing/usage.py``): typed results, and misuse
(``chekpoint=``, ``concurrency="eight"``, ``wait`` on a command that starts no job) is an error.

CI's ``mypy`` step checks the file as well (pyproject ``files``); this test runs wherever mypy is
installed, and shows each expected error by removing the ``type: ignore`` that expects it. mypy
runs in a subprocess: in process it would raise the interpreter's recursion limit for the tests
after it.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
USAGE = ROOT / "tests" / "typing" / "usage.py"
IGNORE = re.compile(r"  # type: ignore\[(?P<code>[a-z-]+)\]$")
ERROR = re.compile(r"^[^:]+:(?P<line>\d+): error: .* \[(?P<code>[a-z-]+)\]$")


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mypy_types_user_code_and_rejects_misuse(tmp_path: Path) -> None:
    expected: set[tuple[int, str]] = set()
    lines = []
    for number, line in enumerate(USAGE.read_text().splitlines(), start=1):
        found = IGNORE.search(line)
        if found:
            expected.add((number, found["code"]))
        lines.append(line[: found.start()] if found else line)
    assert len(expected) >= 10
    bare = tmp_path / "usage_without_ignores.py"
    bare.write_text("\n".join(lines) + "\n")
    checked = subprocess.run(  # noqa: S603 (mypy, on our own file)
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10", str(bare)],
        cwd=ROOT,  # this checkout's pushwoosh_async, not an installed one
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    out = checked.stdout
    reported = {(int(m["line"]), m["code"]) for m in map(ERROR.match, out.splitlines()) if m}
    assert not checked.stderr
    assert reported == expected, out
