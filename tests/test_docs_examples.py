"""Every Python code block of README.md and docs/*.md runs, against the fake, and passes.

A block is run as the reader would run it, with three things prepared:

* A fake account stands in for Pushwoosh: a ``PushwooshClient`` built without a transport or
  sender is wired to it (``transport=fake.transport``) and uses its tokens, so the placeholders
  the docs write (``api_token="..."``) work. The fake knows the applications the docs use and a
  few devices and users (``DOCS_DEVICES``).
* ``pw`` (an open client of that account, default application ``ABCDE-12345``) and ``fake`` are
  in scope, as the docs say. A block may use top-level ``await``; a block that calls
  ``asyncio.run`` runs outside any event loop, as a script does.
* The working directory is a fresh temporary one holding ``devices.txt``.

A block whose first line is ``# name.py`` is a file: it is written under that name, and when the
name starts with ``test_`` pytest runs it (and the files before it in the same document) in a
fresh process, which must pass. A block importing a third-party package that is not installed
is skipped and says which (CI installs them).

The docs show results as ``assert`` lines, so a block that runs also checks what the docs claim.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib.util
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import pushwoosh_async
from pushwoosh_async import PushwooshClient
from pushwoosh_async.testing import FakePushwoosh
from tests.support import API_TOKEN, DEVICE_TOKEN

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^```python\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)
FILE_NAME = re.compile(r"\A# (?P<name>[\w/]+\.py)\b")
TEST_FUNCTION = re.compile(r"^(?:async )?def test_", re.MULTILINE)
DOCS_APPLICATIONS = ("ABCDE-12345", "XXXXX-XXXXX")
DOCS_DEVICES = {"hwid-1": "customer-1042", "hwid-2": "customer-1042", "hwid-3": "u-1"}
"""Devices the docs' fake account has (hwid -> user), in both applications."""


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    code: str

    @property
    def file_name(self) -> str | None:
        found = FILE_NAME.match(self.code)
        return found["name"] if found else None

    @property
    def id(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def blocks(document: Path) -> list[Block]:
    text = document.read_text()
    return [
        Block(document, text.count("\n", 0, found.start()) + 1, found["code"])
        for found in FENCE.finditer(text)
    ]


ALL_BLOCKS = [block for document in DOCUMENTS for block in blocks(document)]


def docs_fake() -> FakePushwoosh:
    fake = FakePushwoosh(
        api_token=API_TOKEN, device_token=DEVICE_TOKEN, applications=DOCS_APPLICATIONS
    )
    for application in DOCS_APPLICATIONS:
        for hwid, user in DOCS_DEVICES.items():
            fake.add_device(hwid, application=application, user_id=user)
    return fake


def missing_packages(block: Block) -> list[str]:
    """Top-level packages the block imports that are neither installed nor files of its page."""
    code = block.code
    local = {Path(b.file_name).stem for b in blocks(block.document) if b.file_name}
    names: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return sorted(n for n in names - local if importlib.util.find_spec(n) is None)


@pytest.fixture
def wired_to(monkeypatch: pytest.MonkeyPatch) -> Callable[[FakePushwoosh], None]:
    """Wire every client built without a transport or sender to ``fake``."""

    def wire(fake: FakePushwoosh) -> None:
        original = PushwooshClient.__init__

        @functools.wraps(original)
        def init(self: PushwooshClient, api_token: str | None = None, **options: Any) -> None:
            if options.get("transport") is None and options.get("sender") is None:
                options["transport"] = fake.transport
                options["device_token"] = DEVICE_TOKEN
                api_token = API_TOKEN
            original(self, api_token, **options)

        monkeypatch.setattr(PushwooshClient, "__init__", init)
        for name in ("PUSHWOOSH_API_TOKEN", "PUSHWOOSH_DEVICE_TOKEN"):
            monkeypatch.setenv(name, "docs-placeholder")
        monkeypatch.setenv("PUSHWOOSH_APPLICATION", "ABCDE-12345")

    return wire


def in_a_thread(run: Callable[[], None]) -> None:
    """Run ``run`` on a thread with no event loop (as a script's main thread is)."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            run()
        except BaseException as exc:  # re-raised on the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the block did not finish within 60 s"
    if failure:
        raise failure[0]


def run_block(block: Block, fake: FakePushwoosh) -> None:
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    code = compile(block.code, block.id, "exec", flags=flags, dont_inherit=True)
    namespace: dict[str, Any] = {"__name__": "__main__", "fake": fake}

    async def with_client() -> None:
        async with PushwooshClient(application="ABCDE-12345") as pw:
            namespace["pw"] = pw
            outcome = eval(code, namespace)  # noqa: S307 (the project's own docs)
            if asyncio.iscoroutine(outcome):
                await outcome

    if "asyncio.run(" in block.code or "pushwoosh_async.sync" in block.code:  # no loop of ours
        in_a_thread(lambda: exec(code, namespace))  # noqa: S102 (the project's own docs)
    else:
        in_a_thread(lambda: asyncio.run(with_client()))


def files_before(block: Block) -> Iterator[Block]:
    for other in blocks(block.document):
        if other.line > block.line:
            return
        if other.file_name:
            yield other


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in ALL_BLOCKS])
def test_the_block_runs(
    block: Block,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wired_to: Callable[[FakePushwoosh], None],
    pytester: pytest.Pytester,
) -> None:
    needed = [*files_before(block), block] if block.file_name else [block]
    missing = sorted({name for b in needed for name in missing_packages(b)})
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (not installed here)")
    if block.file_name and not Path(block.file_name).name.startswith("test_"):
        compile(block.code, block.id, "exec")  # a module other blocks import: it must parse
        return
    if block.file_name:
        written = list(files_before(block))
        for file in written:
            (pytester.path / str(file.file_name)).write_text(file.code)
        pytester.makeconftest('pytest_plugins = ["pushwoosh_async.testing.pytest_plugin"]\n')
        outcome = pytester.runpytest_subprocess(
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
        )
        tests = sum(len(TEST_FUNCTION.findall(file.code)) for file in written)
        outcome.assert_outcomes(passed=tests)
        return
    monkeypatch.chdir(tmp_path)
    (tmp_path / "devices.txt").write_text("".join(f"{h}\n" for h in DOCS_DEVICES))
    fake = docs_fake()
    wired_to(fake)
    run_block(block, fake)


def test_every_document_has_its_blocks_found() -> None:
    """The fence pattern finds the blocks (a README with none would make the test above empty)."""
    assert len(blocks(ROOT / "README.md")) >= 5
    assert pushwoosh_async.__version__
    assert sys.version_info >= (3, 10)
