"""Which endpoint a request is for: the fake's route table, built from the command classes.

Each command class names its path (with placeholders), HTTP verb and token kind; its family's row
and ``codec.py`` say where the token goes. The fake matches requests against the same classes and
rules the client renders them with; ``handlers/`` models what each of them does.
"""

from __future__ import annotations

import re
from functools import cache

import attrs

from pushwoosh_async.codec import path_pattern, token_rule
from pushwoosh_async.commands import ALL, TokenKind
from pushwoosh_async.families import Family, TokenRule, family_of

__all__ = ["Endpoint", "endpoints", "find"]


@attrs.frozen
class Endpoint:
    """One method as the fake serves it."""

    name: str
    http_method: str
    pattern: re.Pattern[str]
    family: Family
    token: TokenKind
    auth: TokenRule
    """Where the method's token must be (the family's rule, ``codec.token_rule``)."""


@cache
def endpoints() -> tuple[Endpoint, ...]:
    """Every command class as an endpoint, most specific path first."""
    found = [
        Endpoint(
            command.method,
            command.http_method,
            path_pattern(command.path),
            family_of(command.path),
            command.token,
            token_rule(family_of(command.path), command.token, command.http_method),
        )
        for command in ALL
    ]
    return tuple(sorted(found, key=lambda e: -len(e.pattern.pattern)))


def find(http_method: str, path: str) -> tuple[Endpoint | None, dict[str, str], bool]:
    """The endpoint for a request, the path's placeholder values, and whether the path exists."""
    known = False
    for endpoint in endpoints():
        match = endpoint.pattern.fullmatch(path)
        if match is None:
            continue
        known = True
        if endpoint.http_method == http_method:
            return endpoint, match.groupdict(), True
    return None, {}, known
