"""The built-in pipeline steps, in the order a client chains them.

1. :class:`Authenticate` puts the token where the command's family wants it (never both places):
   the route carries the family's rule (``codec.token_rule``), this step only applies it.
2. :class:`Retry` runs the attempts; it sits outside everything below, so each attempt is limited,
   decoded and logged on its own.
3. :class:`RateLimit` waits for the method's limiter: every request that leaves counts.
4. :class:`Decode` turns the raw reply into data, warnings or a typed error, and writes one
   line per attempt to the ``pushwoosh_async`` logger.

The sender (``senders.py``) is the terminal handler that does the I/O.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping

from pushwoosh_async.codec import decode
from pushwoosh_async.commands._base import TokenKind
from pushwoosh_async.errors import (
    APIError,
    ClientClosedError,
    ConfigurationError,
    DeadlineExceeded,
    TransportError,
)
from pushwoosh_async.families import AuthPlacement, TokenRule
from pushwoosh_async.limits import SlidingWindowLimiter
from pushwoosh_async.pipeline import Call, Next, Reply
from pushwoosh_async.retries import RETRYABLE, RetryPolicy

__all__ = ["Authenticate", "Decode", "RateLimit", "Retry", "logger"]

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
        route = call.route
        if route.token is TokenKind.DEVICE:
            token = self._require(self._device_token, "device", "device_token", call.method)
        else:
            token = self._require(self._api_token, "server API", "api_token", call.method)
        if route.auth.where is AuthPlacement.BODY:
            return next_(call.replace(body_token=token))
        return next_(self._with_header(call, route.auth, token))

    def _with_header(self, call: Call, rule: TokenRule, token: str) -> Call:
        # The header mapping is built once per scheme and token, not once per call.
        header = self._headers.get((rule.scheme, token))
        if header is None:
            header = self._headers[rule.scheme, token] = {"Authorization": f"{rule.scheme} {token}"}
        return call.replace(headers={**call.headers, **header} if call.headers else header)

    @staticmethod
    def _require(token: str | None, kind: str, argument: str, method: str) -> str:
        if not token:
            msg = f"{method} needs the {kind} token: pass {argument}= to PushwooshClient"
            raise ConfigurationError(msg)
        return token


class Retry:
    """Repeats an attempt that failed in a retryable way, as the :class:`RetryPolicy` allows.

    It also keeps the call's story across attempts: a :class:`TransportError` it finally raises
    says ``not_sent`` only if no attempt can have reached Pushwoosh, which is also the one case
    where a command without de-duplication keys may be repeated. It never sleeps past the call's
    deadline (``DeadlineExceeded`` instead) nor retries on a client that is closing.
    """

    __slots__ = ("_closed", "_policy", "_rng")

    def __init__(
        self,
        policy: RetryPolicy,
        rng: random.Random | None = None,
        *,
        closed: Callable[[], bool] = lambda: False,
    ) -> None:
        self._policy = policy
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)
        self._closed = closed

    async def __call__(self, call: Call, next_: Next) -> Reply:
        """Run this step around the rest of the pipeline."""
        policy = self._policy
        attempt = 1
        reached = False
        while True:
            try:
                return await next_(call)
            except RETRYABLE as error:  # noqa: PERF203 (the loop is the retry)
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
                    raise
                delay = policy.delay(attempt, error, self._rng)
                if call.deadline is not None:
                    loop = asyncio.get_running_loop()
                    if loop.time() + delay >= call.deadline:
                        msg = f"the call's deadline passes before retry {attempt} is due"
                        raise DeadlineExceeded(msg, call.method, not reached) from error
                if self._closed():
                    msg = f"{call.method}: the client closed; not retried"
                    raise ClientClosedError(msg) from error
                logger.info(
                    "%s attempt %d failed (%s); retrying in %.2fs",
                    call.method,
                    attempt,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                if self._closed():
                    msg = f"{call.method}: the client closed; not retried"
                    raise ClientClosedError(msg) from error
                attempt += 1
                call = call.replace(attempt=attempt)


class RateLimit:
    """Waits for the method's limiter, if it has one; other methods pass straight through."""

    __slots__ = ("_limiters",)

    def __init__(self, limiters: Mapping[str, SlidingWindowLimiter]) -> None:
        self._limiters = limiters

    def __call__(self, call: Call, next_: Next) -> Awaitable[Reply]:
        """Wait for a slot, then send; unlimited methods pass through without a frame."""
        limiter = self._limiters.get(call.method)
        if limiter is None:
            return next_(call)
        return self._after_slot(limiter, call, next_)

    @staticmethod
    async def _after_slot(limiter: SlidingWindowLimiter, call: Call, next_: Next) -> Reply:
        await limiter.acquire()
        return await next_(call)


class Decode:
    """Reads the reply's envelope into data and warnings, or the typed error it stands for.

    It also writes the attempt's one log line, because only here is the outcome known in full
    (HTTP status, Pushwoosh status code or exception): method, outcome, elapsed time and attempt
    number; DEBUG for successes, WARNING for failures. Neither the token nor any payload is ever
    logged.
    """

    __slots__ = ("_secrets",)

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self._secrets = secrets
        """The client's tokens: scrubbed from anything the server echoes into an error."""

    def __repr__(self) -> str:
        return "Decode()"

    async def __call__(self, call: Call, next_: Next) -> Reply:
        """Send through the rest of the pipeline, then decode and log the attempt."""
        started = time.perf_counter()
        try:
            reply = decode(call.method, await next_(call), self._secrets)
        except APIError as error:
            _log(logging.WARNING, call, f"status {error.status_code}", started)
            raise
        except Exception as error:
            _log(logging.WARNING, call, type(error).__name__, started)
            raise
        if logger.isEnabledFor(logging.DEBUG):
            _log(logging.DEBUG, call, f"HTTP {reply.http_status}", started)
        return reply


def _log(level: int, call: Call, outcome: str, started: float) -> None:
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.log(level, "%s %s %.1fms attempt=%d", call.method, outcome, elapsed_ms, call.attempt)
