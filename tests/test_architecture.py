"""The package's shape: no import circle, no oversized module, one job per module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pushwoosh_async"

DECLARATIVE = {"pushwoosh_async.commands.messages", "pushwoosh_async.commands.statistics"}
"""Command tables: long because the API is, not because a module does several jobs."""


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {_module_name(p, package): p for p in package.rglob("*.py")}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports anywhere in its source (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {m for m in found if m in modules and m != name}


def _cycles(package: Path = PACKAGE) -> list[list[str]]:
    modules = _modules(package)
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_circle_in_the_package() -> None:
    """No module of pushwoosh_async imports, even lazily, a module that imports it back."""
    assert _cycles() == []


def test_the_cycle_finder_sees_a_circle(tmp_path: Path) -> None:
    """The check above can fail: two modules importing each other (one lazily) are reported."""
    package = tmp_path / "pushwoosh_async"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pushwoosh_async import b\n")
    (package / "b.py").write_text("def f():\n    from pushwoosh_async.a import x\n")
    assert _cycles(package) == [["pushwoosh_async.a", "pushwoosh_async.b", "pushwoosh_async.a"]]


def test_no_module_over_400_lines_but_command_tables() -> None:
    """Small modules with one job each: only the declarative command tables may run long."""
    long = {
        name: len(path.read_text().splitlines())
        for name, path in _modules().items()
        if name not in DECLARATIVE and len(path.read_text().splitlines()) > 400
    }
    assert long == {}
