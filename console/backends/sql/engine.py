"""The seam between the SQL editor and the databases it runs SQL on: ``SqlEngine``.

The editor knows nothing of PostgreSQL, Ignite or CrateDB. It asks an engine
for the places SQL can run in (``targets``: PostgreSQL's databases, a cluster's
schemas), opens a ``SqlSession`` on one, runs statements that stream their rows
page by page (``SqlRun``), cancels the one in flight, and reads the ``catalog``
for completion. Every call blocks: the UI makes them from thread workers.

An engine reports its columns' types in PostgreSQL's spelling (``bigint``,
``double precision``, ``boolean``, ``text``, ``timestamp with time zone``…) so
that one grid shows every engine's results alike; anything else is shown as text.

Adding an engine means implementing these three protocols in its backend and
naming it in ``console.clients.Clients.engines``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from console.backends.sql._models import ResultColumn, Statement

__all__ = [
    "Catalog",
    "ResultColumn",
    "SqlEngine",
    "SqlRun",
    "SqlSession",
    "Statement",
    "Target",
]

Catalog = dict[str, dict[str, list[str]]]
"""Schema → relation → column names, in table order; what completion reads."""


@dataclass(frozen=True)
class Target:
    """One place SQL can run: an engine and, within it, a database or schema."""

    engine: str
    """The engine's ``name`` (``postgres``, ``ignite``, ``cratedb``)."""
    name: str
    """The database (PostgreSQL) or schema (Ignite, CrateDB) statements run in."""

    @property
    def label(self) -> str:
        """How pickers and status lines show it: ``mydb`` or ``ignite:PUBLIC``."""
        return self.name if self.engine == "postgres" else f"{self.engine}:{self.name}"


@runtime_checkable
class SqlRun(Protocol):
    """A statement that ran: its status, and its rows if it returns some.

    ``cancel()`` may be called from any thread; everything else belongs to the
    thread that runs it.
    """

    columns: list[ResultColumn]
    """Result columns (empty for a statement without rows)."""
    first_rows: list[tuple[Any, ...]]
    """The rows read with the statement, up to the ``batch`` asked for."""
    has_rows: bool
    exhausted: bool
    """No more rows will come."""
    rowcount: int
    """Rows affected, or rows fetched so far for a streamed result."""
    status: str
    """What the server said, e.g. ``INSERT 0 3`` or ``3 rows affected``."""
    elapsed: float
    """Seconds from sending the statement to its first answer."""

    def fetch(self, n: int) -> list[tuple[Any, ...]]:
        """Read up to ``n`` more rows (``[]`` once exhausted).

        Raises:
            ConsoleError: the server failed; ``Cancelled`` when ``cancel()`` stopped it.
        """
        ...

    def cancel(self) -> None:
        """Ask the server to stop the statement or fetch in flight."""
        ...

    def close(self) -> None:
        """Release what the run holds (its cursor, its connection)."""
        ...


@runtime_checkable
class SqlSession(Protocol):
    """Statements on one target, one at a time, in order (``SET`` lasts, as in psql)."""

    @property
    def in_transaction(self) -> bool:
        """Whether the operator's transaction block is open."""
        ...

    def end_transaction(self, *, commit: bool) -> str:
        """Commit or roll back the open block; return the server's status (``""``: none)."""
        ...

    def run(
        self,
        sql: str,
        *,
        params: Sequence[Any] | None = None,
        batch: int = 500,
        on_start: Callable[[SqlRun], None] | None = None,
    ) -> SqlRun:
        """Run one statement and read its first ``batch`` rows.

        ``on_start`` gets the run before it is sent, so another thread can cancel it.

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            BadQuery: the server refused the statement (``position`` when it said where).
            ConsoleError: any other failure, in the console's error tree.
        """
        ...

    def close(self) -> None:
        """End the current run, roll back an open block, give the connection back."""
        ...


@runtime_checkable
class SqlEngine(Protocol):
    """A database family the SQL editor can run statements on."""

    name: str
    """Short id: ``postgres``, ``ignite``, ``cratedb``."""
    title: str
    """What the operator reads: ``PostgreSQL``, ``Apache Ignite``, ``CrateDB``."""

    def targets(self) -> list[Target]:
        """List where statements can run (databases or schemas), for the picker."""
        ...

    def default_target(self) -> Target:
        """The target the editor starts on."""
        ...

    def session(self, target: Target) -> SqlSession:
        """Open a session on ``target``."""
        ...

    def catalog(self, target: Target) -> Catalog:
        """Read schemas, relations and columns for completion."""
        ...

    # Optional: ``filter_rows(sql, text) -> (sql, params)`` wraps a query so the server
    # keeps only rows whose text holds ``text``; the editor's ``/`` uses it when present.


class WithoutTransactions:
    """The session side of an engine with no transaction blocks (Ignite's thin client,
    CrateDB): none is ever open, so nothing is left to commit or roll back on leaving."""

    @property
    def in_transaction(self) -> bool:
        """Always ``False``."""
        return False

    def end_transaction(self, *, commit: bool) -> str:
        """Nothing to end: no block is ever open."""
        return ""
