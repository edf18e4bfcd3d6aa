"""aiohttp's connector, told which request each connection serves (for :mod:`.watchdog`).

Imported by the aiohttp sender when it opens its session (aiohttp is imported lazily). Two
methods are wrapped, both with aiohttp's own arguments passed through untouched:

* ``connect`` (every request, reused connection or new): the connection is attached to the
  current request's :class:`~pushwoosh_async.watchdog.Watch`, so that the watchdog can abort
  it; a request that expired before it got one is aborted at once;
* ``_create_connection`` (new connections only): the read clock pauses while connecting, and the
  call's deadline, if any, bounds the connecting too.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from pushwoosh_async.watchdog import Watchdog

__all__ = ["WatchedConnector"]


class WatchedConnector(aiohttp.TCPConnector):
    """A ``TCPConnector`` that reports each request's connection to a :class:`Watchdog`."""

    def __init__(self, watchdog: Watchdog, **options: Any) -> None:
        super().__init__(**options)
        self._watchdog = watchdog

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        """Run aiohttp's ``connect``, then attach the connection to the request's watch."""
        connection = await super().connect(*args, **kwargs)
        watch = self._watchdog.current()
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
