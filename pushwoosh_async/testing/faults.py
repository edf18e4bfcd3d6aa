"""Faults the fake can inject, per method or globally, to test what a client does when things fail.

A fault that fires *before* processing leaves the account unchanged (the request never arrived);
one that fires *after* processing leaves it changed and loses the reply, as a real lost response
would. That is what makes duplicate-send bugs visible: a client that retries a lost
``createMessage`` without its ``transactionId`` creates a second message in ``fake.state``.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Fault", "When"]


class When(enum.Enum):
    """Whether a fault hits before or after the fake processes the request."""

    BEFORE = "before"
    AFTER = "after"


@attrs.frozen(kw_only=True)
class Fault:
    """One injected failure. Build it with the class methods."""

    kind: str
    when: When = When.BEFORE
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    retry_after: float | None = None
    seconds: float = 0.0
    location: str | None = None

    @classmethod
    def latency(cls, seconds: float) -> Fault:
        """Answer normally, ``seconds`` late."""
        return cls(kind="latency", seconds=seconds)

    @classmethod
    def http_error(cls, status: int = 503, body: bytes | None = None) -> Fault:
        """An HTTP error before processing, with a JSON envelope unless ``body`` is given."""
        default = b'{"status_code":%d,"status_message":"Internal error","response":null}' % status
        return cls(kind="http", status=status, body=default if body is None else body)

    @classmethod
    def rate_limited(cls, retry_after: float = 1.0) -> Fault:
        """HTTP 429 with ``Retry-After``, before processing."""
        body = b'{"status_code":429,"status_message":"Too many requests","response":null}'
        return cls(kind="http", status=429, body=body, retry_after=retry_after)

    @classmethod
    def html_page(cls, status: int = 502) -> Fault:
        """A proxy's HTML error page, before processing."""
        body = b"<html>\r\n<head><title>%d Bad Gateway</title></head>\r\n</html>\r\n" % status
        return cls(kind="http", status=status, body=body, content_type="text/html")

    @classmethod
    def redirect(cls, location: str, status: int = 307) -> Fault:
        """A redirect to ``location`` before processing (a client must not follow it)."""
        return cls(kind="http", status=status, location=location)

    @classmethod
    def oversized(cls, size: int) -> Fault:
        """A well-formed v1.3 success of ``size`` bytes or more, before processing."""
        padding = b"x" * max(0, size)
        body = b'{"status_code":200,"status_message":"OK","response":{"pad":"%s"}}' % padding
        return cls(kind="http", status=200, body=body)

    @classmethod
    def reset(cls, when: When = When.BEFORE) -> Fault:
        """The connection drops: before processing (nothing happened) or after (reply lost)."""
        return cls(kind="reset", when=when)

    @classmethod
    def timeout(cls) -> Fault:
        """The request is processed but the reply never comes (a read timeout for the client)."""
        return cls(kind="timeout", when=When.AFTER)

    @classmethod
    def truncated(cls) -> Fault:
        """Processed, then the JSON reply is cut in half (HTTP 200)."""
        return cls(kind="truncated", when=When.AFTER)

    @classmethod
    def empty(cls) -> Fault:
        """Processed, then an empty body with HTTP 200."""
        return cls(kind="empty", when=When.AFTER)
