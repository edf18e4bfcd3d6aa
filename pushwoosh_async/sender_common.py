"""What both senders share: headers, the closed error, deadlines, and a download's rules.

A download's rules: its headers, which statuses pass, and the size bound while streaming.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import IO, Final
from urllib.parse import urlsplit

from pushwoosh_async.errors import ArchiveError, ClientClosedError, DownloadFailed, DownloadTooLarge

__all__ = [
    "DOWNLOAD_HEADERS",
    "JSON_HEADERS",
    "MAX_REPLY_BYTES",
    "BoundedSink",
    "check_download",
    "closed_error",
    "remaining",
]

MAX_REPLY_BYTES: Final = 16 * 1024 * 1024
"""The default bound on a reply: Pushwoosh's replies are kilobytes (an export result is a link,
not the file), so 16 MiB is far above any real one and far below what a worker would notice."""

JSON_HEADERS: Final = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
}

DOWNLOAD_HEADERS: Final = {"Accept": "*/*", "Accept-Encoding": "identity"}
"""A download's only headers (with the User-Agent): no token, no cookie, and the body as stored,
never compressed on the way (a ZIP is compressed already; nothing is decoded behind the bound)."""


def closed_error(method: str) -> ClientClosedError:
    """What a call (or download) on a closed sender raises."""
    return ClientClosedError(f"{method}: the client is closed; no request was sent")


def remaining(limit: float | None, deadline: float | None) -> float | None:
    """``limit`` shortened to what is left before ``deadline`` (at least 0), on the loop's clock."""
    if deadline is None:
        return limit
    left = max(0.0, deadline - asyncio.get_running_loop().time())
    return left if limit is None else min(limit, left)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else "?"


def check_download(
    url: str, status: int, headers: Mapping[str, str], length: int | None, max_bytes: int
) -> None:
    """Refuse a download's reply before its body is read: not 200, encoded, or too large."""
    if status != 200:
        location = headers.get("Location") if 300 <= status < 400 else None
        where = f", a redirect to {_origin(location)} (not followed)" if location else ""
        raise DownloadFailed(
            f"{_origin(url)} answered HTTP {status}{where}", "download", status=status
        )
    encoding = headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        msg = f"the download came with Content-Encoding {encoding!r}, not the identity asked for"
        raise ArchiveError(msg)
    if length is not None and length > max_bytes:
        msg = f"the download is {length:,} bytes (Content-Length), over max_bytes {max_bytes:,}"
        raise DownloadTooLarge(msg)


class BoundedSink:
    """Writes a download's chunks to ``sink``, refusing the one that passes ``max_bytes``."""

    __slots__ = ("_max_bytes", "_sink", "written")

    def __init__(self, sink: IO[bytes], max_bytes: int) -> None:
        self._sink = sink
        self._max_bytes = max_bytes
        self.written = 0

    def write(self, chunk: bytes) -> None:
        """Write one chunk; ``DownloadTooLarge`` (nothing of it written) past the bound."""
        self.written += len(chunk)
        if self.written > self._max_bytes:
            msg = f"the download passed {self._max_bytes:,} bytes (max_bytes); aborted"
            raise DownloadTooLarge(msg)
        self._sink.write(chunk)
