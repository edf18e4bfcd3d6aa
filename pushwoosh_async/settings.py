"""The client's settings, checked and resolved once: base URLs, durations, the rate limiter.

``PushwooshClient`` calls these while it is built; nothing here runs per request.
"""

from __future__ import annotations

import enum
import ipaddress
import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

from pushwoosh_async.errors import ConfigurationError
from pushwoosh_async.limits import LocalLimiter, Rate, RateLimiter, parse_rates

__all__ = [
    "DEFAULT",
    "DEFAULT_BASE_URL",
    "DEFAULT_JOURNEY_URL",
    "Default",
    "check_base_url",
    "choose_limiter",
    "positive_or_none",
]

DEFAULT_BASE_URL: Final = "https://api.pushwoosh.com"
DEFAULT_JOURNEY_URL: Final = "https://journey.pushwoosh.com"


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; plain http only for loopback (the fake server)."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return base_url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return base_url.rstrip("/")
    msg = f"base_url must be https:// (plain http:// only for a loopback address), got {base_url!r}"
    raise ConfigurationError(msg)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Default(enum.Enum):
    """The type of :data:`DEFAULT`."""

    DEFAULT = "default"


DEFAULT: Final = Default.DEFAULT
"""A per-call option left at the client's default."""


def positive_or_none(name: str, value: Any) -> float | None:
    """``value`` as positive seconds, or ``None``; anything else is a ``ConfigurationError``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        msg = f"{name} must be positive seconds or None, not {value!r}"
        raise ConfigurationError(msg)
    return float(value)


def choose_limiter(
    rate_limits: Mapping[str, Rate | tuple[float, float]] | None,
    url: str | None,
    key: str | None,
    given: RateLimiter | None,
    api_token: str | None,
) -> RateLimiter:
    """The client's rate limiter: yours, one budget on Redis for a fleet, or the local one."""
    rates = parse_rates(rate_limits)
    if given is not None:
        if url is not None:
            msg = "give rate_limiter or rate_limit_url, not both"
            raise ConfigurationError(msg)
        return given
    if url is None:
        return LocalLimiter(rates)
    from pushwoosh_async.fleet import RedisLimiter  # noqa: PLC0415 (the optional redis extra)

    return RedisLimiter.from_url(url, rates, account=key or api_token or "")
