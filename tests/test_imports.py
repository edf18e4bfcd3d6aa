"""What ``import pushwoosh_async`` loads: no command section, no aiohttp, no testing package.

Checked on ``sys.modules`` in fresh interpreters (not on timings, which are too noisy to assert);
the time itself is measured by ``benchmarks/bench_import.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest

import pushwoosh_async
from pushwoosh_async import commands
from pushwoosh_async.commands._index import SECTION_NAMES


def _fresh(code: str) -> object:
    """Run ``code`` in a new interpreter; it prints one JSON value, returned here."""
    done = subprocess.run(  # noqa: S603 (this interpreter, code written here)
        [sys.executable, "-c", textwrap.dedent(code)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_package_builds_no_command_and_imports_no_sender_library() -> None:
    loaded = _fresh(
        """
        import json, sys
        import pushwoosh_async
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert isinstance(loaded, list)
    sections = {f"pushwoosh_async.commands.{name}" for name in SECTION_NAMES}
    assert not sections & set(loaded)
    assert not [m for m in loaded if m == "aiohttp" or m.startswith("aiohttp.")]
    assert not [m for m in loaded if m.startswith("pushwoosh_async.testing")]
    assert "pushwoosh_async.bulk" not in loaded


def test_the_public_names_import_their_sections_on_first_use() -> None:
    found = _fresh(
        """
        import json, sys
        from pushwoosh_async import CreateMessage, Notification, PushwooshClient, GetTags
        import pushwoosh_async.commands as commands
        first = sorted(m.rsplit(".", 1)[1] for m in sys.modules
                       if m.startswith("pushwoosh_async.commands.") and "._" not in m)
        print(json.dumps({
            "first": first,
            "names": [CreateMessage.__name__, Notification.__name__, GetTags.__name__],
            "all": len(commands.ALL),
            "sections": [m.__name__ for m in commands.SECTIONS],
        }))
        """
    )
    assert isinstance(found, dict)
    assert "statistics" not in found["first"]  # only what the names needed
    assert found["names"] == ["CreateMessage", "Notification", "GetTags"]
    assert found["all"] == len(commands.ALL)
    assert found["sections"] == [m.__name__ for m in commands.SECTIONS]


def test_all_is_complete_whichever_section_is_imported_first() -> None:
    found = _fresh(
        """
        import json
        import pushwoosh_async.commands.users
        from pushwoosh_async.commands import ALL
        print(json.dumps([c.__qualname__ for c in ALL]))
        """
    )
    assert found == [c.__qualname__ for c in commands.ALL]


def test_a_star_import_gives_every_name() -> None:
    found = _fresh(
        """
        import json
        from pushwoosh_async.commands import *
        print(json.dumps(sorted(k for k in dir() if not k.startswith("_"))))
        """
    )
    assert isinstance(found, list)
    assert set(commands.__all__) <= set(found)


def test_the_aiohttp_sender_imports_aiohttp_when_built() -> None:
    found = _fresh(
        """
        import json, sys
        from pushwoosh_async.senders import AiohttpSender
        before = "aiohttp" in sys.modules
        AiohttpSender()
        print(json.dumps([before, "aiohttp" in sys.modules]))
        """
    )
    assert found == [False, True]


def test_the_index_is_every_sections_names_in_the_order_of_the_reference() -> None:
    by_module = {m.__name__.rsplit(".", 1)[1]: tuple(m.__all__) for m in commands.SECTIONS}
    assert list(SECTION_NAMES) == list(by_module)
    assert by_module == SECTION_NAMES
    for section, names in SECTION_NAMES.items():
        module = getattr(commands, section)
        assert all(getattr(commands, name) is getattr(module, name) for name in names)


@pytest.mark.parametrize("module", [commands, pushwoosh_async], ids=["commands", "package"])
def test_an_unknown_name_is_an_attribute_error(module: ModuleType) -> None:
    with pytest.raises(AttributeError, match="NoSuchCommand"):
        getattr(module, "NoSuchCommand")  # noqa: B009
