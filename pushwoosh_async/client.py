"""``PushwooshClient``: the session object that owns the connection pool and the rate limiters.

From the public call to the socket::

    await client(command)
      -> command.with_dedup_keys()           once per send: transactionId for createMessage
      -> encoder.Encoder.call: Call (payload, URL, route with its token rule)      (encoder.py)
      -> your steps -> Authenticate -> Attempts: rate limit, send, decode, retry     (steps.py)
      -> sender: codec.body(call) on the socket (aiohttp, or httpx with transport=) (senders.py)
      <- codec.decode, then Encoder.finish: the typed result; warnings issued and kept on it

The client is only the session: lifecycle, the pool (inside the sender), the limiters, the
pipeline and ``await pw(command)``. The calls that span many requests (``wait``, ``paginate``,
``bulk_send``, ``import_segment``, ``export_segment``) come from its base
:class:`~pushwoosh_async.workflows.Workflows`: thin delegations to the modules doing the jobs.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable, Coroutine, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, TypeVar

import httpx

from pushwoosh_async._version import __version__
from pushwoosh_async.commands._base import Command, Result
from pushwoosh_async.encoder import Encoder
from pushwoosh_async.errors import (
    ClientClosedError,
    ConfigurationError,
    ForeignLoopError,
)
from pushwoosh_async.families import Host
from pushwoosh_async.limits import Rate, RateLimiter
from pushwoosh_async.observe import Observe, Observer, Observers
from pushwoosh_async.pipeline import Call, Reply, Step, compose
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.senders import MAX_REPLY_BYTES, AiohttpSender, HttpxSender, Sender
from pushwoosh_async.settings import (
    DEFAULT,
    DEFAULT_BASE_URL,
    DEFAULT_JOURNEY_URL,
    check_base_url,
    choose_limiter,
    positive_or_none,
    resolve_proxies,
)
from pushwoosh_async.settings import Default as _Default
from pushwoosh_async.steps import Attempts, Authenticate
from pushwoosh_async.workflows import Workflows

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_JOURNEY_URL", "PushwooshClient"]  # the URLs re-exported

R = TypeVar("R", bound=Result)
F = TypeVar("F")
T = TypeVar("T")

_USER_AGENT: Final = f"pushwoosh-async/{__version__}"


class PushwooshClient(Workflows):
    """An asyncio client for the Pushwoosh Remote API.

    ::

        async with PushwooshClient(api_token="...", application="XXXXX-XXXXX") as pw:
            note = Notification(content="Hi", devices=["hwid-1"])
            result = await pw(CreateMessage(notifications=[note]))

    ``api_token`` is the server token; ``device_token`` the device API token, needed only for
    Device API methods (``registerDevice``, ``setTags``, ...). ``application`` fills the
    ``application`` of every command that leaves it unset.

    ``transport`` takes any ``httpx.AsyncBaseTransport`` (``httpx.MockTransport``, respx, the fake
    server, or ``httpx.AsyncHTTPTransport(proxy=...)``); without one, requests go through aiohttp,
    which keeps its throughput under concurrency where httpx's pool does not. ``sender`` replaces
    the terminal step altogether. The aiohttp sender takes its proxy from ``HTTPS_PROXY``,
    ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (read once, here), or from ``proxy=``, which
    wins over the environment; ``trust_env=False`` ignores the environment. A transport or a
    sender does its own proxying (``proxy=`` with one is a ``ConfigurationError``).

    ``journey_base_url`` is the customer journey API's host; it defaults to
    https://journey.pushwoosh.com with the default ``base_url``, and to ``base_url`` itself when
    that is changed (a fake or a private deployment serves both).

    ``timeout`` limits each phase of an attempt as httpx does: a number for all of them, or an
    ``httpx.Timeout(connect=, read=, write=, pool=)``; ``pool`` is the wait for a free one of the
    ``max_connections`` connections, which ends in ``PoolTimeout`` (nothing was sent). ``deadline``
    bounds the whole call, every attempt and wait included (``DeadlineExceeded``; ``None``, the
    default, for none). ``max_reply_bytes`` bounds a reply's decoded size (16 MiB; past it
    ``ReplyTooLarge``). ``retry`` is a :class:`RetryPolicy`.
    ``rate_limits`` maps wire method names to ``Rate(max_calls, period_seconds)`` or a plain tuple
    and replaces the defaults (600 ``createMessage`` per 60 s); ``{}`` lifts every limit.
    ``steps`` are your own pipeline steps, run outermost (see ``pipeline.py``). ``observers``
    receive one event per attempt and one per call (``pushwoosh_async.observe``).

    One client belongs to one event loop, the one of its first call (any other raises
    ``ForeignLoopError``). Share it between tasks; do not create one per request. Redirects are
    never followed (``Redirected``), so the token never travels to another host.
    """

    __slots__ = (
        "_application",
        "_base_url",
        "_base_urls",
        "_closed",
        "_credentials",
        "_deadline",
        "_encoders",
        "_limiter",
        "_loop",
        "_max_wait",
        "_pipeline",
        "_retry",
        "_run",
        "_sender",
    )

    def __init__(
        self,
        api_token: str | None = None,
        *,
        device_token: str | None = None,
        application: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        journey_base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sender: Sender | None = None,
        timeout: float | httpx.Timeout | None = 30.0,
        deadline: float | None = None,
        max_connections: int = 100,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        retry: RetryPolicy | None = None,
        rate_limits: Mapping[str, Rate | tuple[float, float]] | None = None,
        max_wait: float | None = None,
        rate_limit_url: str | None = None,
        rate_limit_key: str | None = None,
        rate_limiter: RateLimiter | None = None,
        steps: Sequence[Step] = (),
        observers: Sequence[Observer] = (),
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        if not api_token and not device_token:
            msg = "give api_token (server methods) and/or device_token (Device API methods)"
            raise ConfigurationError(msg)
        if sender is not None and transport is not None:
            msg = "give transport or sender, not both"
            raise ConfigurationError(msg)
        if proxy is not None and (sender is not None or transport is not None):
            msg = "proxy= is for the default sender; build it into your transport or sender"
            raise ConfigurationError(msg)
        self._base_url = check_base_url(base_url)
        if journey_base_url is None:
            # A custom base URL (a fake, a private deployment) serves every family: never send a
            # test's journey calls to production.
            journey_base_url = DEFAULT_JOURNEY_URL if base_url == DEFAULT_BASE_URL else base_url
        self._base_urls = {
            Host.API: self._base_url,
            Host.JOURNEY: check_base_url(journey_base_url),
        }
        self._application = application
        self._encoders: dict[type[Command[Any]], Encoder] = {}
        self._deadline = positive_or_none("deadline", deadline)
        if sender is None:
            options: dict[str, Any] = {
                "timeout": timeout,
                "max_connections": max_connections,
                "max_reply_bytes": max_reply_bytes,
                "user_agent": _USER_AGENT,
            }
            sender = (
                HttpxSender(transport, **options)
                if transport is not None
                else AiohttpSender(
                    proxies=resolve_proxies(
                        self._base_urls.values(), proxy=proxy, trust_env=trust_env
                    ),
                    proxy_for=functools.partial(resolve_proxies, proxy=proxy, trust_env=trust_env),
                    **options,
                )
            )
        self._sender = sender
        self._retry = retry or RetryPolicy()
        self._max_wait = positive_or_none("max_wait", max_wait)
        self._limiter = choose_limiter(
            rate_limits, rate_limit_url, rate_limit_key, rate_limiter, api_token
        )
        secrets = tuple(token for token in (api_token, device_token) if token)
        hub = Observers(observers) if observers else None
        outer: list[Step] = [*([Observe(hub)] if hub else []), *steps]
        authenticate = Authenticate(api_token, device_token)
        # With nothing outside it, authenticating is done by the encoder as it builds the call.
        self._credentials = None if outer else authenticate.credentials
        attempts = Attempts(
            sender,
            self._retry,
            self._limiter,
            secrets=secrets,
            observers=hub,
            closed=lambda: self._closed,
        )
        self._pipeline = compose([*outer, authenticate], attempts) if outer else attempts.__call__
        self._run = self._through_steps if outer else attempts.run
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> PushwooshClient:
        """A client configured from the environment; keyword arguments win.

        Reads ``PUSHWOOSH_API_TOKEN``, ``PUSHWOOSH_DEVICE_TOKEN``, ``PUSHWOOSH_APPLICATION``,
        ``PUSHWOOSH_BASE_URL`` and ``PUSHWOOSH_RATE_LIMIT_URL`` (a shared Redis budget).
        """
        settings: dict[str, Any] = {
            "api_token": os.environ.get("PUSHWOOSH_API_TOKEN") or None,
            "device_token": os.environ.get("PUSHWOOSH_DEVICE_TOKEN") or None,
            "application": os.environ.get("PUSHWOOSH_APPLICATION") or None,
            "base_url": os.environ.get("PUSHWOOSH_BASE_URL") or DEFAULT_BASE_URL,
            "rate_limit_url": os.environ.get("PUSHWOOSH_RATE_LIMIT_URL") or None,
        }
        settings.update(overrides)
        api_token = settings.pop("api_token")
        return cls(api_token, **settings)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<PushwooshClient {self._base_url} application={self._application!r} {state}>"

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy every call follows."""
        return self._retry

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` has run."""
        return self._closed

    def __call__(
        self,
        command: Command[R],
        *,
        deadline: float | _Default | None = DEFAULT,
        max_wait: float | _Default | None = DEFAULT,
        pace: bool = False,
    ) -> Coroutine[Any, Any, R]:
        """Send ``command`` and return its typed result; raises a ``PushwooshError`` on failure.

        ``deadline`` (seconds for the whole call: rate-limiter waits, attempts and retries) and
        ``max_wait`` (the longest one attempt may wait for the rate limiter) override the
        client's defaults for this call; ``None`` lifts them. A wait the limiter can tell is too
        long fails at once with ``Throttled``, and nothing is sent. ``pace=True`` spaces this
        caller's requests evenly instead of letting them burst (the bulk sender's choice).

        Await what it returns (a coroutine, as from an ``async def``): the call is built when
        ``pw(command)`` runs, and every error, a refused command's too, is raised by the await.
        The deadline counts from ``pw(command)``.
        """
        if self._closed:
            return _raise(ClientClosedError("this PushwooshClient is closed; create a new one"))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a loop yet (asyncio.run(pw(command))): built once awaited
            return self._when_running(command, deadline, max_wait, pace)
        try:
            if loop is not self._loop:
                self._bind(loop)
            encoder = self._encoders.get(type(command)) or self._encoder(type(command))
            keyed = command.with_dedup_keys() if encoder.dedup else None
            if keyed is not None:
                command = keyed
            seconds = (
                self._deadline if deadline is DEFAULT else positive_or_none("deadline", deadline)
            )
            call = encoder.call(
                command,
                keyed is not None,
                None if seconds is None else loop.time() + seconds,
                self._max_wait if max_wait is DEFAULT else max_wait,
                pace,
            )
        except Exception as error:  # noqa: BLE001 (raised by the await, as from an async def)
            return _raise(error)
        # One coroutine, from this await to the sender, when you have no steps (Attempts.run).
        return self._run(call, encoder.finish)  # type: ignore[return-value]

    async def _when_running(
        self,
        command: Command[R],
        deadline: float | _Default | None,
        max_wait: float | _Default | None,
        pace: bool,
    ) -> R:
        return await self(command, deadline=deadline, max_wait=max_wait, pace=pace)

    async def _through_steps(self, call: Call, finish: Callable[[Reply], Result]) -> Result:
        """With steps of yours (or observers): the pipeline, then the typed result."""
        return finish(await self._pipeline(call))

    def _encoder(self, command: type[Command[Any]]) -> Encoder:
        encoder = Encoder(command, self._base_urls, self._application)
        if self._credentials is not None:  # the calls are built authenticated (see __init__)
            encoder.auth = self._credentials(encoder.route)
        self._encoders[command] = encoder
        return encoder

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Tie the client to the loop of its first call; any other loop is refused."""
        if self._loop is not None:
            msg = (
                "this PushwooshClient belongs to another event loop (or thread); create one "
                "client per event loop, or use pushwoosh_async.sync from threads"
            )
            raise ForeignLoopError(msg)
        self._loop = loop

    async def aclose(self) -> None:
        """Close the connection pool. Safe to call more than once.

        From the moment it starts no request leaves: calls in flight end with
        ``ClientClosedError`` (or their reply, if it was already on its way), retries stop.
        """
        if self._closed:
            return
        if self._loop is not None and asyncio.get_running_loop() is not self._loop:
            msg = "aclose() must run in the event loop the client was used in"
            raise ForeignLoopError(msg)
        self._closed = True
        try:
            await self._sender.aclose()
        finally:
            await self._limiter.aclose()

    async def __aenter__(self) -> PushwooshClient:  # noqa: PYI034 (typing.Self is 3.11+)
        if self._closed:
            msg = "this PushwooshClient is closed; create a new one"
            raise ClientClosedError(msg)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _raise(error: Exception) -> Any:
    """A coroutine that raises ``error``: ``pw(command)``'s refusals surface at the await."""
    raise error
