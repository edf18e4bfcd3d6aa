r"""The fake's reading of Pushwoosh's segmentation language (the ``filterExpression`` of filters).

Two levels, both stated plainly because the fake is not Pushwoosh's segment engine:

* **Shape** (:func:`parse`, what ``compileFilter`` and ``createFilter`` check): the expression is
  function calls ``NAME(argument, ...)`` joined by the set operators ``+`` (union), ``*``
  (intersection) and ``\`` (difference), with parentheses. Arguments are double-quoted strings
  (JSON escapes: ``\"``, ``\\``, ``\uXXXX``), numbers, ``true``/``false`` (booleans), other bare
  words (``EQ``) or ``[...]`` lists of those. Operators apply left to right; any function name
  is accepted here.
* **Meaning** (:func:`select`, what the segment exports count): ``A("APP")`` (every device of an
  application), ``A("APP", ["iOS", "Android"])`` (of those platforms), ``T("tag", EQ, value)``
  (devices whose tag equals the value, strings ignoring case, or whose list tag holds it) and
  ``AT("APP", "tag", EQ, value)`` (both). Anything else raises :class:`Unsupported`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from pushwoosh_async.enums import DeviceType
from pushwoosh_async.testing._state import Device

__all__ = ["Call", "Combined", "Invalid", "Node", "Unsupported", "parse", "select"]

_TOKEN: Final = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?)'
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<mark>[()\[\],+*\\]))"
)
_OPERATORS: Final = frozenset("+*\\")
_BOOLEANS: Final = {"true": True, "false": False}


class Invalid(ValueError):
    """The expression is not of the segmentation language's shape."""


class Unsupported(ValueError):
    """Well-formed, but the fake cannot work out which devices it selects."""


@attrs.frozen
class Word:
    """A bare word argument (``EQ``)."""

    text: str


@attrs.frozen
class Call:
    """One function call, e.g. ``T("City", EQ, "Madrid")``."""

    name: str
    arguments: tuple[Any, ...]


@attrs.frozen
class Combined:
    """Two sub-expressions joined by a set operator."""

    operator: str
    left: Node
    right: Node


Node = Call | Combined


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    position = 0
    text = text.rstrip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            msg = f"unexpected {text[position : position + 10]!r} at {position}"
            raise Invalid(msg)
        kind = found.lastgroup or "mark"
        yield kind, found[kind]
        position = found.end()


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, mark: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (mark is not None and token != ("mark", mark)):
            msg = f"expected {mark or 'more'}, found {token[1] if token else 'the end'}"
            raise Invalid(msg)
        self.at += 1
        return token

    def expression(self) -> Node:
        node = self.operand()
        while (token := self.peek()) is not None and token[1] in _OPERATORS:
            self.take()
            node = Combined(token[1], node, self.operand())
        return node

    def operand(self) -> Node:
        kind, text = self.take()
        if (kind, text) == ("mark", "("):
            node = self.expression()
            self.take(")")
            return node
        if kind != "word":
            msg = f"expected a function call, found {text}"
            raise Invalid(msg)
        self.take("(")
        return Call(text, tuple(self.values(")")))

    def values(self, closing: str) -> Iterator[Any]:
        if self.peek() == ("mark", closing):
            self.take(closing)
            return
        while True:
            yield self.value()
            if self.take()[1] == closing:
                return

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "word":
            return _BOOLEANS.get(text.lower(), Word(text))
        if text == "[":
            return list(self.values("]"))
        msg = f"expected a value, found {text}"
        raise Invalid(msg)


def parse(text: str) -> Node:
    """The expression's tree, or :class:`Invalid` saying where its shape breaks."""
    if not text.strip():
        msg = "the expression is empty"
        raise Invalid(msg)
    reader = _Reader(text)
    node = reader.expression()
    if reader.peek() is not None:
        msg = f"unexpected {reader.peek()[1]!r} after a complete expression"  # type: ignore[index]
        raise Invalid(msg)
    return node


def select(node: Node, devices: Iterable[Device]) -> list[Device]:
    """The devices the expression selects, in the order given."""
    pool = list(devices)
    chosen = _ids(node, pool)
    return [d for d in pool if (d.application, d.hwid) in chosen]


def _ids(node: Node, pool: list[Device]) -> set[tuple[str, str]]:
    if isinstance(node, Combined):
        left, right = _ids(node.left, pool), _ids(node.right, pool)
        return {"+": left | right, "*": left & right}.get(node.operator, left - right)
    return {(d.application, d.hwid) for d in pool if _matches(node, d)}


def _matches(call: Call, device: Device) -> bool:
    name, arguments = call.name.upper(), call.arguments
    if name == "A" and len(arguments) in (1, 2):
        return _in_application(device, *arguments)
    if name == "T" and len(arguments) == 3:
        return _tag_equals(device, *arguments)
    if name == "AT" and len(arguments) == 4:
        return _in_application(device, arguments[0]) and _tag_equals(device, *arguments[1:])
    msg = f"the fake evaluates A(), T(..., EQ, ...) and AT(..., EQ, ...) only, not {call.name}()"
    raise Unsupported(msg)


def _in_application(device: Device, code: Any, platforms: Any = None) -> bool:
    if device.application != code:
        return False
    if platforms is None:
        return True
    wanted = {_device_type(p) for p in platforms}
    return device.device_type in wanted


def _device_type(platform: Any) -> int:
    try:
        return int(DeviceType[str(platform).upper()])
    except KeyError:
        msg = f"unknown platform {platform!r}"
        raise Unsupported(msg) from None


def _tag_equals(device: Device, tag: Any, operator: Any, value: Any) -> bool:
    if not isinstance(operator, Word) or operator.text.upper() != "EQ":
        msg = f"the fake compares tags with EQ only, not {operator!r}"
        raise Unsupported(msg)
    current = device.tags.get(str(tag))
    if isinstance(current, list):
        return value in current
    if isinstance(current, str) and isinstance(value, str):
        return current.lower() == value.lower()
    return bool(current == value)
