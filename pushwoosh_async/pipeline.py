"""The values that flow through a client's pipeline, and how steps are chained.

A call goes ``PushwooshClient.__call__`` -> your steps -> ``steps.Attempts`` -> the sender::

    command --encoder.Encoder--> Call --steps--> Attempts --> sender --> Reply --> typed result

Every step takes a :class:`Call` and the next handler, and returns a :class:`Reply`. A step may
change the call (``call.replace(...)``), call ``next_`` several times, or translate exceptions.
Steps are composed once, when the client is built, in front of ``Attempts``, the terminal
handler that runs each attempt (rate limit, send, decode, retry) in one frame.

User steps (``PushwooshClient(steps=[...])``) sit outermost: they see each call once, before the
token is added, and its final reply or exception after retries. A step is any callable
``step(call, next_) -> Awaitable[Reply]``, such as an ``async def`` or a class with ``__call__``.
A step with nothing to do after the reply may be a plain function that returns ``next_(call)``:
that saves a coroutine frame per call, which the built-in pass-through steps exploit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import attrs

from pushwoosh_async.commands._base import Command, TokenKind
from pushwoosh_async.errors import PushwooshWarning
from pushwoosh_async.families import Family, TokenRule

__all__ = ["Call", "Next", "Reply", "Route", "Step", "compose"]


@attrs.frozen
class Route:
    """Where a command class goes on one client: worked out once per class, not per call."""

    method: str
    """The method's catalogue name, e.g. ``createMessage``."""
    http_method: str
    url: str
    """The full URL; a template when the path has placeholders (``.../{request_id}``)."""
    family: Family
    token: TokenKind
    auth: TokenRule
    """Where this method's token goes (the family's rule for its token kind and verb)."""


@attrs.define(eq=False)
class Call:
    """One request on its way to Pushwoosh: read it, and change it only through :meth:`replace`.

    A plain slotted class, not a frozen one: a call is built for every request, and a frozen
    class's ``__init__`` costs three times as much (``benchmarks/bench_instructions.py``).

    ``payload`` is the request object before any envelope (``{"request": ...}`` is added when the
    body is rendered, for the families that use it: ``codec.body``). ``keyed`` says the command
    carries de-duplication keys, which makes a non-idempotent command safe to retry.
    ``body_token`` is the server token for a family that carries it in the body: the codec writes
    it as the request's ``auth`` member when it renders the body, so the payload is never copied.
    """

    command: Command[Any]
    route: Route
    payload: Mapping[str, Any]
    headers: Mapping[str, str] = attrs.field(factory=dict)
    keyed: bool = False
    attempt: int = 1
    url: str = attrs.field(default=attrs.Factory(lambda self: self.route.url, takes_self=True))
    """This call's URL (path placeholders filled, GET query added); the route's URL by default."""
    body_token: str | None = None
    deadline: float | None = None
    """When the whole call must be over, on the event loop's clock (``None``: no deadline)."""
    max_wait: float | None = None
    """The longest this call may wait for the rate limiter, per attempt (``None``: no cap)."""
    pace: bool = False
    """Whether the rate limiter spaces this caller's requests evenly (the bulk sender's choice)."""

    @property
    def method(self) -> str:
        """The wire method name, e.g. ``createMessage``."""
        return self.route.method

    def replace(
        self,
        *,
        payload: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        attempt: int | None = None,
        body_token: str | None = None,
    ) -> Call:
        """A copy with the given parts changed (cheaper than ``attrs.evolve`` on the hot path)."""
        return Call(
            self.command,
            self.route,
            self.payload if payload is None else payload,
            self.headers if headers is None else headers,
            self.keyed,
            self.attempt if attempt is None else attempt,
            self.url,
            self.body_token if body_token is None else body_token,
            self.deadline,
            self.max_wait,
            self.pace,
        )

    def __repr__(self) -> str:
        # The payload may hold the server token once authenticated: never show it.
        return f"Call(method={self.method!r}, url={self.url!r}, attempt={self.attempt})"


@attrs.define
class Reply:
    """What came back: the HTTP status, headers and body; after decoding, the data in it.

    The sender builds one reply per attempt and :func:`~pushwoosh_async.codec.decode` fills in
    its ``data`` and ``warnings``: nothing else changes a reply, and steps only read it.
    ``data`` is the method's payload: the envelope's ``response`` member for v1.3 methods, the
    whole JSON document for the others.
    """

    http_status: int
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    body: bytes = attrs.field(default=b"", repr=False)
    data: Any = None
    warnings: tuple[PushwooshWarning, ...] = ()


Next = Callable[[Call], Awaitable[Reply]]
"""The rest of the pipeline, as seen from a step."""

Step = Callable[[Call, Next], Awaitable[Reply]]
"""One link of the pipeline."""


def _bind(step: Step, next_: Next) -> Next:
    def run(call: Call) -> Awaitable[Reply]:
        return step(call, next_)

    return run


def compose(steps: Sequence[Step], terminal: Next) -> Next:
    """Chain ``steps`` (outermost first) in front of ``terminal``, once."""
    handler = terminal
    for step in reversed(steps):
        handler = _bind(step, handler)
    return handler
