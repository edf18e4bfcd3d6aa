"""OpenTelemetry tracing: one client span per call (``pip install 'pushwoosh-async[otel]'``).

::

    from pushwoosh_async.otel import OpenTelemetryObserver

    PushwooshClient(api_token="...", observers=[OpenTelemetryObserver()])

Each call becomes a span named ``pushwoosh <method>`` (kind ``CLIENT``), a child of the span
that was current when the call was made, with the attributes ``pushwoosh.method``,
``pushwoosh.attempts``, ``http.status_code`` (when a reply came), ``pushwoosh.status_code``
(Pushwoosh's code for a refusal) and, on failure, ``error.type`` and an error status. Each
attempt is a span event (``pushwoosh.attempt``) at the moment it ended. Nothing else: no token,
no payload, no reply. The span is recorded when the call ends, from the :class:`CallEvent`
(start time set back by its elapsed time), so it is not the current span *during* the call.
"""

from __future__ import annotations

import time
from typing import Any

try:
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError as exc:  # pragma: no cover (the extra is missing)
    msg = "pushwoosh_async.otel needs OpenTelemetry: pip install 'pushwoosh-async[otel]'"
    raise ImportError(msg) from exc

from pushwoosh_async._version import __version__
from pushwoosh_async.observe import OK, CallEvent, Event

__all__ = ["OpenTelemetryObserver"]


class OpenTelemetryObserver:
    """An observer that records a span per call; ``tracer_provider`` defaults to the global."""

    __slots__ = ("_tracer",)

    def __init__(self, tracer_provider: trace.TracerProvider | None = None) -> None:
        self._tracer = trace.get_tracer(
            "pushwoosh_async", __version__, tracer_provider=tracer_provider
        )

    def __repr__(self) -> str:
        return "OpenTelemetryObserver()"

    def __call__(self, event: Event) -> None:
        """Record ``event`` if it is a call's (attempts come inside it)."""
        if not isinstance(event, CallEvent):
            return
        now_ns, clock = time.time_ns(), time.perf_counter()
        attributes: dict[str, Any] = {
            "pushwoosh.method": event.method,
            "pushwoosh.attempts": event.attempts,
        }
        if event.http_status is not None:
            attributes["http.status_code"] = event.http_status
        if event.status_code is not None:
            attributes["pushwoosh.status_code"] = event.status_code
        if event.outcome != OK:
            attributes["error.type"] = event.outcome
        span = self._tracer.start_span(
            f"pushwoosh {event.method}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            start_time=now_ns - int(event.elapsed * 1e9),
        )
        for attempt in event.attempt_events:
            details: dict[str, Any] = {
                "pushwoosh.attempt": attempt.attempt,
                "pushwoosh.outcome": attempt.outcome,
            }
            if attempt.http_status is not None:
                details["http.status_code"] = attempt.http_status
            ended_ns = now_ns - int((clock - attempt.finished) * 1e9)
            span.add_event("pushwoosh.attempt", details, timestamp=ended_ns)
        if event.outcome != OK:
            span.set_status(Status(StatusCode.ERROR, event.outcome))
        span.end(end_time=now_ns)
