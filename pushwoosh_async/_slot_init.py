"""attrs' frozen ``__init__``, setting each slot through its descriptor.

For a frozen slotted class attrs generates an ``__init__`` that writes every field with
``object.__setattr__`` (``_setattr('name', value)``), because the class's own ``__setattr__``
refuses. That generic call looks the name up again for every field, every time: it makes a
frozen class three times as costly to build as a plain one (``benchmarks/bench_stages.py
--instructions``), and a call builds one command, its nested values and one result.

:func:`set_slots_directly` takes the source attrs generated (attrs keeps it in ``linecache``),
replaces each ``_setattr('name', value)`` with ``set_name(self, value)``, where ``set_name`` is
the slot's own descriptor ``__set__``, and compiles it again with attrs' globals. Nothing else
changes: defaults, factories, converters, validators and ``__attrs_post_init__`` run as attrs
wrote them, and the class stays frozen. Where the source is not the shape expected (another
attrs version), the class keeps attrs' ``__init__``: slower, never wrong.
"""

from __future__ import annotations

import linecache
import re
import types
from typing import Any, Final

__all__ = ["set_slots_directly"]

_GETTER: Final = "    _setattr = _cached_setattr_get(self)\n"
_WRITE: Final = re.compile(r"_setattr\('(\w+)', ")


def set_slots_directly(cls: type[Any]) -> bool:
    """Give ``cls`` a copy of its attrs ``__init__`` that writes slots directly; True if done."""
    init = vars(cls).get("__init__")
    if not isinstance(init, types.FunctionType) or init.__code__.co_freevars:
        return False
    fast = _rewritten(cls, init)
    if fast is None:
        return False
    fast.__qualname__ = init.__qualname__
    fast.__doc__ = init.__doc__
    fast.__module__ = init.__module__
    fast.__annotations__ = dict(init.__annotations__)
    cls.__init__ = fast
    return True


def _rewritten(cls: type[Any], init: types.FunctionType) -> types.FunctionType | None:
    """``init`` compiled again with direct slot writes, or ``None`` if its shape is unknown."""
    source = _function_source(init.__code__)
    if source is None or _GETTER not in source:
        return None
    names = set(_WRITE.findall(source))
    rewritten = _WRITE.sub(lambda found: f"_pw_set_{found.group(1)}(self, ", source)
    rewritten = rewritten.replace(_GETTER, "")
    if not names or "_setattr" in rewritten:
        return None  # no field (nothing to gain), or a write of a form not known here
    namespace = dict(init.__globals__)
    for name in names:
        descriptor = getattr(cls, name, None)
        if type(descriptor) is not types.MemberDescriptorType:
            return None
        namespace[f"_pw_set_{name}"] = descriptor.__set__
    try:
        exec(compile(rewritten, init.__code__.co_filename, "exec"), namespace)  # noqa: S102 (attrs' source)
    except SyntaxError:
        return None
    fast: types.FunctionType = namespace["__init__"]
    return fast


def _function_source(code: types.CodeType) -> str | None:
    """The ``def __init__`` block of the script attrs compiled, or ``None`` if not found."""
    text = "".join(linecache.getlines(code.co_filename))
    start = text.find("def __init__(")
    if start < 0:
        return None
    end = text.find("\ndef ", start)
    return text[start:] if end < 0 else text[start : end + 1]
