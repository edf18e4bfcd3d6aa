"""``FakePushwoosh``: a stateful stand-in for the Pushwoosh API, in process or over HTTP.

The core is :meth:`FakePushwoosh.answer`: HTTP method, path, headers and body in, an
:class:`Answer` out, with the account changed as the real service would change it. Two adapters
put it on a wire: :attr:`FakePushwoosh.transport` (an httpx transport, no extra dependency) and
``pushwoosh_async.testing.server`` (a real HTTP server on loopback, built on aiohttp).

Rate limit: the fake allows 600 ``createMessage`` calls in any 60 seconds, as documented. What
Pushwoosh answers past that is not documented; the fake answers HTTP 429 with ``Retry-After``
(the seconds until a slot frees) and a v1.3 envelope with status 429.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import httpx

from pushwoosh_async import codec
from pushwoosh_async.commands import TokenKind
from pushwoosh_async.families import AuthPlacement, ErrorShape, Family, family_of
from pushwoosh_async.testing._exports import EXPORT_HOST, ExportFiles
from pushwoosh_async.testing._request import Refusal, Request
from pushwoosh_async.testing._routes import Endpoint, find
from pushwoosh_async.testing._state import Account, Device
from pushwoosh_async.testing.faults import Fault, When
from pushwoosh_async.testing.handlers import HANDLERS

__all__ = ["Answer", "FakePushwoosh", "RecordedCall"]


@attrs.frozen
class RecordedCall:
    """One request as the fake received it: parsed body (``None`` if not JSON), headers, answer.

    ``at`` is when it arrived, on the fake's clock (``time.monotonic`` unless ``clock=`` says
    otherwise): what a test needs to check rate limits where the server sees them.
    """

    method: str
    http_method: str
    path: str
    headers: Mapping[str, str]
    body: Any
    status: int
    fault: str | None = None
    at: float = 0.0


@attrs.frozen
class Answer:
    """What the fake answers; ``drop`` is ``"reset"`` or ``"timeout"`` when no reply is sent."""

    status: int
    body: bytes
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay: float = 0.0
    drop: str | None = None
    """``None``, ``"reset"`` (connection dropped) or ``"timeout"`` (reply never sent)."""


class FakePushwoosh:
    """A fake Pushwoosh account.

    ``api_token`` and ``device_token`` are the tokens it accepts; ``applications`` the application
    codes that exist. ``latency`` delays every answer; ``fail_rate`` answers that share of calls
    with HTTP 503 before processing (``seed`` makes it repeatable). ``clock`` is where time comes
    from for the rate limit (``time.monotonic`` by default; pass the event loop's ``time`` to
    run on a virtual clock). ``record_limit`` keeps only the latest calls in ``fake.calls`` (a
    long-running server needs one; tests usually want them all). ``restricted_methods`` are
    methods the API token's restrictions forbid: they answer status 403, "Token restrictions
    forbid this operation", as Pushwoosh does for a token without e.g. the Email API permission.
    """

    def __init__(
        self,
        *,
        api_token: str = "test-api-token",  # noqa: S107 (a fake's own token)
        device_token: str = "test-device-token",  # noqa: S107
        applications: Iterable[str] = ("ABCDE-12345",),
        latency: float = 0.0,
        fail_rate: float = 0.0,
        seed: int | None = None,
        rate_limits: Mapping[str, tuple[int, float]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        record_limit: int | None = None,
        restricted_methods: Iterable[str] = (),
    ) -> None:
        self.api_token = api_token
        self.device_token = device_token
        self.state = Account(applications=set(applications))
        self.restricted_methods = set(restricted_methods)
        self.calls: list[RecordedCall] = []
        self._record_limit = record_limit
        self.latency = latency
        self.fail_rate = fail_rate
        self._random = random.Random(seed)  # noqa: S311 (fault dice, not secrets)
        self._clock = clock
        self._limits = dict(
            rate_limits if rate_limits is not None else {"createMessage": (600, 60.0)}
        )
        self._recent: dict[str, deque[float]] = {m: deque() for m in self._limits}
        self._faults: dict[str | None, deque[Fault]] = {}
        self._ids = (
            f"{n:04X}-{n * 7919 % 0xFFFFFFFF:08X}-{n * 104729 % 0xFFFFFFFF:08X}"
            for n in itertools.count(1)
        )

    def __repr__(self) -> str:
        return (
            f"<FakePushwoosh applications={sorted(self.state.applications)} "
            f"devices={len(self.state.devices)} messages={len(self.state.messages)} "
            f"calls={len(self.calls)}>"
        )

    # --- scripting and reading --------------------------------------------------------------

    def inject(self, fault: Fault, *, method: str | None = None, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` (of any method if ``None``) fail so."""
        self._faults.setdefault(method, deque()).extend([fault] * times)

    def add_device(
        self,
        hwid: str,
        *,
        application: str | None = None,
        device_type: int = 3,
        user_id: str | None = None,
        tags: Mapping[str, Any] | None = None,
    ) -> Device:
        """Register a device directly in the state (no call recorded); returns it."""
        app = application or min(self.state.applications)
        device = Device(app, hwid, device_type, user_id=user_id, tags=dict(tags or {}))
        self.state.devices[app, hwid] = device
        return device

    def add_devices(
        self,
        count: int,
        *,
        prefix: str = "device-",
        application: str | None = None,
        tags: Mapping[str, Any] | None = None,
    ) -> None:
        """Register ``count`` devices at once (no call recorded), e.g. a million for an export.

        Device ``n`` has hwid ``f"{prefix}{n}"``, push token ``f"token-{prefix}{n}"``, user
        ``f"user-{prefix}{n}"`` and ``tags`` (one shared dict: change it through API calls).
        """
        app = application or min(self.state.applications)
        shared = dict(tags or {})
        devices = self.state.devices
        for n in range(count):
            hwid = f"{prefix}{n}"
            devices[app, hwid] = Device(
                app, hwid, 3, push_token=f"token-{hwid}", user_id=f"user-{hwid}", tags=shared
            )

    @property
    def exports(self) -> ExportFiles:
        """The export archives, their links' base (``exports.base_url``) and the downloads."""
        return self.state.exports

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The recorded calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport into this fake: ``PushwooshClient(..., transport=fake.transport)``."""
        return _Transport(self)

    # --- the core ----------------------------------------------------------------------------

    def answer(
        self, http_method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> Answer:
        """Answer one request, changing the account as Pushwoosh would."""
        arrived = self._clock()
        method = _method_name(http_method, path)
        document = _parse(body)
        fault = self._next_fault(method)
        answer = self._faulted_before(fault) if fault and fault.when is When.BEFORE else None
        if answer is None:
            answer = self._process(http_method, path, method, headers, document)
            if fault is not None:
                answer = _faulted_after(fault, answer)
        delay = self.latency + (fault.seconds if fault and fault.kind == "latency" else 0.0)
        answer = attrs.evolve(answer, delay=delay)
        lowered = {k.lower(): v for k, v in headers.items()}
        self.calls.append(
            RecordedCall(
                method,
                http_method,
                path,
                lowered,
                document,
                answer.status,
                fault.kind if fault else None,
                arrived,
            )
        )
        if self._record_limit is not None and len(self.calls) > 2 * self._record_limit:
            del self.calls[: -self._record_limit]  # trimmed in batches: amortised O(1)
        return answer

    def _next_fault(self, method: str) -> Fault | None:
        for key in (method, None):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        if self.fail_rate and self._random.random() < self.fail_rate:
            return Fault.http_error(503)
        return None

    @staticmethod
    def _faulted_before(fault: Fault) -> Answer | None:
        if fault.kind == "http":
            headers = {"Content-Type": fault.content_type}
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
            if fault.location is not None:
                headers["Location"] = fault.location
            return Answer(fault.status, fault.body, headers)
        if fault.kind == "reset":
            return Answer(0, b"", drop="reset")
        return None

    def _process(
        self, http_method: str, path: str, method: str, headers: Mapping[str, str], document: Any
    ) -> Answer:
        endpoint, path_args, known = find(http_method, path)
        try:
            if endpoint is None:
                raise (
                    Refusal(405, "Method not allowed", 405)
                    if known
                    else Refusal(404, "Not found", 404)
                )
            request = _request_object(endpoint, document, path_args)
            self._authenticate(endpoint, headers, request)
            self._count(method)
            try:
                data = HANDLERS[method](Request(self.state, request, self._new_id, path_args))
            except (TypeError, ValueError, AttributeError) as exc:
                # A field of the wrong type: Pushwoosh answers with an argument error.
                raise Refusal(210, f"Invalid request arguments ({type(exc).__name__})") from exc
            body = codec.reply_body(endpoint.family, data)
        except Refusal as refusal:
            headers_out = {"Content-Type": "application/json"}
            if refusal.status_code == 429:
                headers_out["Retry-After"] = str(math.ceil(self._retry_after(method)))
            family = endpoint.family if endpoint is not None else _family(path)
            body = codec.error_body(
                family, refusal.status_code, refusal.message, refusal.http_status
            )
            return Answer(refusal.http_status, body, headers_out)
        return Answer(200, body, {"Content-Type": "application/json"})

    def _authenticate(
        self, endpoint: Endpoint, headers: Mapping[str, str], request: dict[str, Any]
    ) -> None:
        """Check the token the endpoint's family asks for, where it asks for it."""
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        in_envelope = endpoint.family.errors is ErrorShape.ENVELOPE
        expected = self.device_token if endpoint.token is TokenKind.DEVICE else self.api_token
        rule = endpoint.auth
        if rule.where is AuthPlacement.HEADER:
            if authorization != f"{rule.scheme} {expected}":
                raise Refusal(401, "Unauthorized", http_status=401)
        else:
            token = request.get("auth")
            if not token:
                raise (
                    Refusal(210, "API token or application is not set")
                    if in_envelope
                    else Refusal(401, "Unauthorized", http_status=401)
                )
            if token != expected:
                raise Refusal(401, "Unauthorized", http_status=401)
        if endpoint.token is TokenKind.SERVER and endpoint.name in self.restricted_methods:
            status = 200 if in_envelope else 403
            raise Refusal(403, "Token restrictions forbid this operation", status)

    def _count(self, method: str) -> None:
        limit = self._limits.get(method)
        if limit is None:
            return
        max_calls, period = limit
        now = self._clock()
        recent = self._recent[method]
        while recent and recent[0] <= now - period:
            recent.popleft()
        if len(recent) >= max_calls:
            raise Refusal(429, "Too many requests", http_status=429)
        recent.append(now)

    def _retry_after(self, method: str) -> float:
        recent = self._recent[method]
        _, period = self._limits[method]
        return max(1.0, recent[0] + period - self._clock()) if recent else 1.0

    def _new_id(self) -> str:
        return next(self._ids)


def _method_name(http_method: str, path: str) -> str:
    """The method's catalogue name (``exportSegment/result``); the last path segment if unknown."""
    endpoint, _, _ = find(http_method, path)
    return endpoint.name if endpoint else path.rstrip("/").rsplit("/", 1)[-1]


def _family(path: str) -> Family | None:
    try:
        return family_of(path)
    except LookupError:
        return None


def _request_object(
    endpoint: Endpoint, document: Any, path_args: Mapping[str, str]
) -> dict[str, Any]:
    """The request's fields: unwrapped from ``{"request": ...}`` where the family wraps them."""
    if endpoint.http_method == "GET":
        return dict(path_args)
    request = codec.request_object(endpoint.family, document)
    if request is None:
        message = "Bad request" if endpoint.family.wrapped else "invalid request"
        raise Refusal(400, message, http_status=400)
    return request


def _faulted_after(fault: Fault, answer: Answer) -> Answer:
    if fault.kind in ("reset", "timeout"):
        return attrs.evolve(answer, drop=fault.kind)
    if fault.kind == "truncated":
        return attrs.evolve(answer, body=answer.body[: len(answer.body) // 2])
    if fault.kind == "empty":
        return attrs.evolve(answer, body=b"")
    return answer


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


class _Transport(httpx.AsyncBaseTransport):
    """The fake as an httpx transport: dropped connections and timeouts become httpx errors."""

    def __init__(self, fake: FakePushwoosh) -> None:
        self._fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if str(request.url).startswith(EXPORT_HOST + "/"):
            return self._export_file(request)
        body = await request.aread()
        answer = self._fake.answer(request.method, request.url.path, request.headers, body)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        if answer.drop == "reset":
            raise httpx.ReadError("connection reset by peer (FakePushwoosh)", request=request)
        if answer.drop == "timeout":
            raise httpx.ReadTimeout("no reply (FakePushwoosh)", request=request)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    def _export_file(self, request: httpx.Request) -> httpx.Response:
        """Serve an export archive from the export host, streamed from its file."""
        exports = self._fake.exports
        path = exports.path(request.url.path.rsplit("/", 1)[-1])
        status = 200 if path is not None and request.method == "GET" else 404
        exports.record(request.method, str(request.url), request.headers, status)
        if path is None or status != 200:
            return httpx.Response(status, content=b"no such export file")
        headers = {"Content-Type": "application/zip", "Content-Length": str(path.stat().st_size)}
        return httpx.Response(200, headers=headers, stream=_FileStream(path))


class _FileStream(httpx.AsyncByteStream):
    def __init__(self, path: Path) -> None:
        self._path = path

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with self._path.open("rb") as file:
            while chunk := file.read(256 * 1024):
                yield chunk
