"""What a segment import refuses before sending: bad options, and identifiers that are no ids.

Each refusal is a ``ValidationError`` naming the option, or the identifier's position.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Sequence

from pushwoosh_async import errors

__all__ = ["checked", "count", "identifiers", "positive", "tag_value", "text"]


def positive(name: str, value: object, *, whole: bool = True, most: int | None = None) -> None:
    """``value`` must be a positive number (whole, at most ``most``): a ``ValidationError``."""
    kinds = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        msg = f"{name} must be a positive {'whole ' if whole else ''}number, not {value!r}"
        raise errors.ValidationError(msg)
    if most is not None and value > most:
        msg = f"{name} must be at most {most}, not {value!r}"
        raise errors.ValidationError(msg)


def text(name: str, value: object) -> str:
    """``value``, a string that is not blank; else a ``ValidationError``."""
    if not isinstance(value, str) or not value.strip():
        msg = f"{name} must be a non-empty string, not {value!r}"
        raise errors.ValidationError(msg)
    return value


def identifiers(source: object) -> Iterable[str] | AsyncIterable[str]:
    """``source``, if an iterable or async iterable (its ids are checked batch by batch)."""
    if isinstance(source, (str, bytes)) or not isinstance(source, (Iterable, AsyncIterable)):
        msg = (
            "identifiers must be an iterable or async iterable of strings, not"
            f" {type(source).__name__} (for a file, pass segments.identifiers_from_csv(path))"
        )
        raise errors.ValidationError(msg)
    return source


def checked(batch: Sequence[object], start: int) -> None:
    """Every identifier of a batch is a non-blank string, or nothing of the batch is sent."""
    for offset, identifier in enumerate(batch):
        if not isinstance(identifier, str) or not identifier.strip():
            msg = f"identifier {start + offset} (counting from 0) is {identifier!r}: not an id"
            raise errors.ValidationError(msg)


def tag_value(value: object) -> None:
    """A plain value (a non-blank string, a number or a boolean): setting it twice is harmless."""
    if isinstance(value, str):
        text("value", value)
    elif not isinstance(value, (int, float, bool)):
        msg = f"value must be a string, number or boolean, not {type(value).__name__}"
        raise errors.ValidationError(msg)


def count(name: str, value: object) -> None:
    """A whole number from 0 (a bool is none)."""
    if type(value) is not int or value < 0:
        msg = f"{name} must be a whole number from 0, not {value!r}"
        raise errors.ValidationError(msg)
