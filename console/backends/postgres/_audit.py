"""Statements that write, as the profile's audit log records them.

Recorded where the statement is sent or refused, so no pane or command can
leave a write out. A line names the statement's kind (``sql.delete``), the
database and the relations it names, how many rows it touched and how it
ended; never the statement's text, which may carry values or a password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.profiles import audit

if TYPE_CHECKING:
    from console.backends.postgres._classify import StatementKind
    from console.backends.postgres._query import QueryRun
    from console.errors import ConsoleError


def action(kind: StatementKind) -> str:
    """The audit action of a statement: ``sql.`` and its first word."""
    return f"sql.{kind.keyword.lower() or 'statement'}"


def target(database: str, kind: StatementKind) -> str:
    """The database, and the relations the statement names."""
    return f"{database}: {', '.join(kind.relations)}" if kind.relations else database


def record_run(profile: str, run: QueryRun, *, error: ConsoleError | None = None,
               in_block: bool = False) -> None:
    """Record a statement that writes once the server has answered it."""
    kind = run.kind
    if not kind.writes:
        return
    if error is not None:
        outcome = f"failed: {error.title}"
    else:
        outcome = "ok, in an open transaction" if in_block else "ok"
    count = run.rowcount if error is None and run.rowcount >= 0 else None
    audit.record(profile, action(kind), target(run.database, kind), count=count,
                 outcome=outcome)


def record_refusal(profile: str, database: str, kind: StatementKind) -> None:
    """Record a statement a read-only profile refused (nothing was sent)."""
    audit.record(profile, action(kind), target(database, kind),
                 outcome=f"refused: {kind.refusal}")


def record_block_end(profile: str, database: str, committed: bool, how: str = "") -> None:
    """Record the end of an operator's transaction block that held writes."""
    name = "sql.commit" if committed else "sql.rollback"
    audit.record(profile, name, database, outcome=f"ok{how}")
