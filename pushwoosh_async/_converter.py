"""The one cattrs converter: every rule about how Python values look on the wire lives here.

Rules:

* Fields carry their wire name in metadata (``wire("transactionId")``); Python names stay
  snake_case and the converter renames both ways.
* Unset optional fields (``None``) and fields equal to their default are not sent, unless the
  field is marked ``always`` (``send_date`` is always sent).
* ``local`` fields are client-side switches (``Notification.broadcast``) and never go on the wire.
* A ``flatten`` field holds a nested block whose keys sit in the parent object on the wire
  (``Notification.ios`` -> ``ios_sound``, ``ios_badges``, ...).
* A field named ``extra`` is the escape hatch: its keys are merged into the wire object last.
* Input and replies differ in one rule: an unknown key. A reply is what is structured into a class
  marked with :func:`reply` (``Result``), and everything structured while it is (its nested
  values); there the server may add keys, so a class with ``extra`` collects them into it and
  any other class drops them. Everything else is input (a command or a nested value built from a
  dict): an unknown key is a ``ValidationError`` that names it and lists the known wire names,
  so a typo is never sent and silently ignored; ``{"extra": {...}}`` stays the explicit escape
  hatch. The rule costs a reply next to nothing: a result class sets a context var only if it
  has a field that can structure a nested value, and a nested value reads it (one
  ``ContextVar.get``) before anything else.
* Enums go out as their values; datetimes as ``YYYY-MM-DD HH:MM`` in UTC when they are aware.
* Structuring accepts an instance of the target class unchanged, so every nested field takes
  either the typed class or a plain dict with the wire names.
* Unions (``str | Mapping[str, str]`` and the like) pass through as given: they are JSON already.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar, Union, get_args, get_origin, get_type_hints

import attrs
import cattrs
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from pushwoosh_async.errors import ValidationError

__all__ = [
    "CONVERTER",
    "as_input",
    "known_keys",
    "reply",
    "structure_many",
    "structure_one",
    "wire",
]

T = TypeVar("T")

_WIRE: Final = "pushwoosh_async.wire"
_ALWAYS: Final = "pushwoosh_async.always"
_LOCAL: Final = "pushwoosh_async.local"
_FLATTEN: Final = "pushwoosh_async.flatten"
EXTRA: Final = "extra"

_REPLY_ROOTS: list[type[Any]] = []
_READING_REPLY: Final = contextvars.ContextVar("pushwoosh_async.reading_reply", default=False)
"""True while a reply class and its nested values are structured (see the module docstring)."""


def wire(
    name: str | None = None,
    *,
    always: bool = False,
    local: bool = False,
    flatten: type[Any] | None = None,
) -> dict[str, Any]:
    """Field metadata: wire name and sending rules (see the module docstring)."""
    return {_WIRE: name, _ALWAYS: always, _LOCAL: local, _FLATTEN: flatten}


def reply(cls: type[T]) -> type[T]:
    """Class decorator: ``cls`` and its subclasses are replies; what they structure is a reply too.

    Hooks are built lazily, so mark the class before anything is structured (at its definition).
    """
    _REPLY_ROOTS.append(cls)
    return cls


def _is_reply(cls: type[Any]) -> bool:
    return any(issubclass(cls, root) for root in _REPLY_ROOTS)


def _wire_name(a: attrs.Attribute[Any]) -> str:
    return a.metadata.get(_WIRE) or a.name


def _is_local(a: attrs.Attribute[Any]) -> bool:
    return bool(a.metadata.get(_LOCAL))


def _flattened(cls: type[Any]) -> list[tuple[str, type[Any]]]:
    return [(a.name, a.metadata[_FLATTEN]) for a in attrs.fields(cls) if a.metadata.get(_FLATTEN)]


def _has_extra(cls: type[Any]) -> bool:
    return any(a.name == EXTRA for a in attrs.fields(cls))


def wire_names(cls: type[Any]) -> frozenset[str]:
    """Every wire key a class produces, its flattened blocks' keys included."""
    names = {
        _wire_name(a)
        for a in attrs.fields(cls)
        if not _is_local(a) and not a.metadata.get(_FLATTEN) and a.name != EXTRA
    }
    for _, block in _flattened(cls):
        names |= wire_names(block)
    return frozenset(names)


def known_keys(cls: type[Any]) -> frozenset[str]:
    """The keys a dict given for ``cls`` may hold: wire names, flattened blocks, ``extra``."""
    blocks = {name for name, _ in _flattened(cls)}
    return wire_names(cls) | blocks | ({EXTRA} if _has_extra(cls) else set())


def _unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    overrides: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if _is_local(a) or a.metadata.get(_FLATTEN) or a.name == EXTRA:
            overrides[a.name] = override(omit=True)
        else:
            overrides[a.name] = override(
                rename=_wire_name(a), omit_if_default=not a.metadata.get(_ALWAYS)
            )
    base = make_dict_unstructure_fn(cls, CONVERTER, _cattrs_omit_if_default=True, **overrides)
    blocks = _flattened(cls)
    extra = _has_extra(cls)
    if not blocks and not extra:
        return base

    def unstructure(obj: Any) -> dict[str, Any]:
        out = base(obj)
        for name, _ in blocks:
            block = getattr(obj, name)
            if block is not None:
                out.update(CONVERTER.unstructure(block))
        if extra and obj.extra:
            out.update(obj.extra)
        return out

    return unstructure


def _renaming_structure(cls: type[Any], *, detailed: bool = True) -> Callable[[Any, Any], Any]:
    """The cattrs structuring of ``cls`` from wire names (local fields, blocks, extra left out).

    ``detailed=False`` is cattrs' lean variant: it stops at the first problem and says less.
    """
    overrides: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if _is_local(a):
            overrides[a.name] = override(omit=True)
        elif not a.metadata.get(_FLATTEN) and a.name != EXTRA:
            overrides[a.name] = override(rename=_wire_name(a))
    return make_dict_structure_fn(cls, CONVERTER, _cattrs_detailed_validation=detailed, **overrides)


def _structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
    base = _renaming_structure(cls)
    plain = not _flattened(cls) and not _has_extra(cls)  # a plain dict goes straight to cattrs
    regroup = _regrouping(cls, base)
    known = known_keys(cls)

    if _is_reply(cls):
        lean = _renaming_structure(cls, detailed=False)

        def structure_reply(value: Any, _: Any) -> Any:
            if plain and type(value) is dict:  # the hot path: a decoded JSON object
                try:
                    return lean(value, cls)
                except Exception:  # noqa: BLE001 (the detailed run below says what is wrong)
                    return base(value, cls)
            return regroup(value)

        return _reading_reply(structure_reply) if _may_nest(cls) else structure_reply

    def structure(value: Any, _: Any) -> Any:
        if plain and type(value) is dict:
            if _READING_REPLY.get() or value.keys() <= known:
                return base(value, cls)  # the hot path, in a reply or for input that fits
            raise unknown_keys(cls, value, known)
        if isinstance(value, Mapping) and not (_READING_REPLY.get() or value.keys() <= known):
            raise unknown_keys(cls, value, known)
        return regroup(value)

    return structure


def _regrouping(cls: type[Any], base: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    """Structuring for anything but a plain dict: instances pass, blocks and extra regrouped."""
    blocks = _flattened(cls)
    extra = _has_extra(cls)
    known = known_keys(cls)

    def regroup(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            msg = f"{cls.__name__} takes a {cls.__name__} or a mapping, not {type(value).__name__}"
            raise ValidationError(msg)
        data = dict(value)
        for name, block in blocks:
            _gather_block(data, name, block)
        if extra:
            _gather_extra(data, known)
        return base(data, cls)

    return regroup


def _reading_reply(structure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``structure`` run with the reply context set, so the nested values it builds are replies."""

    def structure_reply(value: Any, cls: Any) -> Any:
        if _READING_REPLY.get():
            return structure(value, cls)
        reading = _READING_REPLY.set(True)
        try:
            return structure(value, cls)
        finally:
            _READING_REPLY.reset(reading)

    return structure_reply


def unknown_keys(
    cls: type[Any], value: Mapping[str, Any], known: frozenset[str]
) -> ValidationError:
    """The error for input keys ``cls`` does not model: each named, the known wire names listed."""
    unknown = sorted((str(k) for k in value if k not in known), key=str)
    close = [difflib.get_close_matches(k, known, n=1) for k in unknown]
    named = ", ".join(
        repr(k) + (f" (did you mean {near[0]!r}?)" if near else "")
        for k, near in zip(unknown, close, strict=True)
    )
    noun = "field" if len(unknown) == 1 else "fields"
    escape = (
        "; keys the library does not model go in extra={...}, sent as given"
        if EXTRA in known
        else ""
    )
    msg = f"{cls.__name__} has no {noun} {named}; known fields: {', '.join(sorted(known))}{escape}"
    return ValidationError(msg)


def _may_nest(cls: type[Any]) -> bool:
    """Whether structuring ``cls`` can structure a nested attrs value.

    Only a field whose annotation names an attrs class (``tuple[TagInfo, ...]``) holds one, built
    by its converter or by cattrs: then the reply context must be set. A field's converter alone
    (``tuple[str, ...]``) builds none.
    """
    try:
        hints = get_type_hints(cls)
    except Exception:  # noqa: BLE001 (an annotation that does not resolve: assume it can)
        return True
    return any(
        _names_attrs(hints.get(a.name))
        for a in attrs.fields(cls)
        if a.name != EXTRA and not _is_local(a)
    )


def _names_attrs(hint: Any) -> bool:
    if isinstance(hint, type) and attrs.has(hint):
        return True
    return any(_names_attrs(arg) for arg in get_args(hint))


def _gather_block(data: dict[str, Any], name: str, block: type[Any]) -> None:
    """Move a flattened block's wire keys out of ``data`` into one structured value."""
    keys = wire_names(block)
    picked = {k: data.pop(k) for k in list(data) if k in keys}
    if picked:
        data[name] = structure_one(picked, block)


def _gather_extra(data: dict[str, Any], known: frozenset[str]) -> None:
    """Move the keys no field claims into ``extra``."""
    leftovers = {k: data.pop(k) for k in list(data) if k not in known}
    if leftovers:
        data[EXTRA] = {**data.get(EXTRA, {}), **leftovers}


def _is_json_object(t: Any) -> bool:
    """``Mapping[str, Any]`` and ``dict[str, Any]``: free-form JSON objects, copied as they are."""
    return get_origin(t) in (Mapping, dict) and get_args(t) == (str, Any)


def _copy_json_object(value: Any, _: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        msg = f"expected a JSON object, got {type(value).__name__}"
        raise TypeError(msg)
    return dict(value)


def _is_union(t: Any) -> bool:
    return get_origin(t) in (Union, types.UnionType)


def _format_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M")


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _is_scalar_union(t: Any) -> bool:
    """``str | None``, ``int | float`` and the like: JSON already, sent as they are.

    With this hook cattrs writes the field's value straight into the dict it builds, where its
    optional-type hook made two calls per field (the construction checks have already made sure
    the value is one of the union's types).
    """
    return _is_union(t) and all(arg in _SCALARS for arg in get_args(t))


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(prefer_attrib_converters=True, forbid_extra_keys=False)
    conv.register_unstructure_hook(dt.datetime, _format_datetime)
    conv.register_unstructure_hook_func(_is_scalar_union, identity)
    conv.register_structure_hook_func(_is_union, lambda value, _: value)
    conv.register_structure_hook_func(_is_json_object, _copy_json_object)
    return conv


CONVERTER: Final = _make_converter()
CONVERTER.register_unstructure_hook_factory(attrs.has, _unstructure_factory)
CONVERTER.register_structure_hook_factory(attrs.has, _structure_factory)


def as_input(value: Any) -> dict[str, Any]:
    """An attrs value as the dict (wire names) that structures back into it; a mapping, copied.

    Unstructuring merges ``extra`` into the object, where structuring it again as input would
    refuse those keys; here they stay under ``extra`` (the value's own keys, not nested ones).
    """
    if isinstance(value, Mapping):
        return dict(value)
    if not _has_extra(type(value)) or not value.extra:
        whole: dict[str, Any] = CONVERTER.unstructure(value)
        return whole
    out: dict[str, Any] = CONVERTER.unstructure(attrs.evolve(value, extra={}))
    out[EXTRA] = dict(value.extra)
    return out


def structure_one(value: T | Mapping[str, Any], cls: type[T]) -> T:
    """``value`` as a ``cls``: instances pass through, mappings (wire names) are structured."""
    if isinstance(value, cls):
        return value
    try:
        return CONVERTER.structure(value, cls)
    except ValidationError:
        raise
    except cattrs.BaseValidationError as exc:
        ours = _first_validation_error(exc)
        if ours is not None:
            raise ours from None
        msg = f"invalid {cls.__name__}: {'; '.join(cattrs.transform_error(exc))}"
        raise ValidationError(msg) from exc
    except (TypeError, ValueError) as exc:
        msg = f"invalid {cls.__name__}: {exc}"
        raise ValidationError(msg) from exc


def _first_validation_error(exc: BaseException) -> ValidationError | None:
    """Our own rule violation inside cattrs' error group, so its message reaches the caller."""
    if isinstance(exc, ValidationError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _first_validation_error(inner)
        if found is not None:
            return found
    return None


def structure_many(values: Iterable[T | Mapping[str, Any]], cls: type[T]) -> tuple[T, ...]:
    """A tuple of ``cls`` from typed values, wire-name mappings, or a mix of both."""
    if isinstance(values, (str, bytes, Mapping)):
        msg = f"expected a list of {cls.__name__}, got {type(values).__name__}"
        raise ValidationError(msg)
    return tuple(structure_one(v, cls) for v in values)
