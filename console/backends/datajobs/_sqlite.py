"""SQLite inputs, read with the standard library's ``sqlite3``, one table at a time.

A column's declared type chooses its PostgreSQL type where it says one
(SQLite's type affinity rules: ``INT`` anywhere → integer, ``CHAR``/``TEXT``
→ text, ``REAL``/``FLOA``/``DOUB``/``NUMERIC``/``DECIMAL`` → decimal, ``BLOB``
→ bytes, plus ``BOOL``, ``DATE``, ``TIME``, ``JSON``); an undeclared column
is inferred from its values. The file is opened read-only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from console.backends.datajobs._errors import map_sqlite_errors
from console.backends.datajobs._models import ColumnType
from console.backends.datajobs._rows import Row, RowTable, infer, sampled
from console.errors import NotFound

FETCH = 5000
_AFFINITY = (  # first match wins, as in SQLite's own rules (INT before the rest)
    ("INT", ColumnType.INTEGER), ("BOOL", ColumnType.BOOLEAN), ("JSON", ColumnType.JSON),
    ("DATETIME", ColumnType.TIMESTAMPTZ), ("TIMESTAMP", ColumnType.TIMESTAMPTZ),
    ("DATE", ColumnType.DATE), ("CHAR", ColumnType.TEXT), ("CLOB", ColumnType.TEXT),
    ("TEXT", ColumnType.TEXT), ("BLOB", ColumnType.BYTES), ("REAL", ColumnType.DECIMAL),
    ("FLOA", ColumnType.DECIMAL), ("DOUB", ColumnType.DECIMAL), ("NUM", ColumnType.DECIMAL),
    ("DEC", ColumnType.DECIMAL),
)


def declared_type(declared: str) -> ColumnType | None:
    """The import type a SQLite declared column type stands for (``None``: undeclared)."""
    upper = declared.upper()
    return next((kind for word, kind in _AFFINITY if word in upper), None)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)


def table_names(path: Path) -> list[str]:
    """The database's tables (SQLite's own left out), by name.

    Raises:
        BadQuery: not a SQLite database.
    """
    with map_sqlite_errors(str(path)):
        db = _connect(path)
        try:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
            return [row[0] for row in rows]
        finally:
            db.close()


def read_table(path: Path, name: str) -> RowTable:
    """Read one table, rows in the order SQLite stores them.

    Raises:
        NotFound: no table of that name.
        BadQuery: not a SQLite database.
    """
    if name not in table_names(path):
        raise NotFound(f"{path} has no table {name!r}", operation="read SQLite")
    with map_sqlite_errors(str(path)):
        db = _connect(path)
        quoted = '"' + name.replace('"', '""') + '"'
        info = db.execute(f"PRAGMA table_info({quoted})").fetchall()
        cursor = db.execute(f"SELECT * FROM {quoted}")
    columns = [row[1] for row in info]
    declared = [declared_type(row[2] or "") for row in info]
    head, rows = sampled(_rows(cursor, str(path)))
    sample = [values for _, values in head]
    return RowTable(name, columns, infer(sample, len(columns), declared), sample, rows, "row",
                    f"table '{name}'", db.close)


def _rows(cursor: sqlite3.Cursor, path: str) -> Iterator[Row]:
    number = 0
    with map_sqlite_errors(path):
        while batch := cursor.fetchmany(FETCH):
            for values in batch:
                number += 1
                yield number, list(values)
