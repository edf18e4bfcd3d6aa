"""Events for metrics and tracing: one per attempt and one per call, to your observers.

::

    def record(event: AttemptEvent | CallEvent) -> None:
        if isinstance(event, CallEvent):
            histogram.observe(event.elapsed, method=event.method, outcome=event.outcome)

    PushwooshClient(api_token="...", observers=[record])

An event holds the method, the outcome, the HTTP status, the attempt number and the elapsed
seconds: never a token, a payload, a reply body or a server message (which may quote the
request). :class:`AttemptEvent` is emitted by ``steps.Attempts``, from the measurement it already
takes for its log line; :class:`CallEvent` by :class:`Observe`, the outermost step, which the
client adds only when there are observers: without any, nothing here runs.

Observers are plain functions, called synchronously in the task that made the call, in the order
given; an exception from one is logged once (with its traceback, then no more for that observer)
and never reaches the call.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import time
from collections.abc import Callable, Sequence
from typing import Final, TypeAlias

import attrs

from pushwoosh_async.errors import APIError, ConfigurationError
from pushwoosh_async.pipeline import Call, Next, Reply

__all__ = ["AttemptEvent", "CallEvent", "Event", "Observe", "Observer", "Observers", "outcome_of"]

logger = logging.getLogger("pushwoosh_async")

OK: Final = "ok"
"""The outcome of an attempt or call that returned a reply."""


@attrs.frozen
class AttemptEvent:
    """One request's fate: emitted when the reply is decoded or the attempt has failed."""

    method: str
    """The wire method name, e.g. ``createMessage``."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    outcome: str
    """``"ok"``, or the exception's class name (``"ServerError"``, ``"ConnectError"``, ...)."""
    http_status: int | None
    """The reply's HTTP status; ``None`` when no reply came (a connection error, a timeout)."""
    status_code: int | None
    """Pushwoosh's own status code of a refusal (``210``, ``400``...); ``None`` otherwise."""
    elapsed: float
    """Seconds from handing the request to the sender to the decoded reply or the error."""
    finished: float
    """``time.perf_counter()`` when it ended: places the attempt within its call."""


@attrs.frozen
class CallEvent:
    """One ``await pw(command)``: emitted once it has returned or raised, after every retry."""

    method: str
    outcome: str
    """``"ok"``, or the class name of the exception the call raised."""
    http_status: int | None
    """The HTTP status of the reply the call ended with; ``None`` when it ended without one."""
    status_code: int | None
    """Pushwoosh's status code, when the call ended with a refusal."""
    elapsed: float
    """Seconds for the whole call: your steps, rate-limiter waits, attempts and back-off."""
    attempt_events: tuple[AttemptEvent, ...] = ()
    """The call's attempts, in order (none if it failed before sending, e.g. ``Throttled``)."""

    @property
    def attempts(self) -> int:
        """How many requests the call made."""
        return len(self.attempt_events)


Event: TypeAlias = AttemptEvent | CallEvent
"""What an observer receives."""
Observer: TypeAlias = Callable[[Event], object]
"""A function that receives every event; what it returns is ignored."""


def outcome_of(error: BaseException | None) -> tuple[str, int | None, int | None]:
    """``(outcome, http_status, status_code)`` of an exception (``None``: a success)."""
    if error is None:
        return OK, None, None
    if isinstance(error, APIError):
        return type(error).__name__, error.http_status, error.status_code
    return type(error).__name__, None, None


class Observers:
    """The client's observers: hands each event to every one; a failing one is logged once."""

    __slots__ = ("_complained", "_observers")

    def __init__(self, observers: Sequence[Observer]) -> None:
        for observer in observers:
            if inspect.iscoroutinefunction(observer) or inspect.iscoroutinefunction(
                getattr(observer, "__call__", None)  # noqa: B004 (a class with async __call__)
            ):
                msg = (
                    f"observers are called synchronously; {observer!r} is a coroutine function "
                    "(hand the event to a queue or a task of your own instead)"
                )
                raise ConfigurationError(msg)
        self._observers = tuple(observers)
        self._complained: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self._observers)

    def emit(self, event: Event) -> None:
        """Give ``event`` to every observer; their exceptions never reach the call."""
        for index, observer in enumerate(self._observers):
            try:
                observer(event)
            except Exception as error:  # noqa: BLE001, PERF203 (whatever it raises; try is free)
                self._complain(index, observer, event, error)

    def _complain(self, index: int, observer: Observer, event: Event, error: Exception) -> None:
        if index not in self._complained:
            self._complained.add(index)
            logger.error(
                "observer %r raised on a %s; calls go on (this is logged once per observer)",
                observer,
                type(event).__name__,
                exc_info=error,
            )

    def attempt(
        self, call: Call, error: BaseException | None, reply: Reply | None, started: float
    ) -> float:
        """Emit the attempt's event, add it to its call's record; return the elapsed seconds.

        ``Attempts`` calls it with the ``time.perf_counter()`` its attempt started at.
        """
        finished = time.perf_counter()
        elapsed = finished - started
        if reply is not None:
            event = AttemptEvent(
                call.method, call.attempt, OK, reply.http_status, None, elapsed, finished
            )
        else:
            outcome, http_status, status_code = outcome_of(error)
            event = AttemptEvent(
                call.method, call.attempt, outcome, http_status, status_code, elapsed, finished
            )
        record = _CURRENT.get()
        if record is not None:
            record.append(event)
        self.emit(event)
        return elapsed


_CURRENT: Final[contextvars.ContextVar[list[AttemptEvent] | None]] = contextvars.ContextVar(
    "pushwoosh_async_attempts", default=None
)
"""The attempts of the call the current task is making (set by :class:`Observe`)."""


class Observe:
    """The outermost step when there are observers: one :class:`CallEvent` per call."""

    __slots__ = ("_observers",)

    def __init__(self, observers: Observers) -> None:
        self._observers = observers

    def __repr__(self) -> str:
        return "Observe()"

    async def __call__(self, call: Call, next_: Next) -> Reply:
        """Run the call, collecting its attempts, then emit its event."""
        attempts: list[AttemptEvent] = []
        token = _CURRENT.set(attempts)
        started = time.perf_counter()
        try:
            reply = await next_(call)
        except BaseException as error:  # a cancelled call is reported too, as CancelledError
            elapsed = time.perf_counter() - started
            _CURRENT.reset(token)
            outcome, http_status, status_code = outcome_of(error)
            self._observers.emit(
                CallEvent(call.method, outcome, http_status, status_code, elapsed, tuple(attempts))
            )
            raise
        elapsed = time.perf_counter() - started
        _CURRENT.reset(token)
        self._observers.emit(
            CallEvent(call.method, OK, reply.http_status, None, elapsed, tuple(attempts))
        )
        return reply
