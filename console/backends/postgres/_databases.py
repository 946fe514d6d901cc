"""Database DDL on a dedicated autocommit connection to the maintenance database.

``CREATE DATABASE`` and ``DROP DATABASE`` refuse to run in a transaction,
and none of the three statements may target the database it is sent on, so
they go over one autocommit connection to the profile's maintenance
database (``postgres``), or to ``template1`` when that is the target.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from console.backends.postgres._errors import map_pg_errors
from console.backends.postgres._models import DatabaseInfo
from console.backends.postgres._pool import looks_alive
from console.errors import BadQuery, Conflict, ConsoleError, ReadOnlyRefused, Unavailable
from console.profiles import audit

Cursor = psycopg2.extensions.cursor

LIST = """
SELECT d.datname, pg_get_userbyid(d.datdba),
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') THEN pg_database_size(d.oid) END,
       pg_encoding_to_char(d.encoding), d.datallowconn
FROM pg_database d WHERE NOT d.datistemplate ORDER BY d.datname
"""
CONNECTIONS = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
EXISTS = "SELECT 1 FROM pg_database WHERE datname = %s"
MAX_NAME_BYTES = 63
"""PostgreSQL cuts longer identifiers (NAMEDATALEN - 1) with only a notice."""


class Maintenance:
    """The one autocommit connection database DDL goes over.

    Args:
        connect_kwargs: Builds psycopg2 ``connect()`` keywords for a database name.
        dbname: The maintenance database (the profile's ``dbname``).
        profile: The profile's name, for error messages.
    """

    def __init__(self, connect_kwargs: Callable[[str], dict[str, Any]], dbname: str,
                 profile: str | None) -> None:
        self._kwargs = connect_kwargs
        self.dbname = dbname
        self.profile = profile
        self._conn: psycopg2.extensions.connection | None = None
        self._lock = threading.Lock()

    @contextmanager
    def cursor(self, operation: str, *, target: str | None = None) -> Iterator[Cursor]:
        """Lend a cursor on the maintenance connection (one caller at a time).

        When ``target`` is the maintenance database itself, a short-lived
        connection to ``template1`` is used instead.
        """
        with self._lock, map_pg_errors(operation, profile=self.profile):
            if target == self.dbname:
                self.close_connection()  # our own session would hold the target
                conn = self._open("template1")
                try:
                    yield conn.cursor()
                finally:
                    conn.close()
                return
            conn = self._connection()
            try:
                yield conn.cursor()
            except psycopg2.OperationalError:
                self.close_connection()
                raise

    def _connection(self) -> psycopg2.extensions.connection:
        if self._conn is None or not looks_alive(self._conn):
            self.close_connection()
            self._conn = self._open(self.dbname)
        return self._conn

    def _open(self, dbname: str) -> psycopg2.extensions.connection:
        conn = psycopg2.connect(**self._kwargs(dbname))
        conn.autocommit = True
        return conn

    def close_connection(self) -> None:
        """Close the maintenance connection; the next call opens a new one."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def list_databases(maintenance: Maintenance) -> list[DatabaseInfo]:
    """Return every database except templates, by name."""
    with maintenance.cursor("list databases") as cur:
        cur.execute(LIST)
        return [DatabaseInfo(*row) for row in cur.fetchall()]


def connections_to(maintenance: Maintenance, name: str) -> int:
    """Count other sessions connected to a database."""
    with maintenance.cursor("count connections") as cur:
        cur.execute(CONNECTIONS, (name,))
        return int(cur.fetchone()[0])


def check_name(name: str, operation: str, profile: str | None) -> str:
    """Refuse names the server would cut or cannot store, before sending anything."""
    if not name or "\x00" in name:
        raise BadQuery("a database name cannot be empty or hold a NUL character",
                       profile=profile, operation=operation)
    if len(name.encode()) > MAX_NAME_BYTES:
        raise BadQuery(f"database names are at most {MAX_NAME_BYTES} bytes; "
                       f"\"{name[:20]}…\" is {len(name.encode())}",
                       profile=profile, operation=operation)
    return name


def create(maintenance: Maintenance, name: str, owner: str | None) -> None:
    """Run ``CREATE DATABASE name [OWNER owner]``."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if owner:
        statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
    _ddl(maintenance, "create database", name, statement)


def rename(maintenance: Maintenance, old: str, new: str) -> None:
    """Run ``ALTER DATABASE old RENAME TO new``."""
    statement = sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
        sql.Identifier(old), sql.Identifier(new))
    _ddl(maintenance, "rename database", old, statement)


def drop(maintenance: Maintenance, name: str, force: bool) -> None:
    """Run ``DROP DATABASE name``, ``WITH (FORCE)`` to end other sessions first."""
    statement = sql.SQL("DROP DATABASE {}").format(sql.Identifier(name))
    if force:
        statement += sql.SQL(" WITH (FORCE)")
    _ddl(maintenance, "drop database", name, statement)


def _ddl(maintenance: Maintenance, operation: str, name: str, statement: sql.Composable) -> None:
    try:
        with maintenance.cursor(operation, target=name) as cur:
            cur.execute(statement)
    except Conflict as exc:
        if exc.__cause__ is None or getattr(exc.__cause__, "pgcode", None) != "55006":
            raise
        raise _in_use(maintenance, operation, name, exc) from exc.__cause__


def _in_use(maintenance: Maintenance, operation: str, name: str, exc: Conflict) -> Conflict:
    """Say who holds the database, counted now, instead of the server's generic words."""
    if exc.message.startswith("source database"):
        return exc  # CREATE found its template in use: the server's words name it
    try:
        count = connections_to(maintenance, name)
    except Unavailable:
        return exc
    plural = "connection" if count == 1 else "connections"
    return Conflict(f'database "{name}" is in use by {count} {plural}',
                    profile=maintenance.profile, operation=operation)


class DatabaseMethods:
    """The database-level half of ``PostgresClient``: list, create, rename, drop."""

    maintenance: Maintenance
    profile: Any
    forget_pool: Callable[[str], None]
    """Closes this client's idle connections to a database about to be renamed or dropped."""

    def list_databases(self) -> list[DatabaseInfo]:
        """List the server's databases (templates left out), by name.

        Raises:
            Unavailable: the server cannot be reached.
            AuthError: the server refused the profile's role.
        """
        return list_databases(self.maintenance)

    def connections_to(self, name: str) -> int:
        """Count the sessions connected to a database, this client's own included.

        Raises:
            Unavailable: the server cannot be reached.
        """
        return connections_to(self.maintenance, name)

    def create_database(self, name: str, owner: str | None = None) -> None:
        """Create a database, owned by ``owner`` when given.

        Raises:
            ReadOnlyRefused: the profile is read-only (nothing is sent).
            BadQuery: the name is empty or longer than 63 bytes.
            Conflict: a database of that name exists (or its template is in use).
            AuthError: the role may not create databases.
        """
        self._writable("create database", name)
        check_name(name, "create database", self.profile.name)
        with self._audited("db.create", name):
            create(self.maintenance, name, owner)

    def rename_database(self, old: str, new: str) -> None:
        """Rename a database; nobody may be connected to it.

        Raises:
            ReadOnlyRefused: the profile is read-only (nothing is sent).
            NotFound: no database is called ``old``.
            Conflict: ``new`` exists, or ``old`` is in use ("in use by N connections").
        """
        self._writable("rename database", old)
        check_name(new, "rename database", self.profile.name)
        self.forget_pool(old)
        with self._audited("db.rename", f"{old} -> {new}"):
            rename(self.maintenance, old, new)

    def drop_database(self, name: str, *, force: bool = False) -> None:
        """Drop a database; ``force`` ends other sessions first (``WITH (FORCE)``).

        Raises:
            ReadOnlyRefused: the profile is read-only (nothing is sent).
            NotFound: no such database.
            Conflict: it is in use ("in use by N connections") and ``force`` is off.
        """
        self._writable("drop database", name)
        self.forget_pool(name)
        with self._audited("db.drop", name + (" (force)" if force else "")):
            drop(self.maintenance, name, force)

    def _writable(self, operation: str, target: str) -> None:
        if self.profile.read_only:
            audit.record(self.profile.name, f"db.{operation.split()[0]}", target,
                         outcome="refused: read-only")
            raise ReadOnlyRefused(f"profile '{self.profile.name}' is read-only",
                                  profile=self.profile.name, operation=operation)

    @contextmanager
    def _audited(self, action: str, target: str) -> Iterator[None]:
        """Record a database change in the audit log with its outcome."""
        try:
            yield
        except ConsoleError as exc:
            audit.record(self.profile.name, action, target, outcome=f"failed: {exc.title}")
            raise
        audit.record(self.profile.name, action, target)
