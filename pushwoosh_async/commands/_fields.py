"""Field converters and validators shared by command modules.

attrs field converters must be named functions for type checkers to see what ``__init__``
accepts, so each nested shape gets a small one here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, cast

import attrs

from pushwoosh_async.errors import ValidationError

__all__ = [
    "MAX_RECIPIENTS",
    "extra_field",
    "ints",
    "json_object",
    "mapping",
    "non_empty",
    "strings",
]

MAX_RECIPIENTS: Final = 1000
"""Most devices or users one notification may list (documented for ``users``; Pushwoosh's own
scripts send ``devices`` in 1000s too)."""


def strings(value: Iterable[str] | None) -> tuple[str, ...] | None:
    """A list of identifiers as a tuple; a bare string is refused (it would split into letters)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        msg = f"expected a list of strings, got the single string {value!r}"
        raise ValidationError(msg)
    items = tuple(value)
    for item in cast("tuple[object, ...]", items):
        if not isinstance(item, str) or not item:
            msg = f"identifiers must be non-empty strings, got {item!r}"
            raise ValidationError(msg)
    return items


def ints(value: Iterable[int] | None) -> tuple[int, ...] | None:
    """A list of integer codes (enum members included) as plain ints."""
    if value is None:
        return None
    return tuple(int(v) for v in value)


def mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A JSON object, copied so later changes to the caller's dict do not leak in."""
    if value is None:
        return None
    return json_object(value)


def json_object(value: Mapping[str, Any]) -> dict[str, Any]:
    """A required JSON object (tags, extra keys), copied; anything else is refused."""
    # A dict skips the ABC check, which costs more than the copy.
    if type(value) is not dict and not isinstance(value, Mapping):
        msg = f"expected a mapping, got {type(value).__name__}"
        raise ValidationError(msg)
    return dict(value)


def non_empty(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: the collection holds at least one item."""
    if not value:
        msg = f"{attribute.name} must not be empty"
        raise ValidationError(msg)


def extra_field() -> Any:
    """The ``extra`` escape hatch of an open shape: a JSON object, empty by default.

    On the way out its keys are sent as given, after every modelled field; on the way in, reply
    keys no field claims are collected into it (``_converter.py``).
    """
    return attrs.field(factory=dict, converter=json_object)
