"""The client's settings, checked and resolved once: base URLs, durations, the rate limiter.

``PushwooshClient`` calls these while it is built; nothing here runs per request.
"""

from __future__ import annotations

import enum
import ipaddress
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
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
    "redact_url",
    "resolve_proxies",
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


_PROXY_SCHEMES: Final = ("http", "https")
"""What the default (aiohttp) sender can tunnel through: HTTP proxies, plain or over TLS."""


def redact_url(url: str) -> str:
    """``url`` with its credentials (``user:password@``) replaced by ``***@``: for messages."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def resolve_proxies(
    base_urls: Iterable[str], *, proxy: str | None, trust_env: bool
) -> dict[str, str]:
    """Which proxy each base URL's requests go through; base URLs absent from it go direct.

    An explicit ``proxy`` serves every base URL (the environment is not read). Otherwise, with
    ``trust_env``, the environment decides as Python's ``urllib`` and requests read it:
    ``https_proxy`` / ``http_proxy`` by the base URL's scheme, then ``all_proxy``; lower case
    wins over upper case; ``no_proxy`` exempts hosts (:func:`_exempt`). A value without a scheme
    (``proxy:3128``) means ``http://``. Called once, when the client is built: nothing is read
    per request.
    """
    if proxy is not None:
        return {base: _check_proxy(proxy, "proxy=") for base in base_urls}
    if not trust_env:
        return {}
    env = urllib.request.getproxies_environment()
    chosen: dict[str, str] = {}
    for base in base_urls:
        parts = urllib.parse.urlsplit(base)
        found = env.get(parts.scheme) or env.get("all")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if found and not _exempt(parts.hostname or "", port, env.get("no", "")):
            source = f"the environment's proxy for {parts.scheme}://{parts.hostname}"
            chosen[base] = _check_proxy(found if "://" in found else f"http://{found}", source)
    return chosen


def _exempt(host: str, port: int, no_proxy: str) -> bool:
    """Whether ``no_proxy`` exempts ``host``: as curl, urllib and requests read it.

    Comma-separated entries: ``*`` (every host), a host name or address (``localhost``,
    ``127.0.0.1``, ``::1``), or a domain that covers its subdomains (``example.com`` and
    ``.example.com`` both match ``api.example.com``), each optionally with ``:port``.
    """
    host = host.lower()
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if entry == "*":
            return True
        name, wanted = entry, None
        if entry.startswith("["):  # [::1]:8080
            name, _, rest = entry[1:].partition("]")
            wanted = rest[1:] or None
        elif entry.count(":") == 1:  # host:port (an IPv6 address has more colons)
            name, wanted = entry.split(":")
        name = name.lstrip(".")
        if not name or (wanted is not None and wanted != str(port)):
            continue
        if host == name or host.endswith("." + name):
            return True
    return False


def _check_proxy(url: str, source: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in _PROXY_SCHEMES and parts.hostname:
        return url
    msg = (
        f"{source} is {redact_url(url)!r}: only http:// and https:// proxies are supported "
        "(pass trust_env=False to ignore proxy variables, or a transport= that handles it)"
    )
    raise ConfigurationError(msg)
