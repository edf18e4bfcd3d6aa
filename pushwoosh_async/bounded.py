"""A reply body read with a bound on its decoded size, for both senders.

The HTTP libraries' own decompression is off: gzip and deflate are inflated here, at most
:data:`CHUNK` bytes of output per step, so a compression bomb counts at its real size and is
refused before it fills memory.
"""

from __future__ import annotations

import zlib
from typing import Final

from pushwoosh_async.errors import ReplyTooLarge

__all__ = ["CHUNK", "BoundedBody"]

CHUNK: Final = 64 * 1024
"""The most a sender reads, and a decompressor inflates, in one step."""


class BoundedBody:
    """Collects a reply body, decompressing gzip/deflate itself, and refuses past ``limit``."""

    __slots__ = ("_chunks", "_decoder", "_limit", "_method", "_size", "_status")

    def __init__(self, limit: int, encoding: str, method: str, status: int) -> None:
        self._limit = limit
        self._method = method
        self._status = status
        self._chunks: list[bytes] = []
        self._size = 0
        encoding = encoding.strip().lower()
        # wbits 47: zlib or gzip, detected from the header (servers label deflate loosely).
        compressed = encoding in ("gzip", "x-gzip", "deflate")
        self._decoder = zlib.decompressobj(47) if compressed else None

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            self._chunks.clear()
            raise ReplyTooLarge(self._method, self._limit, self._status)
        self._chunks.append(data)

    def feed(self, raw: bytes) -> None:
        """Add one chunk as it came off the wire."""
        if self._decoder is None:
            self._keep(raw)
            return
        while raw:
            try:  # at most CHUNK of output per step: a bomb never inflates in one piece
                data = self._decoder.decompress(raw, CHUNK)
            except zlib.error:
                # Not what the header says: keep the raw bytes (decoding fails later, typed).
                self._decoder = None
                self._keep(raw)
                return
            self._keep(data)
            raw = self._decoder.unconsumed_tail

    def result(self) -> bytes:
        """The whole (decoded) body."""
        if self._decoder is not None:
            self._keep(self._decoder.flush())
        return b"".join(self._chunks)
