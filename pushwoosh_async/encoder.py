"""How one command class becomes a :class:`~pushwoosh_async.pipeline.Call`, and its reply a result.

The client keeps one :class:`Encoder` per command class: everything about the class that does
not change between calls (its route, URL placeholders, cattrs hooks, where the application goes)
is worked out once, so a call only fills in the command's values. The wire rules it applies are
``codec``'s and the family table's.
"""

from __future__ import annotations

import math
import string
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import cattrs

from pushwoosh_async._converter import CONVERTER, wire_names
from pushwoosh_async._sendable import quoted, refusal, what
from pushwoosh_async.codec import route
from pushwoosh_async.commands._base import Command, Result
from pushwoosh_async.errors import ISSUE_WARNINGS, DecodeError, ValidationError
from pushwoosh_async.families import Host
from pushwoosh_async.pipeline import Call, Reply

__all__ = ["Encoder"]

_MAX_URL: Final = 65536  # the longest URL httpx builds (its MAX_URL_LENGTH)


def _query_value(command: Command[Any], key: str, value: Any, *, inner: bool = False) -> Any:
    """JSON's spelling for booleans in a query string (``true``, not Python's ``True``).

    A query carries strings, finite numbers and booleans, or lists of them: anything else is
    refused rather than sent as its Python ``str()``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)) and not inner:
        return [_query_value(command, key, v, inner=True) for v in value]
    if isinstance(value, str) or (isinstance(value, (int, float)) and math.isfinite(value)):
        return value
    msg = (
        f"{type(command).__name__}: the query value {key} is {what(value)}; a GET query carries "
        "strings, finite numbers and booleans (or lists of them)"
    )
    raise ValidationError(msg)


class Encoder:
    """How one command class is rendered, routed and read on one client: worked out once."""

    __slots__ = (
        "application",
        "application_keys",
        "auth",
        "dedup",
        "placeholders",
        "result_type",
        "route",
        "structure",
        "unstructure",
        "unwrap",
    )

    def __init__(
        self, command: type[Command[Any]], base_urls: Mapping[Host, str], application: str | None
    ) -> None:
        self.route = route(command, base_urls)
        self.auth: tuple[Mapping[str, str], str | None] | None = None  # set by the client: see it
        self.placeholders = tuple(
            name for _, name, _, _ in string.Formatter().parse(command.path) if name
        )
        self.unstructure: Callable[[Any], dict[str, Any]] = CONVERTER.get_unstructure_hook(command)
        self.dedup = command.with_dedup_keys is not Command.with_dedup_keys  # keyed sends
        self.result_type = command.result_type
        unwrap = command.result_type.unwrap  # None below where it is the identity (most results)
        self.unwrap = None if unwrap.__func__ is Result.unwrap.__func__ else unwrap  # type: ignore[attr-defined]
        self.structure = CONVERTER.get_structure_hook(command.result_type)
        keys = (command.application_key, command.group_key)  # wire keys; see Command
        self.application_keys = keys if keys[0] in wire_names(command) else None
        self.application = application

    def call(
        self,
        command: Command[Any],
        keyed: bool,  # positional, like the rest: the client's call is cheaper that way
        deadline: float | None = None,
        max_wait: float | None = None,
        pace: bool = False,
    ) -> Call:
        """The call for ``command``: its payload, and its URL when that depends on fields."""
        try:
            payload = self.unstructure(command)
        except RecursionError:  # a value nested too deep to render, let alone encode
            raise refusal(type(command).__name__, command) from None
        keys = self.application_keys
        if keys is not None and keys[0] not in payload and keys[1] not in payload:
            if self.application is not None:
                payload[keys[0]] = self.application
            elif type(command).needs_application:
                name = type(command).__name__
                msg = f"{name} needs an application: set it on the command or the client"
                raise ValidationError(msg)
        if not self.placeholders and self.route.http_method != "GET":
            url = self.route.url
        else:
            url = self._url(command, payload)  # takes the path's and a GET's fields out
        h, t = self.auth or ({}, None)  # headers and body token
        return Call(command, self.route, payload, h, keyed, 1, url, t, deadline, max_wait, pace)

    def _url(self, command: Command[Any], payload: dict[str, Any]) -> str:
        """Fill the path's placeholders from their fields; a GET carries the rest as a query."""
        values: dict[str, str] = {}
        cls = type(command).__name__
        for name in self.placeholders:
            value = payload.pop(name, None)
            if value is None or value == "":
                msg = f"{cls} needs {name} (it is part of the path)"
                raise ValidationError(msg)
            if not isinstance(value, (str, int)) or str(value) in (".", ".."):
                msg = f"{cls}.{name}: {what(value)} cannot be a path segment"
                raise ValidationError(msg)
            values[name] = quoted(cls, name, str(value))
        url = self.route.url.format(**values)
        if self.route.http_method == "GET" and payload:
            query = {k: _query_value(command, k, v) for k, v in payload.items()}
            url += "?" + quoted(cls, "the query", query)
            payload.clear()
        if len(url) > _MAX_URL:
            msg = f"{cls}: the URL would be {len(url):,} characters long; the limit is {_MAX_URL:,}"
            raise ValidationError(msg)
        return url

    def finish(self, reply: Reply) -> Result:
        """The typed result of a decoded reply; ``DecodeError`` if its data does not fit.

        The reply's warnings are issued (where that is on) and kept on the result. It runs in
        the coroutine that awaited the pipeline's last handler (``Attempts.run`` when you have no
        steps), so a warning points at the line that awaited ``pw(command)``.
        """
        data = reply.data if self.unwrap is None else self.unwrap(reply.data)
        try:
            result: Result = self.structure({} if data is None else data, self.result_type)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            raise DecodeError(
                f"the reply does not fit {self.result_type.__name__}: {exc}",
                self.route.method,
                reply.http_status,
            ) from exc
        if reply.warnings:
            if ISSUE_WARNINGS.get():
                for warning in reply.warnings:
                    warnings.warn(warning, stacklevel=3)
            result = attrs.evolve(result, warnings=reply.warnings)
        return result
