"""One client connection's state on a node: its cursors and its SQL connections.

Cursors belong to the connection that opened them, as on a real node: a page
asked for on another connection is answered "Failed to find resource".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from console.sandbox.ignite import objects
from console.sandbox.ignite.sql import SqlSession
from console.sandbox.ignite.store import RESOURCE_DOES_NOT_EXIST, Refused, Store


@dataclass
class Cursor:
    """Rows still to send: ``encode`` turns one row into its bytes on the wire."""

    rows: Iterator[Any]
    encode: Callable[[Any], bytes]
    limit: int = -1
    """Rows left to send (``-1``: no limit), for ``max_rows``."""
    size: int = 1024
    """Rows per page, as the query asked."""
    pending: list[Any] = field(default_factory=list)

    def page(self) -> tuple[int, bytes, bool]:
        """Return the next page's row count, bytes and whether more follow.

        A page is never empty unless it is the last: one row is read ahead.
        """
        size = self.size if self.limit < 0 else min(self.size, self.limit)
        taken, parts = 0, []
        for row in itertools.chain(self.pending, self.rows):
            parts.append(self.encode(row))
            taken += 1
            if taken >= size:
                break
        self.pending = []
        if self.limit >= 0:
            self.limit -= taken
        more = self.limit != 0 and self._peek()
        return taken, b"".join(parts), more

    def _peek(self) -> bool:
        for row in self.rows:
            self.pending = [row]
            return True
        return False


class ClientSession:
    """What a node knows about one connected client."""

    def __init__(self, store: Store, node: int) -> None:
        self.store = store
        self.node = node
        """This node's index in ``store.nodes``."""
        self.sql = SqlSession(store.sql)
        self._cursors: dict[int, Cursor] = {}
        self._ids = itertools.count(1)

    def open(self, cursor: Cursor, page_size: int) -> tuple[int, int, bytes, bool]:
        """Register a cursor, read its first page: id, row count, bytes, more."""
        cursor_id = next(self._ids)
        cursor.size = page_size
        count, data, more = cursor.page()
        if more:  # a node releases a cursor itself once its last page is sent
            self._cursors[cursor_id] = cursor
        return cursor_id, count, data, more

    def next_page(self, cursor_id: int) -> tuple[int, bytes, bool]:
        cursor = self._cursor(cursor_id)
        count, data, more = cursor.page()
        if not more:
            del self._cursors[cursor_id]
        return count, data, more

    def close_cursor(self, cursor_id: int) -> None:
        self._cursor(cursor_id)
        del self._cursors[cursor_id]

    def _cursor(self, cursor_id: int) -> Cursor:
        cursor = self._cursors.get(cursor_id)
        if cursor is None:
            raise Refused(RESOURCE_DOES_NOT_EXIST, f"Failed to find resource with id: {cursor_id}")
        return cursor

    def close(self) -> None:
        self._cursors.clear()
        self.sql.close()


def entry_bytes(entry: tuple[bytes, bytes]) -> bytes:
    """A scanned entry on the wire: key then value, complex objects wrapped."""
    return objects.wrapped(entry[0]) + objects.wrapped(entry[1])


def row_bytes(row: tuple[Any, ...]) -> bytes:
    """An SQL row on the wire: one object per field."""
    return b"".join(objects.write(value) for value in row)


PAGE_LIMIT = 1 << 20
"""The most rows one page may ask for (a node would run out of memory long before)."""


def page_size(value: int) -> int:
    if value <= 0 or value > PAGE_LIMIT:
        raise Refused(1, f"Page size must be positive and at most {PAGE_LIMIT}: {value}")
    return value


__all__ = ["ClientSession", "Cursor", "entry_bytes", "page_size", "row_bytes"]
