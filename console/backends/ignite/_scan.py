"""A scan of one cache, read a page at a time, that never passes off a part as the whole.

The node that opened a scan holds its cursor; the cursor cannot move to
another node. If that node goes away mid-scan the scan stops with an error
naming the node and how many entries came before: the operator keeps those
and is told they are a part, never a silently shorter (or, restarted on
another node, doubled) list.
"""

from __future__ import annotations

import itertools
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from pyignite import Client

from console.backends.ignite._models import Entry
from console.errors import ConsoleError, NotFound, Unavailable

if TYPE_CHECKING:
    from console.backends.ignite._client import IgniteClient


class CacheScan:
    """Every entry of a cache, page by page; close it (or use ``with``) to free the cursor.

    Use from one thread at a time (the pane's worker or the CLI).
    """

    def __init__(self, client: IgniteClient, cache: str, page_size: int) -> None:
        if page_size <= 0:
            raise ValueError("page_size must be positive")
        self.client = client
        self.cache = cache
        self.page_size = page_size
        self.read = 0
        """Entries handed out so far."""
        self.done = False
        """Every entry was read (or the scan was closed)."""
        self.node: str | None = None
        """The node holding the cursor."""
        self._cursor: Any = None

    def __enter__(self) -> CacheScan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Any:
        """Every remaining entry, one page in memory at a time."""
        while page := self.next_page():
            yield from page

    def next_page(self) -> list[Entry]:
        """Return the next page (``[]`` once every entry was read).

        Raises:
            NotFound: the cache does not exist.
            Unavailable: the node holding the scan went away; the message names it
                and says how many entries were read before.
        """
        if self.done:
            return []
        try:
            rows = self.client.call(f"scan {self.cache}", self._take, retry=self._cursor is None)
        except ConsoleError as exc:
            if self.read and not isinstance(exc, NotFound):
                self.done = True
                raise Unavailable(
                    f"the scan of {self.cache} stopped after {self.read:,} entries: "
                    f"{exc.message}. Those entries are only part of the cache; scan again "
                    "to read it from a live node.",
                    profile=exc.profile, operation=exc.operation) from exc
            raise
        self.read += len(rows)
        if len(rows) < self.page_size:
            self.done = True
            self._cursor = None
        return [Entry(k, v) for k, v in rows]

    def _take(self, client: Client) -> list[tuple[Any, Any]]:
        if self._cursor is None:
            self._cursor = self.client.cache(client, self.cache).scan(page_size=self.page_size)
            self.node = self.client.answered_by
        return list(itertools.islice(self._cursor, self.page_size))

    def close(self) -> None:
        """Free the cursor on its node, if it still holds one."""
        cursor, self._cursor = self._cursor, None
        self.done = True
        if cursor is not None:
            with suppress(ConsoleError):
                self.client.call("close scan", lambda _: cursor.close(), retry=False)
