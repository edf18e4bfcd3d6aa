"""Construction-time field checks: every command refuses a value its annotations do not allow.

:func:`install` wraps the ``__init__`` attrs generates for a command class: after attrs'
converters, validators and ``__attrs_post_init__``, it runs the class's checker, compiled once (at
the first construction, when forward references resolve) from the resolved annotations into a
tuple of ``(field, exact classes, check)``: a value whose class is exact passes at the cost of a
set lookup; otherwise the check returns ``None`` or what is wrong as a path suffix and a reason,
so the message names command and field (``CreateMessage.notifications[0].content: ...``).

Checks know ``str``, ``int`` (not ``bool``), ``float`` (an ``int`` too; finite), ``bool``, ``None``
(only where allowed), unions, ``Literal``, enums and other plain classes, ``tuple[X, ...]`` and
``list[X]`` (a list or a tuple), ``Mapping``/``dict[str, V]`` and nested attrs classes (field by
field); ``Any`` and unknown forms take anything. A required ``str`` (no default) must be
non-empty, as the API reads it as an id or a name, unless its metadata sets ``ALLOW_EMPTY``.

A converter, validator or hook raising ``TypeError``, ``ValueError``, ``AttributeError`` or
``LookupError`` becomes a :class:`ValidationError`; the field is found on that error path only,
by running each field's converter, validator and check again. A missing or unknown keyword stays
a ``TypeError`` (a programming error, not bad input).
"""

from __future__ import annotations

import math
import reprlib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, Union

import attrs

from pushwoosh_async._slot_init import set_slots_directly
from pushwoosh_async.errors import ValidationError

__all__ = ["ALLOW_EMPTY", "Check", "checks_of", "install"]

Check = Callable[[Any], "str | None"]
"""``None`` when a value fits; otherwise a path suffix and what is wrong (``": expected ..."``)."""

ALLOW_EMPTY: Final = "pushwoosh_async.allow_empty"
"""Field metadata key: this required ``str`` field may be ``""`` (say why next to it)."""

CAUGHT: Final = (TypeError, ValueError, AttributeError, LookupError)
"""What a converter, validator or post-init hook raises for input it cannot take."""

_SHORT: Final = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlevel = 3
Checks = tuple[tuple[str, frozenset[type[Any]], Check], ...]
"""A class's checker: per field, its name, the value classes accepted outright, its check."""
_CACHE: dict[type[Any], Checks] = {}
_INSTALLED: set[type[Any]] = set()
_WORDS: Final[dict[Any, str]] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "None",
}


def short(value: Any) -> str:
    """``value`` for a message: its type and a bounded repr (safe on any nesting depth)."""
    if value is None:
        return "None"
    try:
        text = _SHORT.repr(value)
    except Exception:  # noqa: BLE001 (a broken __repr__ must not hide the real problem)
        text = "..."
    return f"{type(value).__name__} {text}"


# --- compiling ---------------------------------------------------------------------------------


def checks_of(cls: type[Any]) -> Checks:
    """The checker of an attrs class: compiled on first use, then cached."""
    found = _CACHE.get(cls)
    if found is None:
        found = _CACHE[cls] = _compile(cls, _hints(cls))
    return found


def _hints(cls: type[Any], *, strict: bool = False) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:
        if strict:
            raise
        return {}  # an annotation that does not resolve: nothing to check


def _compile(cls: type[Any], hints: dict[str, Any]) -> Checks:
    checks: list[tuple[str, frozenset[type[Any]], Check]] = []
    for a in attrs.fields(cls):
        if a.name not in hints:
            continue
        hint = hints[a.name]
        _adopt(hint)
        check = check_for(hint)
        exact = exact_types(hint)
        if hint is str and a.default is attrs.NOTHING and not a.metadata.get(ALLOW_EMPTY):
            check, exact = _required_str, frozenset()
        if check is not None:
            checks.append((a.name, exact, check))
    return tuple(checks)


def _adopt(hint: Any) -> None:
    """Install the checks on the attrs classes an annotation names (``Notification``, ...)."""
    for arg in typing.get_args(hint):
        _adopt(arg)
    if isinstance(hint, type) and attrs.has(hint) and "__init__" in vars(hint):
        install(hint)


def exact_types(hint: Any) -> frozenset[type[Any]]:
    """Value classes the annotation accepts outright: the fast path skips the check for them."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return frozenset().union(*(exact_types(m) for m in typing.get_args(hint)))
    if hint is float:
        return frozenset({int})  # a float must be finite: checked
    if hint in (int, bool, type(None)) or _plain(hint):
        return frozenset({hint})
    return frozenset()


def describe(hint: Any) -> str:
    """An annotation in words: ``a list of Notification``, ``a string or None``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        each = [describe(a) for a in args]
        return ", ".join(each[:-1]) + " or " + each[-1]
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (tuple, list, Sequence):
        return "a list of " + _name(args[0]) if args else "a list"
    if origin in (Mapping, dict):
        return f"a mapping of {_name(args[0])} to {_name(args[1])}" if args else "a mapping"
    words = _WORDS.get(hint) if isinstance(hint, type) else None
    return words or (f"a {hint.__name__}" if isinstance(hint, type) else str(hint))


def _name(hint: Any) -> str:
    if hint is Any:
        return "any value"
    return hint.__name__ if isinstance(hint, type) else describe(hint)


def _fail(hint: Any) -> Check:
    wanted = describe(hint)
    return lambda value: f": expected {wanted}, got {short(value)}"


def check_for(hint: Any) -> Check | None:  # noqa: PLR0911 (one branch per annotation form)
    """The check of one annotation; ``None`` when anything goes (``Any``, unknown forms)."""
    if hint is Any:
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return check_for(typing.get_args(hint)[0])
    if origin in (Union, types.UnionType):
        return _union(hint)
    if origin is Literal:
        return _literal(hint)
    if origin in (tuple, list, Sequence):
        return _sequence(hint)
    if origin in (Mapping, dict):
        return _mapping(hint)
    if hint is int:
        return _int
    if hint is float:
        return _float
    if _plain(hint):  # str, bool, None, enums, datetime, attrs classes (checked when built)
        fail = _fail(hint)
        return lambda value: None if isinstance(value, hint) else fail(value)
    return None


def _int(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return f": expected an integer, got {short(value)}"


def _float(value: Any) -> str | None:
    if isinstance(value, float) and math.isfinite(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    if isinstance(value, float):
        return f": {value!r} is not a finite number (JSON cannot carry it)"
    return f": expected a number, got {short(value)}"


def _required_str(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return None
    if isinstance(value, str):
        return ": must not be empty"
    return f": expected a string, got {short(value)}"


def _plain(hint: Any) -> bool:
    """A member a bare ``isinstance`` decides: no generics, no int/float/bool subtleties."""
    return (
        isinstance(hint, type)
        and typing.get_origin(hint) is None
        and hint not in (int, float, object, Any)
    )


def _union(hint: Any) -> Check | None:
    members = typing.get_args(hint)
    kinds = tuple(m for m in members if _plain(m))
    others: list[Check] = []
    for member in members:
        if _plain(member):
            continue
        member_check = check_for(member)
        if member_check is None:
            return None  # one member takes anything: so does the union
        others.append(member_check)
    fail = _fail(hint)
    if not others:
        return lambda value: None if isinstance(value, kinds) else fail(value)

    def check(value: Any) -> str | None:
        if isinstance(value, kinds):
            return None
        deeper = None
        for other in others:
            problem = other(value)
            if problem is None:
                return None
            if deeper is None and not problem.startswith(": "):
                deeper = problem  # the value has this member's shape but breaks inside it
        return deeper or fail(value)

    return check


def _literal(hint: Any) -> Check:
    allowed = frozenset((type(a), a) for a in typing.get_args(hint))
    fail = _fail(hint)

    def check(value: Any) -> str | None:
        try:
            if (type(value), value) in allowed:
                return None
        except TypeError:  # unhashable
            pass
        return fail(value)

    return check


def _sequence(hint: Any) -> Check:
    args = typing.get_args(hint)
    item = check_for(args[0]) if args and (len(args) == 1 or args[1] is Ellipsis) else None
    fail = _fail(hint)

    def check(value: Any) -> str | None:
        if not isinstance(value, (list, tuple)):
            return fail(value)
        if item is not None:
            for i, element in enumerate(value):
                problem = item(element)
                if problem is not None:
                    return f"[{i}]{problem}"
        return None

    return check


def _mapping(hint: Any) -> Check:
    args = typing.get_args(hint)
    key = check_for(args[0]) if args else None
    item = check_for(args[1]) if args else None
    fail = _fail(hint)

    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return fail(value)
        if not value or (key is None and item is None):
            return None
        for k, v in value.items():
            if key is not None and key(k) is not None:
                return f": has the key {short(k)}; keys must be strings"
            problem = None if item is None else item(v)
            if problem is not None:
                return f"[{k!r}]{problem}"
        return None

    return check


# --- installing --------------------------------------------------------------------------------


def install(cls: type[Any]) -> None:
    """Wrap ``cls``'s attrs-generated ``__init__`` so every construction is checked.

    The checker is compiled now if the annotations resolve (installing the checks on the attrs
    classes they name as well), else at the first construction.
    """
    if cls in _INSTALLED:
        return
    _INSTALLED.add(cls)
    set_slots_directly(cls)  # attrs' frozen __init__, a third cheaper (see _slot_init.py)
    init = vars(cls)["__init__"]
    compiled: list[Checks] = []
    name = cls.__name__

    def __init__(self: Any, **kwargs: Any) -> None:  # noqa: N807 (it is the class's __init__)
        try:
            init(self, **kwargs)
        except CAUGHT as exc:
            error = diagnose(cls, self, kwargs, exc)
            if error is exc:
                raise
            raise error from exc
        if not compiled:
            compiled.append(checks_of(cls))
        for field, exact, check in compiled[0]:
            value = getattr(self, field)
            if value.__class__ in exact:
                continue
            problem = check(value)
            if problem is not None:
                raise ValidationError(name + "." + field + problem)

    __init__.__doc__ = init.__doc__
    __init__.__qualname__ = init.__qualname__
    __init__.__wrapped__ = init  # type: ignore[attr-defined]
    cls.__init__ = __init__
    try:
        hints = _hints(cls, strict=True)
    except Exception:  # noqa: BLE001 (a forward reference: compiled at the first construction)
        return
    compiled.append(_CACHE.setdefault(cls, _compile(cls, hints)))


def diagnose(cls: type[Any], instance: Any, kwargs: dict[str, Any], exc: Exception) -> Exception:
    """The ``ValidationError`` for a construction that raised ``exc`` (error path only).

    ``exc`` itself when the call was malformed (a missing or unknown keyword): that is a
    programming error, not bad input.
    """
    fields = attrs.fields(cls)
    aliases = {a.alias for a in fields if a.init}
    missing = [a for a in fields if a.init and a.default is attrs.NOTHING and a.alias not in kwargs]
    if isinstance(exc, TypeError) and (missing or set(kwargs) - aliases):
        return exc
    checks = {field: check for field, _, check in checks_of(cls)}
    hints = _hints(cls)
    for a in fields:
        if not a.init or a.alias not in kwargs:
            continue
        wanted = describe(hints[a.name]) if a.name in hints else "another value"
        problem = _field_problem(instance, a, kwargs[a.alias], checks.get(a.name), wanted)
        if problem is not None:
            return ValidationError(f"{cls.__name__}.{a.name}{problem}")
    if isinstance(exc, ValidationError):
        return ValidationError(f"{cls.__name__}: {exc}")
    return ValidationError(f"{cls.__name__}: {type(exc).__name__}: {exc}")


def _field_problem(
    instance: Any, a: attrs.Attribute[Any], value: Any, check: Check | None, wanted: str
) -> str | None:
    """What is wrong with one field's input: its converter, then validator, then check."""
    converter: Any = a.converter
    try:
        if isinstance(converter, attrs.Converter):
            flags: Any = converter
            more = [instance] * flags.takes_self + [a] * flags.takes_field
            value = flags.converter(value, *more)
        elif converter is not None:
            value = converter(value)
    except CAUGHT as exc:
        if isinstance(exc, ValidationError):
            return f": {exc}"
        return f": expected {wanted}, got {short(value)}"
    problem = None if check is None else check(value)
    if a.validator is not None:
        try:
            a.validator(instance, a, value)
        except CAUGHT as exc:
            if isinstance(exc, ValidationError):
                return f": {exc}"
            return problem or f": {short(value)} is not accepted"
    return problem
