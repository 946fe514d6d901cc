"""Narrow a query's result to the rows whose text holds what the operator typed.

The server does the narrowing: the query runs again inside
``select * from (<query>) as _r where _r::text ilike %s``, so a result of
millions of rows is filtered where it lives and streams back through the same
named cursor as the original. ``_r::text`` is the whole row as PostgreSQL
writes a record (``(1,item-1,1.25)``), so the text may match any column.
The pattern travels as a bound parameter, never spliced into the SQL.
"""

from __future__ import annotations

from console.backends.postgres._classify import classify
from console.errors import BadQuery

WRAPPER = "select * from (\n{query}\n) as _r where _r::text ilike %s"
"""The query sits on lines of its own, so a trailing ``-- comment`` cannot eat the ``)``."""


def like_pattern(text: str) -> str:
    """Return an ``ILIKE`` pattern finding ``text`` anywhere in a record's text.

    A record writes a value holding ``"`` or ``\\`` quoted, with those doubled
    (``back\\slash`` becomes ``"back\\\\slash"``), so the text is doubled the same
    way; then ``%``, ``_`` and ``\\`` are escaped so that ``ILIKE`` takes them literally.
    """
    as_in_record = text.replace("\\", "\\\\").replace('"', '""')
    escaped = as_in_record.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_rows(sql: str, text: str) -> tuple[str, tuple[str]]:
    """Return ``sql`` wrapped to keep only rows whose text holds ``text``, and its parameter.

    Args:
        sql: One statement that returns rows (SELECT, WITH, VALUES, TABLE).
        text: What to look for, case-insensitively, as typed (no wildcards).

    Returns:
        ``(query, params)`` for ``PostgresClient.run`` or ``Session.run``.

    Raises:
        BadQuery: ``sql`` is not a query that can be wrapped (``SHOW``, DML, DDL…).
    """
    kind = classify(sql)
    if not kind.cursorable:
        raise BadQuery(f"only rows of a SELECT, WITH, VALUES or TABLE query can be filtered; "
                       f"this result came from {kind.keyword or 'a statement'}",
                       operation="filter rows")
    # with parameters the driver reads every % as a placeholder's start: keep the query's own
    return WRAPPER.format(query=sql.replace("%", "%%")), (like_pattern(text),)
