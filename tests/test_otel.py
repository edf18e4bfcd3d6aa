"""The OpenTelemetry observer: one client span per call, recorded by the SDK's in-memory
exporter; skipped when the ``otel`` extra (and opentelemetry-sdk) is not installed."""

from __future__ import annotations

import pytest

pytest.importorskip("opentelemetry.trace", reason="the otel extra is not installed")
pytest.importorskip("opentelemetry.sdk", reason="opentelemetry-sdk is not installed")

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode

from pushwoosh_async import GetTags, RetryPolicy
from pushwoosh_async.errors import ArgumentError
from pushwoosh_async.otel import OpenTelemetryObserver
from pushwoosh_async.testing import FakePushwoosh, Fault
from tests.support import API_TOKEN, DEVICE_TOKEN, fake_client

FAST = RetryPolicy(attempts=3, initial_delay=0.001, max_delay=0.002, jitter=0)


@pytest.fixture
def tracing() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


async def test_a_call_is_one_client_span_with_its_attempts(
    fake: FakePushwoosh, tracing: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = tracing
    fake.add_device("hwid-1")
    fake.inject(Fault.http_error(503), method="getTags")
    tracer = provider.get_tracer("app")
    observer = OpenTelemetryObserver(tracer_provider=provider)
    async with fake_client(fake, observers=[observer], retry=FAST) as pw:
        with tracer.start_as_current_span("request handler") as parent:
            await pw(GetTags(hwid="hwid-1"))
    span, handler = exporter.get_finished_spans()
    assert handler.name == "request handler"
    assert span.name == "pushwoosh getTags"
    assert span.kind is SpanKind.CLIENT
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    assert dict(span.attributes or {}) == {
        "pushwoosh.method": "getTags",
        "pushwoosh.attempts": 2,
        "http.status_code": 200,
    }
    assert span.status.status_code is StatusCode.UNSET
    assert [(e.name, dict(e.attributes or {})) for e in span.events] == [
        (
            "pushwoosh.attempt",
            {"pushwoosh.attempt": 1, "pushwoosh.outcome": "ServerError", "http.status_code": 503},
        ),
        (
            "pushwoosh.attempt",
            {"pushwoosh.attempt": 2, "pushwoosh.outcome": "ok", "http.status_code": 200},
        ),
    ]
    assert span.start_time is not None
    assert span.end_time is not None
    assert span.start_time < span.events[0].timestamp < span.events[1].timestamp  # retry waited
    assert span.events[1].timestamp <= span.end_time


async def test_a_failed_call_is_an_error_span_without_secrets(
    fake: FakePushwoosh, tracing: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = tracing
    observer = OpenTelemetryObserver(tracer_provider=provider)
    async with fake_client(fake, observers=[observer]) as pw:
        with pytest.raises(ArgumentError):
            await pw(GetTags(hwid="hwid-secret", application="UNKNO-WNAPP"))
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    attributes = dict(span.attributes or {})
    assert attributes["error.type"] == "ArgumentError"
    assert attributes["pushwoosh.status_code"] == 210
    exported = span.to_json()
    for secret in (API_TOKEN, DEVICE_TOKEN, "hwid-secret", "UNKNO-WNAPP"):
        assert secret not in exported
