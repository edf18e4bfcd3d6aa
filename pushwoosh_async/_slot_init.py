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
from collections.abc import Callable
from typing import Any, Final, NoReturn

import attrs

from pushwoosh_async.errors import ValidationError

__all__ = ["Checked", "set_slots_directly"]

_ATTRS_INIT: Final = "__pw_attrs_init__"
"""Where a rewritten ``__init__`` keeps attrs' own (the source it is rewritten from)."""

_GETTER: Final = "    _setattr = _cached_setattr_get(self)\n"
_WRITE: Final = re.compile(r"_setattr\('(\w+)', ")


def set_slots_directly(cls: type[Any], checked: Checked | None = None) -> bool:
    """Give ``cls`` a copy of its attrs ``__init__`` that writes slots directly; True if done.

    With ``checked``, the same ``__init__`` also runs the construction checks (see
    :class:`Checked`), so a construction is one call, not a wrapper around attrs' ``__init__``.
    """
    init = vars(cls).get("__init__")
    init = getattr(init, "__wrapped__", init)  # under a wrapper (the checks, until compiled)
    attrs_init = getattr(init, _ATTRS_INIT, init)  # a class rewritten before: start from attrs'
    if not isinstance(attrs_init, types.FunctionType) or attrs_init.__code__.co_freevars:
        return False
    fast = _rewritten(cls, attrs_init, checked)
    if fast is None:
        return False
    fast.__qualname__ = attrs_init.__qualname__
    fast.__doc__ = attrs_init.__doc__
    fast.__module__ = attrs_init.__module__
    fast.__annotations__ = dict(attrs_init.__annotations__)
    setattr(fast, _ATTRS_INIT, attrs_init)
    cls.__init__ = fast
    return True


@attrs.frozen
class Checked:
    """Construction checks compiled into the ``__init__``: what ``_checks.install`` asks for.

    After attrs' body (converters, validators, ``__attrs_post_init__``), each ``(field, exact,
    check)`` of ``checks`` runs on the stored value: a value whose class is in ``exact`` passes,
    else ``check(value)`` returns ``None`` or the message suffix of the ``ValidationError``
    raised as ``prefix + field + suffix``. An exception of a ``caught`` class from attrs' body
    goes to ``failed(self, given, exc)``, which raises; ``given`` maps each keyword the call
    passed (a default or attrs' ``NOTHING`` is not passed) to its value.
    """

    checks: tuple[tuple[str, frozenset[type[Any]], Callable[[Any], str | None]], ...]
    prefix: str
    caught: tuple[type[Exception], ...]
    failed: Callable[[Any, dict[str, Any], Exception], NoReturn]


def _rewritten(
    cls: type[Any], init: types.FunctionType, checked: Checked | None
) -> types.FunctionType | None:
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
    if checked is not None:
        code = init.__code__
        if code.co_argcount != 1:
            return None  # positional fields: keep the wrapper, which takes keywords only
        keywords = code.co_varnames[1 : 1 + code.co_kwonlyargcount]
        rewritten = _with_checks(rewritten, keywords, checked, namespace, init.__kwdefaults__)
    try:
        exec(compile(rewritten, init.__code__.co_filename, "exec"), namespace)  # noqa: S102 (attrs' source)
    except SyntaxError:
        return None
    fast: types.FunctionType = namespace["__init__"]
    return fast


def _with_checks(
    source: str,
    keywords: tuple[str, ...],
    checked: Checked,
    namespace: dict[str, Any],
    defaults: dict[str, Any] | None,
) -> str:
    """Attrs' body inside ``try``, the failure handed to ``checked.failed``, then the checks."""
    signature, _, body = source.partition("\n")
    indented = "".join(f"    {line}\n" if line.strip() else "\n" for line in body.splitlines())
    passed = ", ".join(keywords)
    lines = [
        signature,
        "    try:",
        indented.rstrip("\n") or "        pass",
        "    except _pw_caught as _pw_error:",
        f"        _pw_failed(self, _pw_given(({passed}{',' if keywords else ''})), _pw_error)",
    ]
    for index, (field, exact, check) in enumerate(checked.checks):
        namespace[f"_pw_check_{index}"] = check
        namespace[f"_pw_exact_{index}"] = exact
        lines.append(f"    _pw_value = self.{field}")
        pad = "    "  # under the exact-class test, if the field has one
        if exact:
            lines.append(f"    if _pw_value.__class__ not in _pw_exact_{index}:")
            pad += "    "
        lines += [
            f"{pad}_pw_problem = _pw_check_{index}(_pw_value)",
            f"{pad}if _pw_problem is not None:",
            f"{pad}    raise _pw_ValidationError({checked.prefix + field!r} + _pw_problem)",
        ]
    unset = {name: (defaults or {}).get(name, _UNSET) for name in keywords}

    def given(values: tuple[Any, ...]) -> dict[str, Any]:
        return {
            name: value
            for (name, default), value in zip(unset.items(), values, strict=True)
            if value is not default and value is not attrs.NOTHING
        }

    namespace.update(
        _pw_caught=checked.caught,
        _pw_failed=checked.failed,
        _pw_given=given,
        _pw_ValidationError=ValidationError,
    )
    return "\n".join(lines) + "\n"


_UNSET: Final = object()


def _function_source(code: types.CodeType) -> str | None:
    """The ``def __init__`` block of the script attrs compiled, or ``None`` if not found."""
    text = "".join(linecache.getlines(code.co_filename))
    start = text.find("def __init__(")
    if start < 0:
        return None
    end = text.find("\ndef ", start)
    return text[start:] if end < 0 else text[start : end + 1]
