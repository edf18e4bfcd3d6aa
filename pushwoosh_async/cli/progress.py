"""A long run's progress (``bulk``, ``segment``) on stderr: a bar redrawn in place, or lines."""

from __future__ import annotations

import sys
import time
from typing import IO

from pushwoosh_async.bulk import BulkProgress

__all__ = ["Progress", "duration"]


def duration(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour on."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Progress on stderr: a one-line bar redrawn in place on a terminal, else periodic lines."""

    def __init__(self, every: float, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._every = 0.1 if self._tty else every
        self._last = -1e9
        self._drawn = False

    def __call__(self, progress: BulkProgress, *, force: bool = False) -> None:
        """Show ``progress``, unless the last update is too recent (``force``: show anyway)."""
        if not force and not self.due():
            return
        done = progress.sent + progress.unknown + progress.failed + progress.unconfirmed
        parts = [f"{done:,}"]
        bar = ""
        if progress.total:
            share = min(1.0, done / progress.total)
            filled = int(share * 24)
            bar = f"[{'#' * filled}{'.' * (24 - filled)}] {share:4.0%} "
            parts[0] += f"/{progress.total:,}"
        parts.append(f"{progress.rate:,.0f}/s")
        if progress.eta is not None:
            parts.append(f"ETA {duration(progress.eta)}")
        if progress.unknown:
            parts.append(f"unknown {progress.unknown:,}")
        if progress.failed or progress.unconfirmed:
            parts.append(f"failed {progress.failed:,} unconfirmed {progress.unconfirmed:,}")
        self.show(bar + "  ".join(parts))

    def due(self) -> bool:
        """Whether the last update is old enough for another."""
        return time.monotonic() - self._last >= self._every

    def show(self, line: str) -> None:
        """Draw ``line`` now: redrawn in place on a terminal, else as a ``progress:`` line."""
        self._last = time.monotonic()
        if self._tty:
            self._stream.write(f"\r{line}\x1b[K")
            self._drawn = True
        else:
            self._stream.write(f"progress: {line}\n")
        self._stream.flush()

    def close(self) -> None:
        """End the bar's line, if one was drawn."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
