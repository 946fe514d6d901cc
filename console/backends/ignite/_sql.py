"""One SQL fields query: column names, then rows page by page, with cancel.

Ignite answers every statement with a cursor: a SELECT's rows, or for DML and
DDL one row holding the count of rows it changed (column ``UPDATED``). The
cursor lives on the node that ran the statement.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from pyignite import Client

from console.backends.sql import split_statements
from console.errors import BadQuery, Cancelled, ConsoleError

if TYPE_CHECKING:
    from console.backends.ignite._client import IgniteClient

READS = ("SELECT", "WITH", "VALUES", "EXPLAIN", "SHOW", "HELP", "TABLE")


def first_word(sql: str) -> str:
    """The statement's first keyword, past comments and brackets."""
    text = sql
    while True:
        text = text.lstrip().lstrip("(").lstrip()
        if text.startswith("--"):
            text = text.partition("\n")[2]
        elif text.startswith("/*"):
            text = text.partition("*/")[2]
        else:
            break
    word = ""
    for char in text:
        if not (char.isalnum() or char == "_"):
            break
        word += char
    return word.upper()


def is_read(sql: str) -> bool:
    """Whether a statement only reads (sent again to another node when one goes away)."""
    return first_word(sql) in READS


class SqlCursor:
    """A statement that ran, and the rows it still has on its node."""

    def __init__(self, client: IgniteClient, sql: str, page_size: int = 1024) -> None:
        self.client = client
        self.sql = sql
        self.page_size = page_size
        self.columns: list[str] = []
        self.first_rows: list[list[Any]] = []
        self.exhausted = False
        self.fetched = 0
        self.elapsed = 0.0
        self.node: str | None = None
        """The node that ran the statement and holds its rows."""
        self.is_read = is_read(sql)
        self._cursor: Any = None
        self._cancelled = threading.Event()

    @classmethod
    def start(cls, client: IgniteClient, sql: str, *, args: Sequence[Any] = (),
              schema: str = "PUBLIC", page_size: int = 1024) -> SqlCursor:
        """Send the statement and read its first page (see ``IgniteClient.sql``)."""
        if len(split_statements(sql)) > 1:
            raise BadQuery("send one statement at a time (Ignite runs one per query)",
                           operation="run SQL")
        run = cls(client, sql, page_size)
        began = time.perf_counter()
        if run.is_read:
            client.call("run SQL", lambda c: run._open(c, args, schema))
        else:
            client.write("sql.write", f"schema {schema}", lambda c: run._open(c, args, schema),
                         retry=False)
        run.elapsed = time.perf_counter() - began
        return run

    def _open(self, client: Client, args: Sequence[Any], schema: str) -> None:
        self._cursor = client.sql(self.sql, page_size=self.page_size, query_args=list(args),
                                  schema=schema, include_field_names=True)
        self.node = self.client.answered_by
        self.columns = [str(name) for name in next(self._cursor)]
        self.first_rows = self._rows(self.page_size)

    def _rows(self, n: int) -> list[list[Any]]:
        rows = list(itertools.islice(self._cursor, n))
        self.fetched += len(rows)
        if len(rows) < n:
            self.exhausted = True
        return rows

    @property
    def rowcount(self) -> int | None:
        """For DML and DDL, the rows the statement changed; ``None`` for a query."""
        if self.columns == ["UPDATED"] and len(self.first_rows) == 1:
            return int(self.first_rows[0][0])
        return None

    def fetch(self, n: int) -> list[list[Any]]:
        """Read up to ``n`` more rows (``[]`` once exhausted).

        Raises:
            Cancelled: ``cancel()`` was called.
            Unavailable: the node holding the rows went away (it is named).
        """
        if self.exhausted or n <= 0:
            return []
        if self._cancelled.is_set():
            self._stop()
        try:
            return self.client.call(f"read rows from {self.node}", lambda _: self._rows(n),
                                    retry=False)
        except ConsoleError as exc:
            if self._cancelled.is_set():
                raise Cancelled("query cancelled", operation="run SQL") from exc
            raise

    def cancel(self) -> None:
        """Stop reading: the next ``fetch`` raises ``Cancelled`` and frees the cursor."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _stop(self) -> None:
        self.close()
        raise Cancelled("query cancelled", operation="run SQL")

    def close(self) -> None:
        """Free the rows still held on the node."""
        cursor, self._cursor = self._cursor, None
        self.exhausted = True
        if cursor is not None:
            with suppress(ConsoleError):
                self.client.call("close query", lambda _: cursor.close(), retry=False)
