"""The one cattrs converter: every rule about how Python values look on the wire lives here.

Rules:

* Fields carry their wire name in metadata (``wire("transactionId")``); Python names stay
  snake_case and the converter renames both ways.
* Unset optional fields (``None``) and fields equal to their default are not sent, unless the
  field is marked ``always`` (``send_date`` is always sent).
* ``local`` fields are client-side switches (``Notification.broadcast``) and never go on the wire.
* A ``flatten`` field holds a nested block whose keys sit in the parent object on the wire
  (``Notification.ios`` -> ``ios_sound``, ``ios_badges``, ...).
* A field named ``extra`` is the escape hatch: its keys are merged into the wire object last, and
  on the way in, unknown keys are collected into it.
* Enums go out as their values; datetimes as ``YYYY-MM-DD HH:MM`` in UTC when they are aware.
* Structuring accepts an instance of the target class unchanged, so every nested field takes
  either the typed class or a plain dict with the wire names.
* Unions (``str | Mapping[str, str]`` and the like) pass through as given: they are JSON already.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from pushwoosh_async.errors import ValidationError

__all__ = ["CONVERTER", "structure_many", "structure_one", "wire"]

T = TypeVar("T")

_WIRE: Final = "pushwoosh_async.wire"
_ALWAYS: Final = "pushwoosh_async.always"
_LOCAL: Final = "pushwoosh_async.local"
_FLATTEN: Final = "pushwoosh_async.flatten"
EXTRA: Final = "extra"


def wire(
    name: str | None = None,
    *,
    always: bool = False,
    local: bool = False,
    flatten: type[Any] | None = None,
) -> dict[str, Any]:
    """Field metadata: wire name and sending rules (see the module docstring)."""
    return {_WIRE: name, _ALWAYS: always, _LOCAL: local, _FLATTEN: flatten}


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


def _structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
    overrides: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if _is_local(a):
            overrides[a.name] = override(omit=True)
        elif not a.metadata.get(_FLATTEN) and a.name != EXTRA:
            overrides[a.name] = override(rename=_wire_name(a))
    base = make_dict_structure_fn(cls, CONVERTER, **overrides)
    blocks = _flattened(cls)
    known = wire_names(cls) | {name for name, _ in blocks} | {EXTRA}
    extra = _has_extra(cls)

    def structure(value: Any, _: Any) -> Any:
        if type(value) is dict and not blocks and not extra:
            return base(value, cls)  # the hot path: a decoded JSON object, nothing to regroup
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

    return structure


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


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(prefer_attrib_converters=True, forbid_extra_keys=False)
    conv.register_unstructure_hook(dt.datetime, _format_datetime)
    conv.register_structure_hook_func(_is_union, lambda value, _: value)
    conv.register_structure_hook_func(_is_json_object, _copy_json_object)
    return conv


CONVERTER: Final = _make_converter()
CONVERTER.register_unstructure_hook_factory(attrs.has, _unstructure_factory)
CONVERTER.register_structure_hook_factory(attrs.has, _structure_factory)


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
