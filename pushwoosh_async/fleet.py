"""One rate-limit budget for every process of an account, on Redis (the ``redis`` extra).

Placeholder: the Redis limiter lands with issue 10's fleet work.
"""

from __future__ import annotations

from collections.abc import Mapping

from pushwoosh_async.errors import ConfigurationError
from pushwoosh_async.limits import Rate, RateLimiter

__all__ = ["RedisLimiter"]


class RedisLimiter:
    """A :class:`~pushwoosh_async.limits.RateLimiter` whose budgets live in Redis."""

    @classmethod
    def from_url(cls, url: str, rates: Mapping[str, Rate], *, account: str) -> RateLimiter:
        """A limiter on the Redis at ``url`` for the account identified by ``account``."""
        del url, rates, account
        msg = "rate_limit_url needs the redis extra: pip install 'pushwoosh-async[redis]'"
        raise ConfigurationError(msg)
