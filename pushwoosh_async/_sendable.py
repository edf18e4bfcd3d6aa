"""Why a value cannot go on the wire: the path of the first part JSON or a URL cannot carry.

The codec encodes a payload in one call and comes here only when that failed (NaN or infinity,
a set, bytes or any other non-JSON value, a lone surrogate UTF-8 cannot carry, nesting too deep
for the encoder), to say which value it was: ``notifications[0].data.v is NaN``. The walk uses
an explicit stack, so a payload too deep for the encoder is not too deep for it.
"""

from __future__ import annotations

import math
import urllib.parse
from typing import Any, Final

import attrs

from pushwoosh_async.errors import ValidationError

__all__ = ["NESTING", "quoted", "refusal", "unencodable", "what"]

NESTING: Final = 200
"""How deep a payload may nest before the nesting is reported as the reason encoding failed."""


def what(value: Any) -> str:
    """A value's kind for a message (never the value itself: it may be large or sensitive)."""
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else repr(value)
    return "None" if value is None else f"a {type(value).__name__}"


def unencodable(payload: Any) -> tuple[str, str] | None:
    """The path of the first value JSON cannot carry, and why (walked without recursion)."""
    stack: list[tuple[str, Any, int]] = [("", payload, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > NESTING:
            shown = path if len(path) < 80 else path[:60] + "..."
            return shown, f"is nested more than {NESTING} levels deep"
        if attrs.has(type(value)):  # a command or a nested value, before it is rendered
            fields = [(a.name, getattr(value, a.name)) for a in attrs.fields(type(value))]
            stack.extend((f"{path}.{k}" if path else k, v, depth + 1) for k, v in reversed(fields))
        elif isinstance(value, dict):
            items = list(value.items())
            problem = next((p for p in map(_key_problem, value) if p is not None), None)
            if problem is not None:
                return path, problem
            prefix = path + "." if path else ""
            stack.extend((f"{prefix}{k}", v, depth + 1) for k, v in reversed(items))
        elif isinstance(value, (list, tuple)):
            stack.extend(
                (f"{path}[{i}]", v, depth + 1) for i, v in reversed(list(enumerate(value)))
            )
        else:
            problem = _leaf_problem(value)
            if problem is not None:
                return path, problem
    return None


def _leaf_problem(value: Any) -> str | None:
    """Why a scalar cannot go into JSON, or ``None`` if it can."""
    if value is None or isinstance(value, (bool, int)):
        return None
    if isinstance(value, str):
        ok = value.isascii() or _utf8(value)
        return None if ok else "contains a lone surrogate, which UTF-8 (and so JSON) cannot carry"
    if isinstance(value, float) and math.isfinite(value):
        return None
    return f"is {what(value)}, which JSON cannot carry"


def _key_problem(key: Any) -> str | None:
    """Why an object key cannot go into JSON (it takes strings, numbers, booleans and None)."""
    if isinstance(key, str):
        return None if _utf8(key) else "has a key with a lone surrogate, which UTF-8 cannot carry"
    problem = _leaf_problem(key)
    return None if problem is None else f"has a key that {problem}"


def _utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def refusal(command: str, value: Any, exc: Exception | None = None) -> ValidationError:
    """The ``ValidationError`` naming the path of the first value JSON cannot carry."""
    problem = unencodable(value)
    reason = f"{problem[0] or 'the request'} {problem[1]}" if problem else type(exc).__name__
    return ValidationError(f"{command}: {reason}")


def quoted(cls: str, name: str, value: str | dict[str, Any]) -> str:
    """A path segment or query string, percent-encoded; text UTF-8 cannot carry is refused."""
    try:
        if isinstance(value, str):
            return urllib.parse.quote(value, safe="")
        return urllib.parse.urlencode(value, doseq=True)
    except UnicodeEncodeError:
        msg = f"{cls}: {name} contains a lone surrogate, which a URL cannot carry"
        raise ValidationError(msg) from None
