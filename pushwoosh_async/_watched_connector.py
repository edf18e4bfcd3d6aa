"""aiohttp's connector, told which request each connection serves (for :mod:`.watchdog`).

Imported by the aiohttp sender when it opens its session (aiohttp is imported lazily). Two
methods are wrapped, both with aiohttp's own arguments passed through untouched:

* ``connect`` (every request, reused connection or new): the request first takes one of the
  sender's connection slots, queueing for it if all are taken (``slots.Slots.hold``), then the
  connection is attached to its :class:`~pushwoosh_async.watchdog.Watch`, so that the watchdog
  can abort it; a request that expired before it got one is aborted at once;
* ``_create_connection`` (new connections only): the read clock pauses while connecting, and the
  call's deadline, if any, bounds the connecting too.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from pushwoosh_async.slots import Slots
from pushwoosh_async.watchdog import Watchdog

__all__ = ["WatchedConnector"]


class WatchedConnector(aiohttp.TCPConnector):
    """A ``TCPConnector`` that reports each request's connection to a :class:`Watchdog`."""

    def __init__(
        self, watchdog: Watchdog, slots: Slots, pool: float | None, **options: Any
    ) -> None:
        super().__init__(**options)
        self._watchdog = watchdog
        self._slots = slots
        self._pool = pool

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        """Take the request's slot, run aiohttp's ``connect``, attach the connection to it.

        A download (no watch) took its slot before asking aiohttp for the connection.
        """
        watch = self._watchdog.current()
        if watch is not None and not watch.holds_slot and not self._slots.claim(watch):
            await self._slots.hold(watch, self._pool)  # all taken: queue (a free one: no coroutine)
        connection = await super().connect(*args, **kwargs)
        if watch is not None:
            watch.connection = connection
            if watch.expired is not None:
                watch.abort(watch.expired)
        return connection

    async def _create_connection(self, *args: Any, **kwargs: Any) -> Any:
        watch = self._watchdog.current()
        made = super()._create_connection(*args, **kwargs)
        if watch is None:
            return await made
        return await watch.connecting(self._watchdog, made)
