"""The stand-in's SQL engine: sqlite, one database file per Ignite schema.

A client connection gets one sqlite connection per schema it runs SQL in:
that schema is attached first, so unqualified names resolve there, and every
other schema is attached by its name, so ``PUBLIC.CITY`` works from anywhere.
Files run in WAL mode, so an open ``SELECT`` cursor never blocks a writer.
Declared column types come back typed (``INT`` as Ignite's Int, ``DECIMAL``
as a decimal…) through sqlite's declared-type converters.
"""

from __future__ import annotations

import datetime as dt
import decimal
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.sandbox.ignite import sql_text
from console.sandbox.ignite.objects import SqlByte, SqlInt, SqlShort
from console.sandbox.ignite.sql_text import SqlSyntaxError, Statement


def _text(raw: bytes) -> str:
    return raw.decode("utf-8")


# sqlite keeps converters process-wide, by declared type name; only connections opened
# with PARSE_DECLTYPES (these) use them.
for _name, _convert in {
    "INT": lambda b: SqlInt(int(b)), "INTEGER": lambda b: SqlInt(int(b)),
    "SMALLINT": lambda b: SqlShort(int(b)), "TINYINT": lambda b: SqlByte(int(b)),
    "BOOLEAN": lambda b: b not in (b"0", b"false", b"FALSE"), "BOOL": lambda b: b != b"0",
    "DECIMAL": lambda b: decimal.Decimal(_text(b)), "NUMERIC": lambda b: decimal.Decimal(_text(b)),
    "DOUBLE": lambda b: float(b), "REAL": lambda b: float(b), "FLOAT": lambda b: float(b),
    "TIMESTAMP": lambda b: dt.datetime.fromisoformat(_text(b)),
    "DATE": lambda b: dt.date.fromisoformat(_text(b)[:10]),
    "UUID": lambda b: uuid.UUID(_text(b)),
}.items():
    sqlite3.register_converter(_name, _convert)


def bindable(value: Any) -> Any:
    """A client's argument as sqlite stores it (text for decimals, UUIDs and times)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.timedelta)):
        return str(value)
    return value


@dataclass(frozen=True)
class Column:
    """A table's column as ``PRAGMA table_info`` reports it."""

    name: str
    type_name: str
    """Declared type, upper-cased, without its size: ``INT``, ``VARCHAR``…"""
    not_null: bool
    key: bool


class SqlDatabase:
    """Every schema's database file, in one directory, emptied when the stand-in starts."""

    def __init__(self, directory: Path) -> None:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._lock = threading.Lock()
        self._files: dict[str, Path] = {}
        self.add_schema("PUBLIC")

    def add_schema(self, schema: str) -> None:
        """Make a schema's file (idempotent)."""
        with self._lock:
            if schema not in self._files:
                path = self.directory / f"schema-{len(self._files)}.db"
                with sqlite3.connect(path) as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.close()
                self._files[schema] = path

    def schemas(self) -> dict[str, Path]:
        with self._lock:
            return dict(self._files)

    def find_schema(self, name: str) -> str | None:
        """The schema ``name`` stands for: as written, else ignoring case."""
        files = self.schemas()
        if name in files:
            return name
        return next((s for s in files if s.upper() == name.upper()), None)

    def session(self) -> SqlSession:
        return SqlSession(self)

    def create_entity_table(self, schema: str, entity: dict[str, Any]) -> None:
        """Make the table a cache's query entity describes (empty: entries are not rows)."""
        self.add_schema(schema)
        table = (entity.get("table_name") or (entity.get("value_type_name") or "T")
                 .rsplit(".", 1)[-1]).upper()
        columns = [f"{sql_text.quote(f['name'].upper())} {sql_type(f['type_name'])}"
                   for f in entity["query_fields"]]
        keys = [sql_text.quote(f["name"].upper()) for f in entity["query_fields"]
                if f["is_key_field"]]
        if keys:
            columns.append(f"PRIMARY KEY ({', '.join(keys)})")
        if not columns:
            return
        with self.session() as session:
            session.connection(schema).execute(
                f"CREATE TABLE IF NOT EXISTS {sql_text.quote(schema)}.{sql_text.quote(table)} "
                f"({', '.join(columns)})")

    def drop_table(self, schema: str, table: str) -> None:
        with self.session() as session:
            session.connection(schema).execute(
                f"DROP TABLE IF EXISTS {sql_text.quote(schema)}.{sql_text.quote(table)}")


class SqlSession:
    """One client connection's sqlite connections, one per schema it used."""

    def __init__(self, database: SqlDatabase) -> None:
        self.database = database
        self._connections: dict[str, tuple[sqlite3.Connection, set[str]]] = {}

    def __enter__(self) -> SqlSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connection(self, schema: str) -> sqlite3.Connection:
        """The connection whose unqualified names resolve in ``schema``."""
        conn, attached = self._connections.get(schema) or (None, set())
        if conn is None:
            conn = sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_DECLTYPES,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            self._connections[schema] = (conn, attached)
        files = self.database.schemas()
        for name in [schema, *files]:
            if name not in attached and name in files:
                conn.execute("ATTACH DATABASE ? AS " + sql_text.quote(name), (str(files[name]),))
                attached.add(name)
        return conn

    def run(self, schema: str, sql: str, args: Sequence[Any]) -> tuple[Statement, sqlite3.Cursor]:
        """Read and run one statement; the cursor holds its rows, if any.

        Raises:
            SqlSyntaxError: the dialect reader refused it.
            sqlite3.Error: sqlite refused or failed it (its message is the node's).
        """
        found = self.database.find_schema(schema)
        if found is None:
            raise SqlSyntaxError(f"Schema not found: {schema}")
        statement = sql_text.read(sql, found)
        if statement.created:
            self.database.add_schema(statement.created[0])
        cursor = self.connection(found).execute(statement.sql, [bindable(a) for a in args])
        return statement, cursor

    def columns(self, schema: str, table: str) -> list[Column]:
        """Describe a table."""
        rows = self.connection(schema).execute(
            f"PRAGMA {sql_text.quote(schema)}.table_info({sql_text.quote(table)})").fetchall()
        return [Column(r[1], r[2].split("(")[0].strip().upper() or "VARCHAR", bool(r[3]),
                       bool(r[5])) for r in rows]

    def rows(self, schema: str, table: str) -> Iterator[tuple[Any, ...]]:
        """Every row of a table, in rowid order (what a scan of its cache walks)."""
        cursor = self.connection(schema).execute(
            f"SELECT * FROM {sql_text.quote(schema)}.{sql_text.quote(table)}")
        while batch := cursor.fetchmany(1024):
            yield from batch

    def select_where(
        self, schema: str, table: str, column: str, value: Any
    ) -> list[tuple[Any, ...]]:
        """The rows whose ``column`` equals ``value``."""
        return self.connection(schema).execute(
            f"SELECT * FROM {sql_text.quote(schema)}.{sql_text.quote(table)} "
            f"WHERE {sql_text.quote(column)} = ?", (bindable(value),)).fetchall()

    def count(self, schema: str, table: str) -> int:
        return int(self.connection(schema).execute(
            f"SELECT COUNT(*) FROM {sql_text.quote(schema)}.{sql_text.quote(table)}").fetchone()[0])

    def close(self) -> None:
        for conn, _ in self._connections.values():
            conn.close()
        self._connections.clear()


_SQL_TYPES = {
    "java.lang.Integer": "INT", "int": "INT", "java.lang.Long": "BIGINT", "long": "BIGINT",
    "java.lang.Short": "SMALLINT", "java.lang.Byte": "TINYINT",
    "java.lang.Boolean": "BOOLEAN", "boolean": "BOOLEAN",
    "java.lang.Double": "DOUBLE", "double": "DOUBLE", "java.lang.Float": "REAL",
    "java.math.BigDecimal": "DECIMAL", "java.lang.String": "VARCHAR",
    "java.util.UUID": "UUID", "java.sql.Timestamp": "TIMESTAMP", "java.util.Date": "TIMESTAMP",
    "java.sql.Date": "DATE", "java.sql.Time": "TIME", "[B": "BINARY",
}
JAVA_TYPES = {
    "INT": "java.lang.Integer", "INTEGER": "java.lang.Integer", "BIGINT": "java.lang.Long",
    "SMALLINT": "java.lang.Short", "TINYINT": "java.lang.Byte", "BOOLEAN": "java.lang.Boolean",
    "BOOL": "java.lang.Boolean", "DOUBLE": "java.lang.Double", "FLOAT": "java.lang.Double",
    "REAL": "java.lang.Float", "DECIMAL": "java.math.BigDecimal",
    "NUMERIC": "java.math.BigDecimal", "UUID": "java.util.UUID",
    "TIMESTAMP": "java.sql.Timestamp", "DATE": "java.sql.Date", "TIME": "java.sql.Time",
    "BINARY": "[B", "VARBINARY": "[B", "BLOB": "[B",
}
"""Declared SQL type → the Java type a query entity names (anything else is a String)."""


def sql_type(java_type: str) -> str:
    """The SQL type of a query entity field's Java type (``VARCHAR`` when unknown)."""
    return _SQL_TYPES.get(java_type, "VARCHAR")


__all__ = ["JAVA_TYPES", "Column", "SqlDatabase", "SqlSession", "SqlSyntaxError", "sql_type"]
