"""``PushwooshClient``: the session object that owns the connection pool and the rate limiters.

From the public call to the socket::

    await client(command)
      -> command.with_dedup_keys()           once per send: transactionId for createMessage
      -> Call (cattrs-rendered payload, URL)
      -> your steps -> Authenticate -> Retry -> RateLimit -> Decode   (steps.py)
      -> sender (aiohttp by default, httpx when transport= is given)              (senders.py)
      <- Reply.data structured into command.result_type; warnings issued and kept on the result
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import string
import urllib.parse
import warnings
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, TypeVar

import attrs
import cattrs
import httpx

from pushwoosh_async import __version__
from pushwoosh_async._converter import CONVERTER
from pushwoosh_async.bulk import BulkReport, BulkSender
from pushwoosh_async.commands._base import Command, Result
from pushwoosh_async.commands.messages import Notification
from pushwoosh_async.errors import (
    ISSUE_WARNINGS,
    ClientClosedError,
    ConfigurationError,
    DecodeError,
    ValidationError,
)
from pushwoosh_async.families import Host, family_of
from pushwoosh_async.jobs import JobFailed, JobState, JobTimeout, job_spec
from pushwoosh_async.limits import Rate, build_limiters
from pushwoosh_async.pagination import page_spec
from pushwoosh_async.pipeline import Call, Reply, Route, Step, compose
from pushwoosh_async.retries import RetryPolicy
from pushwoosh_async.senders import AiohttpSender, HttpxSender, Sender
from pushwoosh_async.steps import Authenticate, Decode, RateLimit, Retry

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_JOURNEY_URL", "PushwooshClient"]

R = TypeVar("R", bound=Result)

DEFAULT_BASE_URL: Final = "https://api.pushwoosh.com"
DEFAULT_JOURNEY_URL: Final = "https://journey.pushwoosh.com"
_USER_AGENT: Final = f"pushwoosh-async/{__version__}"


def _check_base_url(base_url: str) -> str:
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


def _query_value(value: Any) -> Any:
    """JSON's spelling for booleans in a query string (``true``, not Python's ``True``)."""
    return ("true" if value else "false") if isinstance(value, bool) else value


class _Plan:
    """How one command class is rendered, routed and read on one client: worked out once."""

    __slots__ = (
        "application",
        "placeholders",
        "result_type",
        "route",
        "structure",
        "takes_application",
        "unstructure",
    )

    def __init__(
        self, command: type[Command[Any]], base_urls: Mapping[Host, str], application: str | None
    ) -> None:
        family = family_of(command.path)
        self.route = Route(
            command.method_name(),
            command.http_method,
            base_urls[family.host] + command.path,
            family,
            command.token,
        )
        self.placeholders = tuple(
            name for _, name, _, _ in string.Formatter().parse(command.path) if name
        )
        self.unstructure = CONVERTER.get_unstructure_hook(command)
        self.result_type = command.result_type
        self.structure = CONVERTER.get_structure_hook(command.result_type)
        self.takes_application = "application" in attrs.fields_dict(command)
        self.application = application

    def call(self, command: Command[Any], *, keyed: bool) -> Call:
        payload: dict[str, Any] = self.unstructure(command)
        if self.takes_application and not (
            "application" in payload or "applications_group" in payload
        ):
            if self.application is None:
                name = type(command).__name__
                msg = f"{name} needs an application: set it on the command or the client"
                raise ValidationError(msg)
            payload["application"] = self.application
        if not self.placeholders and self.route.http_method != "GET":
            return Call(command, self.route, payload, {}, keyed, 1, self.route.url)
        url = self._url(command, payload)  # takes the path's and a GET's fields out of payload
        return Call(command, self.route, payload, {}, keyed, 1, url)

    def _url(self, command: Command[Any], payload: dict[str, Any]) -> str:
        """Fill the path's placeholders from their fields; a GET carries the rest as a query."""
        values: dict[str, str] = {}
        for name in self.placeholders:
            value = payload.pop(name, None)
            if value is None or value == "":
                msg = f"{type(command).__name__} needs {name} (it is part of the path)"
                raise ValidationError(msg)
            values[name] = urllib.parse.quote(str(value), safe="")
        url = self.route.url.format(**values)
        if self.route.http_method == "GET" and payload:
            query = {k: _query_value(v) for k, v in payload.items()}
            url += "?" + urllib.parse.urlencode(query, doseq=True)
            payload.clear()
        return url

    def result(self, reply: Reply) -> Result:
        data = self.result_type.unwrap(reply.data)
        try:
            result: Result = self.structure({} if data is None else data, self.result_type)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            raise DecodeError(
                f"the reply does not fit {self.result_type.__name__}: {exc}",
                self.route.method,
                reply.http_status,
            ) from exc
        return result


class PushwooshClient:
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
    the terminal step altogether.

    ``journey_base_url`` is the customer journey API's host; it defaults to
    https://journey.pushwoosh.com with the default ``base_url``, and to ``base_url`` itself when
    that is changed (a fake or a private deployment serves both).

    ``timeout`` is seconds per attempt (``None``: no limit). ``retry`` is a :class:`RetryPolicy`.
    ``rate_limits`` maps wire method names to ``Rate(max_calls, period_seconds)`` or a plain tuple
    and replaces the defaults (600 ``createMessage`` per 60 s); ``{}`` lifts every limit.
    ``steps`` are your own pipeline steps, run outermost (see ``pipeline.py``).

    One client belongs to one event loop. Share it between tasks; do not create one per request.
    """

    __slots__ = (
        "_application",
        "_base_url",
        "_base_urls",
        "_closed",
        "_limiters",
        "_pipeline",
        "_plans",
        "_retry",
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
        timeout: float | None = 30.0,
        retry: RetryPolicy | None = None,
        rate_limits: Mapping[str, Rate | tuple[float, float]] | None = None,
        steps: Sequence[Step] = (),
    ) -> None:
        if not api_token and not device_token:
            msg = "give api_token (server methods) and/or device_token (Device API methods)"
            raise ConfigurationError(msg)
        if sender is not None and transport is not None:
            msg = "give transport or sender, not both"
            raise ConfigurationError(msg)
        self._base_url = _check_base_url(base_url)
        if journey_base_url is None:
            # A custom base URL (a fake, a private deployment) serves every family: never send a
            # test's journey calls to production.
            journey_base_url = DEFAULT_JOURNEY_URL if base_url == DEFAULT_BASE_URL else base_url
        self._base_urls = {
            Host.API: self._base_url,
            Host.JOURNEY: _check_base_url(journey_base_url),
        }
        self._application = application
        self._plans: dict[type[Command[Any]], _Plan] = {}
        if sender is None:
            sender = (
                HttpxSender(transport, timeout=timeout, user_agent=_USER_AGENT)
                if transport is not None
                else AiohttpSender(timeout=timeout, user_agent=_USER_AGENT)
            )
        self._sender = sender
        self._retry = retry or RetryPolicy()
        self._limiters = build_limiters(rate_limits)
        self._pipeline = compose(
            [
                *steps,
                Authenticate(api_token, device_token),
                Retry(self._retry),
                RateLimit(self._limiters),
                Decode(),
            ],
            sender,
        )
        self._closed = False

    @classmethod
    def from_env(cls, **overrides: Any) -> PushwooshClient:
        """A client configured from the environment; keyword arguments win.

        Reads ``PUSHWOOSH_API_TOKEN``, ``PUSHWOOSH_DEVICE_TOKEN``, ``PUSHWOOSH_APPLICATION`` and
        ``PUSHWOOSH_BASE_URL``.
        """
        settings: dict[str, Any] = {
            "api_token": os.environ.get("PUSHWOOSH_API_TOKEN") or None,
            "device_token": os.environ.get("PUSHWOOSH_DEVICE_TOKEN") or None,
            "application": os.environ.get("PUSHWOOSH_APPLICATION") or None,
            "base_url": os.environ.get("PUSHWOOSH_BASE_URL") or DEFAULT_BASE_URL,
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

    async def bulk_send(
        self,
        template: Notification | Mapping[str, Any],
        recipients: Iterable[str] | AsyncIterable[str],
        **options: Any,
    ) -> BulkReport:
        """Send one message to every recipient, 1000 per ``createMessage``, at the rate limit.

        ``template`` holds the message's fields: a dict with the wire names
        (``{"content": "Hi"}``) or a :class:`Notification` (its own targets are replaced).
        Options and the report are described in ``pushwoosh_async.bulk``; use
        :class:`~pushwoosh_async.bulk.BulkSender` directly to read the report of a cancelled run.
        """
        return await BulkSender(self, template, recipients, **options).run()

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` has run."""
        return self._closed

    async def __call__(self, command: Command[R]) -> R:
        """Send ``command`` and return its typed result; raises a ``PushwooshError`` on failure."""
        if self._closed:
            msg = "this PushwooshClient is closed; create a new one"
            raise ClientClosedError(msg)
        keyed = command.with_dedup_keys()
        if keyed is not None:
            command = keyed
        plan = self._plans.get(type(command)) or self._plan(type(command))
        reply = await self._pipeline(plan.call(command, keyed=keyed is not None))
        result = plan.result(reply)
        if reply.warnings:
            if ISSUE_WARNINGS.get():
                for warning in reply.warnings:
                    warnings.warn(warning, stacklevel=2)
            result = attrs.evolve(result, warnings=reply.warnings)
        return result  # type: ignore[return-value]

    async def wait(
        self,
        command: Command[Any],
        *,
        timeout: float = 300.0,
        interval: float = 1.0,
        max_interval: float = 15.0,
    ) -> Any:
        """Start a server-side job with ``command`` and poll it until done (see ``jobs.py``).

        Returns the final polled result (for example the statistics ``getResults`` read);
        raises :class:`~pushwoosh_async.jobs.JobFailed` if the job fails and
        :class:`~pushwoosh_async.jobs.JobTimeout` if it is still pending after ``timeout``
        seconds. Cancelling the task stops the polling.
        """
        spec = job_spec(type(command))
        poll = spec.poll(await self(command))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        delay = interval
        last: Any = None
        while True:
            try:
                last = await self(poll)
            except spec.pending_while:
                state = JobState.PENDING
            else:
                state = spec.state(last)
            if state is JobState.DONE:
                return last
            if state is JobState.FAILED:
                raise JobFailed(type(poll).method_name(), last)
            if loop.time() + delay > deadline:
                raise JobTimeout(type(poll).method_name(), timeout, last)
            await asyncio.sleep(delay)
            delay = min(max_interval, delay * 1.5)

    async def paginate(self, command: Command[Any]) -> AsyncIterator[Any]:
        """Yield the items of a paginated listing, page after page (see ``pagination.py``)."""
        spec = page_spec(type(command))
        next_command: Command[Any] | None = command
        while next_command is not None:
            page = await self(next_command)
            for item in spec.items(page):
                yield item
            next_command = spec.next(next_command, page)

    def _plan(self, command: type[Command[Any]]) -> _Plan:
        plan = self._plans[command] = _Plan(command, self._base_urls, self._application)
        return plan

    async def aclose(self) -> None:
        """Close the connection pool. Safe to call more than once."""
        if not self._closed:
            self._closed = True
            await self._sender.aclose()

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
