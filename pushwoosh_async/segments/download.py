"""Which links an export may be downloaded from, and what can download them.

The link ``exportSegment/result`` answers is not a Pushwoosh API host (a file store's), so the
download carries no credential at all (the senders' ``download`` sends a plain GET with neither
token nor cookie, and follows no redirect). The link itself is checked first: ``https://``, or
``http://`` only to a loopback host (a fake or a local test server); any other scheme, plain
http elsewhere, or a user name or password in the URL is an ``UnsafeDownloadURL`` before any
connection is made. Errors name only the link's scheme and host, never its path or query (a
signed link's query is a credential too).
"""

from __future__ import annotations

import ipaddress
from typing import IO, Protocol, runtime_checkable
from urllib.parse import urlsplit

from pushwoosh_async.errors import UnsafeDownloadURL

__all__ = ["Downloader", "check_url", "is_loopback"]


@runtime_checkable
class Downloader(Protocol):
    """What downloads an export: both built-in senders (``AiohttpSender``, ``HttpxSender``)."""

    async def download(
        self,
        url: str,
        sink: IO[bytes],
        *,
        max_bytes: int,
        timeout: float | None = None,
    ) -> int:
        """GET ``url`` into ``sink``, at most ``max_bytes``; return the bytes written."""
        ...


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or an address in 127.0.0.0/8 or ``::1``."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """``url`` if it may be downloaded from; ``UnsafeDownloadURL`` (nothing sent) otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        credentials = parts.username is not None or parts.password is not None
    except ValueError:  # a malformed port or bracket
        msg = "the export's link is not a valid URL"
        raise UnsafeDownloadURL(msg) from None
    scheme = parts.scheme.lower()
    shown = f"{scheme}://{host}" if scheme else repr(url[:40])
    if not host:
        msg = f"the export's link {shown} names no host"
    elif credentials:
        msg = f"the export's link {shown} carries a user name or password: refused"
    elif scheme == "https" or (scheme == "http" and is_loopback(host)):
        return url
    else:
        msg = (
            f"refusing to download the export from {shown}: only https://, or http:// to a "
            "loopback host, is allowed"
        )
    raise UnsafeDownloadURL(msg)
