"""The built-in pipeline steps, in the order a client chains them.

1. :class:`Authenticate` puts the token where the command's family wants it (never both places):
   the route carries the family's rule (``codec.token_rule``), this step only applies it. With
   no step of yours (nor observers) outside it, the client's encoder applies the same
   ``credentials`` as it builds the call instead, so the call is not copied here.
2. :class:`Attempts`, the terminal handler that owns the sender, runs the call's attempts, each
   one in the same frame: wait for the method's
   rate limiter (every request that leaves counts), send, decode the reply into data, warnings
   or a typed error, write the attempt's log line (and emit its ``observe.AttemptEvent``), then,
   if it failed in a retryable way, back off and go again.

With observers, ``observe.Observe`` runs outside all of them (and outside your steps): one
``CallEvent`` per call.

The sender (``senders.py``) is the terminal handler that does the I/O. Every wake-up of a call
(each time aiohttp waits on the socket) passes through each frame between the task and the
sender, which is why the attempt is one frame and not a chain of three.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from pushwoosh_async.codec import decode
from pushwoosh_async.commands._base import TokenKind
from pushwoosh_async.errors import (
    APIError,
    ClientClosedError,
    ConfigurationError,
    DeadlineExceeded,
    RateLimited,
    ServerError,
    Throttled,
    TransportError,
)
from pushwoosh_async.families import AuthPlacement
from pushwoosh_async.limits import LocalLimiter, RateLimiter
from pushwoosh_async.observe import Observers
from pushwoosh_async.pipeline import Call, Next, Reply, Route
from pushwoosh_async.retries import RETRYABLE, RetryPolicy

__all__ = ["Attempts", "Authenticate", "logger"]

T = TypeVar("T")

logger = logging.getLogger("pushwoosh_async")
# A library stays quiet until the application configures logging (no lastResort to stderr).
logger.addHandler(logging.NullHandler())


class Authenticate:
    """Adds the server token (body ``auth`` or header) or the device token (header)."""

    __slots__ = ("_api_token", "_device_token", "_headers")

    def __init__(self, api_token: str | None, device_token: str | None) -> None:
        self._api_token = api_token
        self._device_token = device_token
        self._headers: dict[tuple[str, str], dict[str, str]] = {}

    def __repr__(self) -> str:
        return "Authenticate(api_token=***, device_token=***)"

    def __call__(self, call: Call, next_: Next) -> Awaitable[Reply]:
        """Hand the authenticated call on (nothing to do on the way back: no frame of its own)."""
        headers, body_token = self.credentials(call.route)
        if body_token is not None:
            return next_(call.replace(body_token=body_token))
        return next_(call.replace(headers={**call.headers, **headers} if call.headers else headers))

    def credentials(self, route: Route) -> tuple[Mapping[str, str], str | None]:
        """``(headers, body_token)`` for a call on ``route``; ``ConfigurationError`` if no token.

        The client's ``Encoder`` uses this directly when no step of yours sits outside this one,
        so a call is built authenticated once instead of copied here.
        """
        if route.token is TokenKind.DEVICE:
            token = self._require(self._device_token, "device", "device_token", route.method)
        else:
            token = self._require(self._api_token, "server API", "api_token", route.method)
        rule = route.auth
        if rule.where is AuthPlacement.BODY:
            return {}, token
        # The header mapping is built once per scheme and token, not once per call.
        header = self._headers.get((rule.scheme, token))
        if header is None:
            header = self._headers[rule.scheme, token] = {"Authorization": f"{rule.scheme} {token}"}
        return header, None

    @staticmethod
    def _require(token: str | None, kind: str, argument: str, method: str) -> str:
        if not token:
            msg = f"{method} needs the {kind} token: pass {argument}= to PushwooshClient"
            raise ConfigurationError(msg)
        return token


class Attempts:
    """Rate-limits, sends and decodes each attempt; retries as the :class:`RetryPolicy` allows.

    **Rate limit.** Before each attempt it waits for the method's slot; idle methods pass
    without a wait. The wait is capped by the call's ``max_wait`` and by what is left of its
    ``deadline``: when the limiter can tell the wait would be longer, the call fails at once
    with ``Throttled`` and nothing is sent.

    **Decode and log.** The raw reply becomes data and warnings, or the typed error it stands
    for; the attempt's one log line (method, outcome, elapsed time, attempt number; DEBUG for
    successes, WARNING for failures) is written here, because only here is the outcome known in
    full. Neither the token nor any payload is ever logged. With ``observers``, the same elapsed
    time goes into the attempt's event.

    **Retry.** It keeps the call's story across attempts: a :class:`TransportError` it finally
    raises says ``not_sent`` only if no attempt can have reached Pushwoosh, which is also the one
    case where a command without de-duplication keys may be repeated. It never sleeps past the
    call's deadline (``DeadlineExceeded`` instead) nor retries on a client that is closing.
    """

    __slots__ = ("_closed", "_limiter", "_observers", "_policy", "_rng", "_secrets", "_send")

    def __init__(
        self,
        send: Next,
        policy: RetryPolicy,
        limiter: RateLimiter | None = None,
        *,
        secrets: tuple[str, ...] = (),
        observers: Observers | None = None,
        closed: Callable[[], bool] = lambda: False,
        rng: random.Random | None = None,
    ) -> None:
        self._send = send
        """The sender: each attempt's one request."""
        self._policy = policy
        self._limiter = limiter if limiter is not None else LocalLimiter({})
        self._secrets = secrets
        """The client's tokens: scrubbed from anything the server echoes into an error."""
        self._observers = observers or None
        self._closed = closed
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)

    def __repr__(self) -> str:
        return f"Attempts({self._policy!r})"

    def __call__(self, call: Call) -> Coroutine[Any, Any, Reply]:
        """Run the call's attempts through the sender; return the decoded reply.

        It is the pipeline's terminal handler (a ``Next``): your steps and ``Authenticate`` sit
        in front of it, the sender behind it.
        """
        return self.run(call, _as_is)

    async def run(self, call: Call, finish: Callable[[Reply], T]) -> T:
        """Run the call's attempts; return ``finish(reply)`` of the decoded reply.

        With no steps of yours the client awaits this directly, with the encoder's ``finish``
        (the typed result): one coroutine from the caller's ``await`` to the sender.
        """
        method = call.method
        limiter = self._limiter
        send = self._send
        attempt = 1
        reached = False  # whether any attempt may have reached Pushwoosh
        while True:
            if not limiter.idle(method):
                try:
                    await self._wait_for_slot(call)
                except Throttled as error:
                    error.not_sent = not reached  # say whether an earlier attempt got through
                    raise
            started = time.perf_counter()
            try:
                reply = decode(method, await send(call), self._secrets)
            except Exception as error:
                self._failed(call, error, started)
                if not isinstance(error, RETRYABLE):
                    raise
                reached = await self._before_retry(call, error, attempt, reached=reached)
            else:
                if self._observers is not None or logger.isEnabledFor(logging.DEBUG):
                    self._succeeded(call, reply, started)
                return finish(reply)
            attempt += 1
            call = call.replace(attempt=attempt)

    async def _wait_for_slot(self, call: Call) -> None:
        allowed = call.max_wait
        if call.deadline is not None:
            left = max(0.0, call.deadline - asyncio.get_running_loop().time())
            allowed = left if allowed is None else min(allowed, left)
        await self._limiter.acquire(call.method, max_wait=allowed, pace=call.pace)

    def _succeeded(self, call: Call, reply: Reply, started: float) -> None:
        elapsed = self._elapsed(call, None, reply, started)
        if logger.isEnabledFor(logging.DEBUG):
            _log(logging.DEBUG, call, f"HTTP {reply.http_status}", elapsed)

    def _failed(self, call: Call, error: Exception, started: float) -> None:
        elapsed = self._elapsed(call, error, None, started)
        outcome = (
            f"status {error.status_code}" if isinstance(error, APIError) else type(error).__name__
        )
        _log(logging.WARNING, call, outcome, elapsed)

    def _elapsed(
        self, call: Call, error: Exception | None, reply: Reply | None, started: float
    ) -> float:
        """The attempt's seconds; with observers, its event is emitted from the same reading."""
        if self._observers is None:
            return time.perf_counter() - started
        return self._observers.attempt(call, error, reply, started)

    async def _before_retry(
        self, call: Call, error: Exception, attempt: int, *, reached: bool
    ) -> bool:
        """Share a cool-down, decide whether to retry (else raise), and wait; returns reached."""
        policy = self._policy
        if isinstance(error, (RateLimited, ServerError)) and error.retry_after is not None:
            # One cool-down for every caller of the method, not one 429 each.
            await self._limiter.cool_down(
                call.method, min(error.retry_after, policy.max_retry_after)
            )
        reached = reached or not (isinstance(error, TransportError) and error.not_sent)
        if isinstance(error, TransportError) and reached:
            error.not_sent = False  # an earlier attempt may have got through
        if (
            attempt >= policy.attempts
            or isinstance(error, DeadlineExceeded)
            or not policy.allows(
                idempotent=type(call.command).idempotent, keyed=call.keyed, reached=reached
            )
        ):
            raise error
        delay = policy.delay(attempt, error, self._rng)
        if call.deadline is not None and asyncio.get_running_loop().time() + delay >= call.deadline:
            msg = f"the call's deadline passes before retry {attempt} is due"
            raise DeadlineExceeded(msg, call.method, not reached) from error
        self._stop_if_closed(call, error)
        logger.info(
            "%s attempt %d failed (%s); retrying in %.2fs",
            call.method,
            attempt,
            type(error).__name__,
            delay,
        )
        await asyncio.sleep(delay)
        self._stop_if_closed(call, error)
        return reached

    def _stop_if_closed(self, call: Call, error: Exception) -> None:
        if self._closed():
            msg = f"{call.method}: the client closed; not retried"
            raise ClientClosedError(msg) from error


def _as_is(reply: Reply) -> Reply:
    return reply


def _log(level: int, call: Call, outcome: str, elapsed: float) -> None:
    elapsed_ms = elapsed * 1000
    logger.log(level, "%s %s %.1fms attempt=%d", call.method, outcome, elapsed_ms, call.attempt)
