"""What one annotation accepts: a check per annotation form, and its words for messages.

A check takes a value and returns ``None`` when it fits, otherwise what is wrong as a path suffix
and a reason (``"[0]: expected a string, got int 3"``), which ``_checks`` prefixes with the class
and field. The forms known are listed in ``_checks``' docstring.
"""

from __future__ import annotations

import math
import reprlib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, Union

__all__ = ["Check", "check_for", "describe", "exact_types", "required_str", "short"]

Check = Callable[[Any], "str | None"]
"""``None`` when a value fits; otherwise a path suffix and what is wrong (``": expected ..."``)."""

_SHORT: Final = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlevel = 3
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


def required_str(value: Any) -> str | None:
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
