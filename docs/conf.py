"""Sphinx configuration of the documentation site: ``nox -s docs``.

The pages are Markdown (MyST); the API reference is autodoc over the public modules, whose
docstrings are reStructuredText. Nothing is fetched at build time: no intersphinx, and the theme
(furo) ships its assets and uses the system's fonts.
"""

# ruff: noqa: INP001 (Sphinx loads this file by path; docs/ is no package)
from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package, whatever else is installed

from pushwoosh_async import __version__  # noqa: E402 (after the path is set)

project = "pushwoosh_async"
release = version = __version__
extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
root_doc = "index"

# Markdown: heading anchors so ``page.md#section`` links resolve; unlabelled fences are plain text.
myst_heading_anchors = 3
highlight_language = "text"

# Every cross-reference must resolve (``-W`` makes a broken one fail the build), except names of
# the standard library and other projects: no inventories are fetched to link them.
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(?!pushwoosh_async\b)\w+\..+")]
nitpick_ignore = [("py:class", "Redis")]  # fleet.py imports it for type checking only

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"show-inheritance": True}  # every directive says :members:
add_module_names = False

html_theme = "furo"
html_title = f"pushwoosh_async {version}"
html_show_sourcelink = False


@functools.cache
def _lookup(path: str) -> Any:
    """The object a dotted path names, importing the longest module prefix; ``None`` if none."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for name in parts[split:]:
                obj = getattr(obj, name)
        except AttributeError:
            return None
        return obj
    return None


_MISSING = object()


def _resolve(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Link a reference to where the object is documented, whatever name it was reached by.

    Docstrings name objects as their module sees them (``:class:`TransportError``` in
    ``retries.py``, which imports it) and annotations name them where they are defined
    (``commands._base.Command``), while the reference documents each object once, under the name
    users import. A reference to one of our objects that no page documents (a private base
    class) is shown as text. One that names nothing importable stays a warning: it is broken.
    """
    if node.get("refdomain") != "py":
        return None
    from sphinx.util.nodes import make_refnode  # noqa: PLC0415 (Sphinx is imported by then)

    target = node["reftarget"].lstrip("~.")
    module = node.get("py:module") or ""
    obj = _MISSING
    for path in (f"{module}.{target}" if module else "", target):
        if path.startswith("pushwoosh_async"):
            found = _lookup(path)
            if found is not None:
                obj = found
                break
    if obj is _MISSING and "." not in target:
        obj = _only_one_named(target)
    if obj is _MISSING:
        return None
    for name, entry in _documented(env).get(target.rsplit(".", 1)[-1], ()):
        if _lookup(name) is obj:
            return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode)
    return contnode


def _only_one_named(name: str) -> Any:
    """The one object our modules call ``name`` (a bare name in an inherited annotation).

    ``_MISSING`` when no module has it, or when two mean different objects: then the name is
    ambiguous and the reference stays a warning.
    """
    found = {
        id(value): value
        for module_name, module in list(sys.modules.items())
        if module_name.startswith("pushwoosh_async") and module is not None
        for value in [getattr(module, name, _MISSING)]
        if value is not _MISSING
    }
    return next(iter(found.values())) if len(found) == 1 else _MISSING


_BY_SHORT_NAME: dict[str, list[tuple[str, Any]]] = {}


def _documented(env: Any) -> dict[str, list[tuple[str, Any]]]:
    """The documented Python objects by their last name (built once: all pages are read by now)."""
    if not _BY_SHORT_NAME:
        for name, entry in env.get_domain("py").objects.items():
            _BY_SHORT_NAME.setdefault(name.rsplit(".", 1)[-1], []).append((name, entry))
    return _BY_SHORT_NAME


def setup(app: Any) -> None:
    """Sphinx's hook for a local extension: link references as ``_resolve`` says."""
    app.connect("missing-reference", _resolve)
