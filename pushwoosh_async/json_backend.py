"""The JSON functions the codec uses: the standard library, and msgspec's parser where installed.

``pip install 'pushwoosh-async[speedups]'`` adds msgspec. It parses a ``getTags`` reply 3.5x as
fast as the standard library, and a reply of 1,000 message codes 1.8x as fast
(``benchmarks/bench_json.py``); orjson was slower on both (2.5x, 1.5x) and turns an integer past
64 bits into a float, a silent change of value, where msgspec keeps it.

Only parsing is handed over, and what is accepted, and what it means, does not change: a body
msgspec refuses (a ``NaN`` literal, say) is parsed again by the standard library, which accepts
exactly what it did before, and both give the same Python values. Encoding stays with the
standard library, because every fast encoder also writes what the client must refuse before
sending: NaN as ``null``, sets as arrays, bytes as base64, dates as text.

``PUSHWOOSH_ASYNC_SPEEDUPS=0`` in the environment (read at import) keeps the standard library
even with msgspec installed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, Final

__all__ = ["BACKEND", "dumps", "loads", "standard_loads"]

_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# What json.loads runs, without its extra passes over the text:
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _compact_dumps() -> Callable[[Any], str]:
    """``_ENCODER.encode`` without its per-call set-up: the C encoder is built once, here.

    ``JSONEncoder.encode`` builds a new C encoder, a closure and a dict for every call. This one
    is built once with the same settings and no circular-reference markers (a shared markers
    dict would be wrong across threads): a cyclic value ends in ``RecursionError`` instead, which
    the codec refuses like any value nested too deep. Where the C encoder is missing (another
    Python), or takes other arguments, ``_ENCODER.encode`` it is.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    try:
        # The C encoder takes its settings positionally (CPython 3.10 to 3.13 agree).
        encode = make(
            None,  # markers: no circular-reference check
            _ENCODER.default,
            json.encoder.encode_basestring,  # ensure_ascii=False
            None,  # indent
            ":",
            ",",
            _ENCODER.sort_keys,
            _ENCODER.skipkeys,
            _ENCODER.allow_nan,
        )
    except TypeError:
        return _ENCODER.encode
    join = "".join

    def dumps(value: Any) -> str:
        return join(encode(value, 0))

    return dumps


dumps: Final[Callable[[Any], str]] = _compact_dumps()
"""Compact JSON text; NaN, infinity or what JSON cannot carry raise ValueError or TypeError."""


def standard_loads(body: bytes) -> Any:
    """The document in ``body``; ``ValueError`` (or ``RecursionError``) if it is not JSON."""
    text = body.decode()  # str input skips json's encoding sniffing
    try:
        document, end = _SCAN(text, 0)
    except StopIteration:  # leading whitespace or not JSON: json.loads tells which
        return json.loads(text)
    return document if end == len(text) else json.loads(text)


def _fast_loads() -> Callable[[bytes], Any] | None:
    if os.environ.get("PUSHWOOSH_ASYNC_SPEEDUPS", "1") == "0":
        return None
    try:
        import msgspec  # noqa: PLC0415 (optional: the speedups extra)
    except ImportError:
        return None
    decode = msgspec.json.Decoder().decode
    refused = msgspec.DecodeError

    def loads(body: bytes) -> Any:
        try:
            return decode(body)
        except refused:
            return standard_loads(body)

    return loads


loads: Final[Callable[[bytes], Any]] = _fast_loads() or standard_loads
"""The document in a reply body; ``ValueError`` (or ``RecursionError``) if it is not JSON."""

BACKEND: Final = "json" if loads is standard_loads else "msgspec"
"""Which library parses replies: ``json`` or ``msgspec``."""
