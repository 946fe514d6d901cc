"""Roles and keys: bit.io's service accounts and keys, as PostgreSQL login roles.

A key is a role's password: generated here (``secrets``), shown once, and
sent to the server only as a SCRAM-SHA-256 verifier computed by libpq (as
``psql \\password`` does), so the password itself never reaches the server's
statement log, the console's history or its audit log. Grants follow the
protocol notes: *read* = CONNECT + USAGE + SELECT on every table (and on
tables created later); *write* adds INSERT, UPDATE, DELETE and sequences.
Roles are cluster-wide, grants per database: each database is changed over
its own connection. Every change is refused on a read-only profile and
recorded in the profile's audit log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg2.extensions
from psycopg2 import sql

from console.backends.postgres import _roles_sql as q
from console.backends.postgres._errors import map_pg_errors
from console.errors import BadQuery, Conflict, ConsoleError, NotFound, ReadOnlyRefused
from console.profiles import audit

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient

LEVELS = ("read", "write")
PASSWORD_BYTES = 24
"""A generated key: 24 random bytes, 32 URL-safe characters."""


@dataclass(frozen=True)
class RoleInfo:
    """One role of the server."""

    name: str
    login: bool
    superuser: bool
    create_db: bool
    create_role: bool
    valid_until: dt.datetime | None
    member_of: tuple[str, ...]


@dataclass(frozen=True)
class RoleGrant:
    """What a role may do in one database (``schema`` empty) or one schema of it."""

    role: str
    database: str
    schema: str
    access: str
    """``owner``, ``connect``, ``read``, ``write`` or ``partial``."""
    detail: str = ""


@dataclass(frozen=True)
class NewKey:
    """A role's new password: show it once, then forget it."""

    role: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Owned:
    """What stands in the way of dropping a role."""

    objects: dict[str, int]
    """Objects owned, per database (``""``: databases and other shared objects)."""
    privileges: tuple[str, ...]
    """Databases holding privileges granted to the role."""

    @property
    def total(self) -> int:
        """How many objects the role owns."""
        return sum(self.objects.values())

    def describe(self) -> str:
        """``3 in app, 1 database`` — for questions and refusals."""
        parts = [f"{n} in {db}" if db else f"{n} database(s) or other shared object(s)"
                 for db, n in sorted(self.objects.items())]
        return ", ".join(parts)


def generate_password() -> str:
    """A new random password (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


class Roles:
    """List, create, rotate, grant, revoke and drop roles on one profile's server.

    Args:
        client: The profile's PostgreSQL client.
    """

    def __init__(self, client: PostgresClient) -> None:
        self.client = client
        self.profile = client.profile.name

    # Reading --------------------------------------------------------------------

    def list(self) -> list[RoleInfo]:
        """Every role but PostgreSQL's own ``pg_*`` ones, by name.

        Raises:
            ConsoleError: the server cannot be reached.
        """
        with self._maintenance("list roles") as cur:
            cur.execute(q.ROLES)
            return [RoleInfo(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6]))
                    for r in cur.fetchall()]

    def grants(self, databases: list[str] | None = None) -> list[RoleGrant]:
        """What each role may do, per database and schema.

        Database rows say who owns it or was granted CONNECT; schema rows say
        ``read``/``write`` when every table (or, in an empty schema, the default
        privileges) allows it, else ``partial`` with counts. Superusers are left
        out (they may do everything). Databases that refuse connections are skipped.

        Raises:
            ConsoleError: the server cannot be reached.
        """
        with self._maintenance("list grants") as cur:
            cur.execute(q.DATABASE_GRANTS)
            found = [RoleGrant(role, db, "", access) for db, role, access in cur.fetchall()]
        names = databases or [d.name for d in self.client.list_databases()
                              if d.allow_connections and d.size_bytes is not None]
        for database in names:
            rows = self.client.read(database, "list grants", q.SCHEMA_GRANTS)
            found.extend(g for g in (_schema_grant(database, row) for row in rows) if g)
        return found

    def owned(self, name: str) -> Owned:
        """What the role owns and where it holds privileges (what dropping it must undo).

        Raises:
            NotFound: no such role.
        """
        self._exists(name)
        with self._maintenance("list owned objects") as cur:
            cur.execute(q.DEPENDENCIES, (name,))
            rows = cur.fetchall()
        objects = {db: int(n) for db, kind, n in rows if kind == "o"}
        privileges = tuple(sorted({db for db, kind, _ in rows if kind != "o" and db}))
        return Owned(objects, privileges)

    # Changing ---------------------------------------------------------------------

    def create(self, name: str, *, grants: tuple[tuple[str, str | None, str], ...] = ()
               ) -> NewKey:
        """Create a login role with a generated password, then grant what is asked.

        Args:
            name: The new role.
            grants: ``(database, schema or None, "read" | "write")`` to grant.

        Returns:
            The role and its password, to show once.

        Raises:
            ReadOnlyRefused: a read-only profile (nothing is sent).
            Conflict: the role exists.
            BadQuery: a bad name or level.
            AuthError: the profile's role may not create roles.
        """
        self._writable("roles.create", name)
        _check_name(name)
        for _, _, level in grants:
            _check_level(level)
        password = generate_password()
        with self._audited("roles.create", name), self._maintenance("create role") as cur:
            statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(_verifier(cur, name, password)))
            cur.execute(statement)
        for database, schema, level in grants:
            self.grant(name, database, schema, level)
        return NewKey(name, password)

    def rotate(self, name: str) -> NewKey:
        """Give a role a new generated password (its open sessions stay).

        Raises:
            ReadOnlyRefused: a read-only profile.
            NotFound: no such role.
        """
        self._writable("roles.rotate", name)
        self._exists(name)
        password = generate_password()
        with self._audited("roles.rotate", name), self._maintenance("rotate key") as cur:
            cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(_verifier(cur, name, password))))
        return NewKey(name, password)

    def grant(self, name: str, database: str, schema: str | None, level: str) -> list[str]:
        """Grant ``read`` or ``write`` on a database (every schema in it) or one schema.

        Returns:
            The schemas changed.

        Raises:
            ReadOnlyRefused: a read-only profile.
            NotFound: no such role, database or schema.
            BadQuery: a level other than read or write.
        """
        return self._change("roles.grant", name, database, schema, _check_level(level), True)

    def revoke(self, name: str, database: str, schema: str | None, level: str) -> list[str]:
        """Revoke ``write`` (keeping read) or ``read`` (everything) on a database or schema.

        Revoking ``read`` on a whole database also revokes CONNECT.

        Raises:
            As ``grant``.
        """
        return self._change("roles.revoke", name, database, schema, _check_level(level), False)

    def drop(self, name: str, *, reassign_to: str | None = None) -> Owned:
        """Drop a role: revoke its privileges everywhere, end its sessions, drop it.

        Args:
            name: The role.
            reassign_to: Who gets what it owns; without it a role that owns
                anything is refused.

        Returns:
            What it owned and where it had privileges.

        Raises:
            ReadOnlyRefused: a read-only profile.
            NotFound: no such role (or no ``reassign_to`` role).
            Conflict: it owns objects and ``reassign_to`` is not given.
        """
        self._writable("roles.drop", name)
        owned = self.owned(name)
        if owned.total and not reassign_to:
            raise Conflict(f'role "{name}" owns {owned.describe()}: reassign them to another '
                           "role first (or drop them)", profile=self.profile,
                           operation="drop role")
        if reassign_to:
            self._exists(reassign_to)
        with self._audited("roles.drop", name):
            for database in sorted(set(owned.objects) - {""} | set(owned.privileges)):
                self._release_in(database, name, reassign_to)
            with self._maintenance("drop role") as cur:
                if owned.objects.get("") and reassign_to:  # databases it owns
                    cur.execute(sql.SQL("REASSIGN OWNED BY {} TO {}").format(
                        sql.Identifier(name), sql.Identifier(reassign_to)))
                cur.execute(q.TERMINATE, (name,))
                cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
        return owned

    # Helpers ----------------------------------------------------------------------

    def _change(self, action: str, name: str, database: str, schema: str | None, level: str,
                granting: bool) -> list[str]:
        self._writable(action, f"{name} on {database}")
        self._exists(name)
        role = sql.Identifier(name)
        with self._audited(action, f"{name} {level} on {database}:{schema or '*'}"), \
                self._transaction(database, action) as cur:
            schemas = [schema] if schema else _user_schemas(cur)
            if granting:
                cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(database), role))
            for one in schemas:
                _exists_schema(cur, one, database)
                for statement in (_grants if granting else _revokes)(one, level):
                    cur.execute(statement.format(schema=sql.Identifier(one), role=role))
            if not granting and level == "read" and not schema:
                cur.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM {}").format(
                    sql.Identifier(database), role))
        return schemas

    def _release_in(self, database: str, name: str, reassign_to: str | None) -> None:
        with self._transaction(database, "drop role") as cur:
            if reassign_to:
                cur.execute(sql.SQL("REASSIGN OWNED BY {} TO {}").format(
                    sql.Identifier(name), sql.Identifier(reassign_to)))
            cur.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))

    def _exists(self, name: str) -> None:
        with self._maintenance("find role") as cur:
            cur.execute(q.ROLE_EXISTS, (name,))
            if cur.fetchone() is None:
                raise NotFound(f'no role "{name}"', profile=self.profile, operation="roles")

    def _writable(self, action: str, target: str) -> None:
        if self.client.profile.read_only:
            audit.record(self.profile, action, target, outcome="refused: read-only profile")
            raise ReadOnlyRefused(f"profile '{self.profile}' is read-only: role changes are "
                                  "refused", profile=self.profile, operation=action)

    @contextmanager
    def _audited(self, action: str, target: str) -> Iterator[None]:
        try:
            yield
        except ConsoleError as exc:
            audit.record(self.profile, action, target, outcome=f"failed: {type(exc).__name__}")
            raise
        audit.record(self.profile, action, target)

    @contextmanager
    def _maintenance(self, operation: str) -> Iterator[Any]:
        with self.client.maintenance.cursor(operation) as cur:
            yield cur

    @contextmanager
    def _transaction(self, database: str, operation: str) -> Iterator[Any]:
        """A cursor in one transaction on ``database``, committed when the block ends."""
        pool = self.client.pool(database)
        conn = pool.acquire()
        try:
            conn.autocommit = False
            with map_pg_errors(operation, profile=self.profile), conn.cursor() as cur:
                yield cur
                conn.commit()
        finally:
            pool.release(conn, discard=bool(conn.closed))


def _verifier(cur: Any, name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier libpq computes: what the server stores, never the password."""
    return psycopg2.extensions.encrypt_password(password, name, cur.connection,
                                                "scram-sha-256")


def _check_name(name: str) -> None:
    if not name or "\x00" in name or len(name.encode()) > 63:
        raise BadQuery("a role name must be 1 to 63 bytes", operation="create role")
    if name.startswith("pg_"):
        raise BadQuery("names starting with pg_ are reserved for PostgreSQL's own roles",
                       operation="create role")


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise BadQuery(f"access is read or write, not {level!r}", operation="grant")
    return level


def _user_schemas(cur: Any) -> list[str]:
    cur.execute(q.USER_SCHEMAS)
    return [row[0] for row in cur.fetchall()]


def _exists_schema(cur: Any, schema: str, database: str) -> None:
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
    if cur.fetchone() is None:
        raise NotFound(f'database "{database}" has no schema "{schema}"', operation="grant")


_READ = [
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {role}",
]
_WRITE = [
    "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT INSERT, UPDATE, DELETE ON TABLES "
    "TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, UPDATE ON SEQUENCES TO {role}",
]
_UNWRITE = [
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {schema} FROM {role}",
    "REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE INSERT, UPDATE, DELETE, TRUNCATE "
    "ON TABLES FROM {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE USAGE, UPDATE ON SEQUENCES FROM {role}",
]
_UNREAD = [
    "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {role}",
    "REVOKE USAGE, CREATE ON SCHEMA {schema} FROM {role}",
]


def _grants(schema: str, level: str) -> list[sql.SQL]:
    return [sql.SQL(s) for s in _READ + (_WRITE if level == "write" else [])]


def _revokes(schema: str, level: str) -> list[sql.SQL]:
    return [sql.SQL(s) for s in (_UNWRITE if level == "write" else _UNREAD)]


def _schema_grant(database: str, row: tuple[Any, ...]) -> RoleGrant | None:
    role, schema, owner, tables, readable, writable, default_read, default_write = row
    if owner:
        return RoleGrant(role, database, schema, "owner")
    if tables == 0:
        access = "write" if default_write else "read" if default_read else None
        return RoleGrant(role, database, schema, access) if access else None
    if writable == tables:
        return RoleGrant(role, database, schema, "write")
    if readable == tables:
        return RoleGrant(role, database, schema, "read")
    if readable == 0:
        return None
    return RoleGrant(role, database, schema, "partial",
                     f"reads {readable} of {tables} tables, writes {writable}")
