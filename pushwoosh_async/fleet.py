"""One rate-limit budget for every process of an account, on Redis (the ``redis`` extra).

:class:`RedisLimiter` is the :class:`~pushwoosh_async.limits.RateLimiter` for a fleet: Uvicorn
workers, job workers and containers that share one Pushwoosh account and one Redis. The
guarantee is the local limiter's, across all of them: at most ``max_calls`` requests of a method
in any sliding window of ``period`` seconds, retries included.

* **One script, on the server's clock.** Each acquire is one ``EVALSHA`` (``EVAL`` on
  ``NOSCRIPT``) of a Lua script that reads ``TIME`` on the Redis server, drops the send times
  that left the window from the method's sorted set, honours the method's cool-down key, and
  either records this send (member: server time + a random suffix) and answers 0, or answers the
  milliseconds until a slot frees, recording nothing. The caller sleeps that long plus a few % of
  jitter (so waiters of many processes do not wake in lock step) and asks again; no polling at a
  fixed interval. The clients' clocks never matter.
* **A safety margin.** The window is held ``margin`` longer than ``period`` (default
  ``min(0.25 s, 0.5 % of period)``), so that jitter between the script and the arrival at
  Pushwoosh cannot squeeze ``max_calls + 1`` arrivals into one window.
* **Keys.** ``<prefix>{<account>}:<method>`` (the window) and ``...:<method>:cool``, where
  ``<account>`` is a truncated SHA-256 of the account's identity (``rate_limit_key``, else the
  API token): the token is never in a key or a value, and two accounts never share a budget.
  Every key expires (``PEXPIRE`` of the window), so an idle account leaves nothing behind.
* **Cool-downs** (a 429/503 ``Retry-After``) are shared: a small script sets the cool-down key
  with ``PX`` = the wait unless a later one is set, and every acquire in the fleet honours it.
  The process that saw it remembers it locally too, so its ``idle()`` stays a dict lookup.
* **Cancellation.** A caller cancelled while sleeping counts nothing (nothing was recorded); one
  cancelled during the script's round trip may count a slot it did not use (the safe side).
* **Redis unavailable** (refused, or no answer within ``timeout``, 0.5 s by default): with
  ``on_unavailable="fail"``, the default, the call fails closed with
  :class:`~pushwoosh_async.errors.RateLimiterUnavailable` and nothing is sent, because the
  project promises the limit across the fleet and one process cannot know what the others send.
  With ``on_unavailable="local"`` the process falls back (logged once, at WARNING) to a local
  limiter allowing ``max(1, floor(max_calls * fallback_share))`` per period and asks Redis again
  every few seconds; choose ``fallback_share`` <= 1 / the number of processes. Never unlimited.

Options may ride on the URL: ``redis://redis:6379/0?on_unavailable=local&fallback_share=0.25``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pushwoosh_async.errors import ConfigurationError, RateLimiterUnavailable, Throttled
from pushwoosh_async.limits import LocalLimiter, Rate

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisLimiter"]

logger = logging.getLogger(__name__)

_INSTALL: Final = "rate_limit_url needs the redis extra: pip install 'pushwoosh-async[redis]'"
_PROBE_SECONDS: Final = 5.0
"""While falling back, how often a process asks Redis again."""

_ACQUIRE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cool = redis.call('PTTL', KEYS[2])
if cool > 0 then return cool end
local limit = tonumber(ARGV[1])
if limit == 0 then return 0 end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  local member = t[1] .. string.format('%06d', tonumber(t[2])) .. ':' .. ARGV[3]
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), member)
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000))
"""
"""KEYS: window, cool-down; ARGV: max_calls (0: no window), window in µs, a random suffix.
Answers 0 (a send recorded) or the milliseconds until one may go (nothing recorded)."""

_COOL: Final = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
"""
"""KEYS: cool-down; ARGV: milliseconds. Only ever lengthens a cool-down."""


def _sha(script: str) -> str:
    return hashlib.sha1(script.encode(), usedforsecurity=False).hexdigest()


def account_id(account: str) -> str:
    """The account's name in Redis keys: a truncated SHA-256, never the token itself."""
    return hashlib.sha256(account.encode()).hexdigest()[:24]


def _option(options: dict[str, str], name: str) -> float:
    try:
        return float(options.pop(name))
    except ValueError:
        msg = f"rate_limit_url: {name} must be a number"
        raise ConfigurationError(msg) from None


class RedisLimiter:
    """A :class:`~pushwoosh_async.limits.RateLimiter` whose budgets live in Redis.

    See the module docstring for the guarantee and the failure modes. ``redis`` is a
    ``redis.asyncio.Redis``; :meth:`from_url` builds one with short timeouts and no retries,
    and then :meth:`aclose` closes its pool (a client you pass in stays yours unless
    ``owns_redis``). ``on_unavailable="fail"`` (the default) fails closed.
    """

    __slots__ = (
        "_account",
        "_closed",
        "_cool",
        "_errors",
        "_fallback",
        "_fallback_share",
        "_jitter",
        "_key_base",
        "_keys",
        "_noscript",
        "_on_unavailable",
        "_owns",
        "_paced_at",
        "_probe_at",
        "_rates",
        "_redis",
        "_rng",
        "_windows_us",
    )

    def __init__(
        self,
        redis: Redis,
        rates: Mapping[str, Rate],
        *,
        account: str,
        prefix: str = "pushwoosh:rl:",
        on_unavailable: Literal["fail", "local"] = "fail",
        fallback_share: float = 0.25,
        margin: float | None = None,
        jitter: float = 0.03,
        owns_redis: bool = False,
        rng: random.Random | None = None,
    ) -> None:
        try:
            from redis.exceptions import NoScriptError, RedisError  # noqa: PLC0415 (optional)
        except ImportError:  # pragma: no cover - a client was passed, so redis is installed
            raise ConfigurationError(_INSTALL) from None
        if not account:
            msg = "rate_limit_url needs an api_token or a rate_limit_key to name the budget"
            raise ConfigurationError(msg)
        if on_unavailable not in ("fail", "local"):
            msg = f"on_unavailable must be 'fail' or 'local', not {on_unavailable!r}"
            raise ConfigurationError(msg)
        if not (0 < fallback_share <= 1 and 0 <= jitter <= 1 and 0 <= (margin or 0) < math.inf):
            msg = "fallback_share must be in (0, 1], jitter in [0, 1], margin seconds >= 0"
            raise ConfigurationError(msg)
        self._redis = redis
        self._rates = dict(rates)
        self._account = account_id(account)
        base = f"{prefix}{{{self._account}}}:"
        self._keys: dict[str, tuple[str, str]] = {}
        self._key_base = base
        self._windows_us = {
            m: round((r.period_seconds + _margin(r, margin)) * 1e6) for m, r in rates.items()
        }
        self._on_unavailable = on_unavailable
        self._fallback_share = fallback_share
        self._fallback: LocalLimiter | None = None
        self._probe_at = -math.inf
        self._cool: dict[str, float] = {}
        self._paced_at: dict[str, float] = {}
        self._jitter = jitter
        self._rng = rng or random.Random()  # noqa: S311 (jitter and unique suffixes, not secrets)
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._noscript: type[BaseException] = NoScriptError
        self._owns = owns_redis
        self._closed = False

    @classmethod
    def from_url(
        cls,
        url: str,
        rates: Mapping[str, Rate],
        *,
        account: str,
        timeout: float = 0.5,
        **options: Any,
    ) -> RedisLimiter:
        """A limiter on the Redis at ``url`` (``redis://``, ``rediss://``, ``unix://``).

        ``timeout`` bounds connecting and each command; ``options`` are the constructor's
        (``on_unavailable``, ``fallback_share``, ``margin``, ...), which the URL's query may
        carry too; the rest of the query is redis-py's.
        """
        try:
            from redis.asyncio import Redis  # noqa: PLC0415 (the optional redis extra)
            from redis.asyncio.retry import Retry  # noqa: PLC0415
            from redis.backoff import NoBackoff  # noqa: PLC0415
        except ImportError:
            raise ConfigurationError(_INSTALL) from None
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        if "on_unavailable" in query:
            options.setdefault("on_unavailable", query.pop("on_unavailable"))
        for name in ("fallback_share", "margin"):
            if name in query:
                options.setdefault(name, _option(query, name))
        try:
            redis = Redis.from_url(
                urlunsplit(parts._replace(query=urlencode(query))),
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 0),
            )
        except ValueError as exc:  # the URL itself may hold a password: never repeat it
            msg = f"rate_limit_url is not a Redis URL redis-py accepts ({type(exc).__name__})"
            raise ConfigurationError(msg) from None
        return cls(redis, rates, account=account, owns_redis=True, **options)

    def __repr__(self) -> str:
        rates = ", ".join(
            f"{m}={r.max_calls}/{r.period_seconds:g}s" for m, r in self._rates.items()
        )
        return (
            f"RedisLimiter({rates}; account {self._account}, on_unavailable={self._on_unavailable})"
        )

    # --- the protocol ------------------------------------------------------------------------

    def idle(self, method: str) -> bool:
        """True when ``method`` has no rate and this process saw no cool-down of it."""
        if method in self._rates:
            return False
        until = self._cool.get(method)
        if until is None:
            return True
        if until <= asyncio.get_running_loop().time():
            del self._cool[method]
            return True
        return False

    async def acquire(
        self, method: str, *, max_wait: float | None = None, pace: bool = False
    ) -> float:
        """Wait for a slot of ``method`` in the fleet's budget; see the module docstring."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        rate = self._rates.get(method)
        if not (pace and rate is not None):
            return await self._acquire(method, start, max_wait)
        at = max(
            start, self._paced_at.get(method, -math.inf) + rate.period_seconds / rate.max_calls
        )
        if max_wait is not None and at - start > max_wait:
            raise Throttled(method, at - start, max_wait)
        previous = self._paced_at.get(method, -math.inf)
        self._paced_at[method] = at  # reserved: the next paced caller lines up behind it
        try:
            await asyncio.sleep(at - start)
            return await self._acquire(method, start, max_wait)
        except BaseException:
            if self._paced_at.get(method) == at:
                self._paced_at[method] = previous  # nothing went out: give the reservation back
            raise

    async def cool_down(self, method: str, seconds: float) -> None:
        """Hold ``method`` for ``seconds`` across the fleet (a cool-down only ever grows)."""
        if not seconds > 0:
            return
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        if until > self._cool.get(method, -math.inf):
            self._cool[method] = until
        if self._fallback is not None and loop.time() < self._probe_at:
            await self._fallback.cool_down(method, seconds)
            return
        cool_key = self._keys_of(method)[1]
        try:
            await self._script(_COOL, [cool_key], [math.ceil(seconds * 1000)])
        except self._errors as exc:
            if self._on_unavailable == "fail":
                raise RateLimiterUnavailable(method, type(exc).__name__) from exc
            await self._fall_back(exc).cool_down(method, seconds)

    async def aclose(self) -> None:
        """Close the Redis connection pool (when this limiter built it); idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._owns:
            await self._redis.aclose()

    # --- the shared budget -------------------------------------------------------------------

    async def _acquire(self, method: str, start: float, max_wait: float | None) -> float:
        """Ask Redis until it records a send; sleep what it answers (plus jitter) in between."""
        loop = asyncio.get_running_loop()
        rate = self._rates.get(method)
        limit = 0 if rate is None else rate.max_calls
        window_key, cool_key = self._keys_of(method)
        while True:
            now = loop.time()
            wait = self._cool.get(method, -math.inf) - now  # a cool-down seen here: no round trip
            if wait <= 0:
                if self._fallback is not None and now < self._probe_at:
                    return await _local(self._fallback, method, start, max_wait)
                suffix = f"{self._rng.getrandbits(64):016x}"
                try:
                    ms = await self._script(
                        _ACQUIRE,
                        [window_key, cool_key],
                        [limit, self._windows_us.get(method, 0), suffix],
                    )
                except self._errors as exc:
                    if self._on_unavailable == "fail":
                        raise RateLimiterUnavailable(method, type(exc).__name__) from exc
                    self._fall_back(exc)
                    continue
                self._recovered()
                if ms <= 0:
                    return loop.time() - start
                wait = ms / 1000
            waited = loop.time() - start
            if max_wait is not None and waited + wait > max_wait:
                raise Throttled(method, waited + wait, max_wait)
            sleep = wait * (1 + self._jitter * self._rng.random())
            if max_wait is not None:
                sleep = min(sleep, max_wait - waited)
            await asyncio.sleep(sleep)

    async def _script(self, script: str, keys: list[str], args: list[int | float | str]) -> int:
        """Run ``script`` by its SHA; on ``NOSCRIPT``, by its text (which loads it)."""
        try:
            answer = await self._redis.evalsha(_sha(script), len(keys), *keys, *args)
        except self._noscript:
            answer = await self._redis.eval(script, len(keys), *keys, *args)
        return int(answer)

    def _keys_of(self, method: str) -> tuple[str, str]:
        keys = self._keys.get(method)
        if keys is None:
            window = f"{self._key_base}{method}"
            keys = self._keys[method] = (window, f"{window}:cool")
        return keys

    # --- Redis unavailable -------------------------------------------------------------------

    def _fall_back(self, error: BaseException) -> LocalLimiter:
        """Switch to the local share (built and logged once) until the next probe of Redis."""
        self._probe_at = asyncio.get_running_loop().time() + _PROBE_SECONDS
        if self._fallback is None:
            share = self._fallback_share
            self._fallback = LocalLimiter(
                {
                    m: Rate(max(1, math.floor(r.max_calls * share)), r.period_seconds)
                    for m, r in self._rates.items()
                }
            )
            logger.warning(
                "the shared rate limiter (Redis) is unavailable (%s): this process falls back "
                "to %g of each rate, locally, until Redis answers again",
                type(error).__name__,
                share,
            )
        return self._fallback

    def _recovered(self) -> None:
        if self._fallback is not None:
            self._fallback = None
            self._probe_at = -math.inf
            logger.info("the shared rate limiter (Redis) answers again: back to the fleet budget")


async def _local(
    fallback: LocalLimiter, method: str, start: float, max_wait: float | None
) -> float:
    """Acquire from the local share while Redis is unavailable; returns the seconds since start."""
    loop = asyncio.get_running_loop()
    if not fallback.idle(method):
        left = None if max_wait is None else max(0.0, max_wait - (loop.time() - start))
        await fallback.acquire(method, max_wait=left)
    return loop.time() - start


def _margin(rate: Rate, margin: float | None) -> float:
    """The window's safety margin: given, or ``min(0.25 s, 0.5 % of the period)``."""
    return min(0.25, 0.005 * rate.period_seconds) if margin is None else margin
