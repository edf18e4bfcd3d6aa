"""Construction-time field checks: every command refuses a value its annotations do not allow.

:func:`install` adds to the ``__init__`` attrs generates for a command class: after attrs'
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

import typing
from typing import Any, Final, NoReturn

import attrs

from pushwoosh_async._slot_init import Checked, set_slots_directly
from pushwoosh_async.commands._annotation_checks import (
    Check,
    check_for,
    describe,
    exact_types,
    required_str,
    short,
)
from pushwoosh_async.errors import ValidationError

__all__ = ["ALLOW_EMPTY", "Check", "checks_of", "install"]

ALLOW_EMPTY: Final = "pushwoosh_async.allow_empty"
"""Field metadata key: this required ``str`` field may be ``""`` (say why next to it)."""

CAUGHT: Final = (TypeError, ValueError, AttributeError, LookupError)
"""What a converter, validator or post-init hook raises for input it cannot take."""

Checks = tuple[tuple[str, frozenset[type[Any]], Check], ...]
"""A class's checker: per field, its name, the value classes accepted outright, its check."""
_CACHE: dict[type[Any], Checks] = {}
_INSTALLED: set[type[Any]] = set()


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
            check, exact = required_str, frozenset()
        if check is not None:
            checks.append((a.name, exact, check))
    return tuple(checks)


def _adopt(hint: Any) -> None:
    """Install the checks on the attrs classes an annotation names (``Notification``, ...)."""
    for arg in typing.get_args(hint):
        _adopt(arg)
    if isinstance(hint, type) and attrs.has(hint) and "__init__" in vars(hint):
        install(hint)


# --- installing --------------------------------------------------------------------------------


def install(cls: type[Any]) -> None:
    """Check every construction of ``cls``: its checker compiled into its ``__init__``.

    The checker is compiled now if the annotations resolve (installing the checks on the attrs
    classes they name as well), else at the first construction. Until then, and where attrs'
    ``__init__`` cannot be recompiled, a wrapper around attrs' ``__init__`` runs the checks.
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
            _failed(cls, self, kwargs, exc)
        if not compiled:
            compiled.append(checks_of(cls))
            _fuse(cls, compiled[0])  # the next construction runs the checks in attrs' __init__
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
    _fuse(cls, compiled[0])


def _fuse(cls: type[Any], checks: Checks) -> None:
    """Compile ``checks`` into attrs' ``__init__`` of ``cls`` (one call per construction)."""

    def failed(instance: Any, given: dict[str, Any], exc: Exception) -> NoReturn:
        _failed(cls, instance, given, exc)

    set_slots_directly(cls, Checked(checks, cls.__name__ + ".", CAUGHT, failed))


def _failed(cls: type[Any], instance: Any, given: dict[str, Any], exc: Exception) -> NoReturn:
    """Raise what a construction that raised ``exc`` in attrs' ``__init__`` stands for."""
    error = diagnose(cls, instance, given, exc)
    if error is exc:
        raise exc
    raise error from exc


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
