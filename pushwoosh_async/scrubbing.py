"""Taking secrets out of what the server echoes, before an error or a log line keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["scrub"]

_SCRUBBED: Final = "***"


def scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    """``value`` (text or a decoded JSON document) with every secret replaced by ``***``."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, _SCRUBBED)
        return value
    if isinstance(value, Mapping):
        return {scrub(k, secrets): scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    return value
