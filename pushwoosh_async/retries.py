"""When a failed attempt is tried again, and how long to wait first.

Retried: network failures (:class:`TransportError`, :class:`~pushwoosh_async.errors.Timeout`),
:class:`RateLimited` (429, after its ``Retry-After``, capped), :class:`ServerError` (5xx, after
its ``Retry-After`` if it has one, capped) and :class:`DecodeError` (a success status with a
garbled body: the reply was lost, not refused). Never retried: 210, 400, 401, 403,
404 and anything else Pushwoosh answered deliberately.

Which commands: idempotent ones always. A non-idempotent command (``createMessage``) may have been
carried out even though its reply was lost, so it is retried only when it carries de-duplication
keys (every notification's ``transactionId``, which the client fills in once per send and reuses on
every attempt) and ``retry_with_dedup_keys`` is on. A non-idempotent command with no such key
(``bulkSetTags``) is retried only while no attempt can have reached Pushwoosh (connection refused,
no free connection in time, connect timeout: the error's ``not_sent``).
"""

from __future__ import annotations

import random
from typing import Final

import attrs

from pushwoosh_async.errors import DecodeError, RateLimited, ServerError, TransportError

__all__ = ["RETRYABLE", "RetryPolicy"]

RETRYABLE: Final = (TransportError, RateLimited, ServerError, DecodeError)
"""The exception classes a retry may follow."""


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Capped exponential backoff with jitter.

    The wait before retry ``n`` (1-based) is ``min(max_delay, initial_delay * 2 ** (n - 1))``,
    shortened by a random share of up to ``jitter`` (0 to 1) so that many clients do not retry in
    step. A 429's ``Retry-After`` replaces that wait, capped at ``max_retry_after``.
    """

    attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    """Total attempts per call, the first included (1 turns retries off)."""
    initial_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    jitter: float = attrs.field(
        default=0.5, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    retry_with_dedup_keys: bool = True
    """Retry non-idempotent commands that carry de-duplication keys (``createMessage``).

    Turn it off if you do not trust Pushwoosh's ``transactionId`` de-duplication: a
    ``createMessage`` whose reply was lost then raises instead of being sent again.
    """

    @classmethod
    def off(cls) -> RetryPolicy:
        """One attempt per call."""
        return cls(attempts=1)

    def allows(self, *, idempotent: bool, keyed: bool, reached: bool = True) -> bool:
        """Whether a command of this kind may be retried.

        ``reached`` is false while no attempt can have reached Pushwoosh (every failure so far
        was a connection that could not be made): repeating such a call is safe for any command.
        """
        return idempotent or not reached or (keyed and self.retry_with_dedup_keys)

    def delay(self, retry: int, error: Exception, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based) after ``error``.

        A ``Retry-After`` on a 429 or a 5xx (503s carry one) replaces the backoff, capped.
        """
        retry_after = error.retry_after if isinstance(error, (RateLimited, ServerError)) else None
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.max_delay, self.initial_delay * 2.0 ** (retry - 1))
        draw = rng.random() if rng is not None else random.random()  # noqa: S311 (jitter)
        return backoff * (1 - self.jitter * draw)
