"""Names of result column types, looked up once per type OID and cached."""

from __future__ import annotations

import threading

import psycopg2
import psycopg2.extensions

FIRST_NORMAL_OID = 16384
"""OIDs below this are built in and mean the same type in every database."""


class TypeNames:
    """A cache of ``format_type`` names: built-in OIDs shared, others per database."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(database: str, oid: int) -> tuple[str, int]:
        return ("", oid) if oid < FIRST_NORMAL_OID else (database, oid)

    def names(self, conn: psycopg2.extensions.connection, database: str,
              oids: list[int]) -> list[str]:
        """Return the type name of each OID, asking the server only about new ones."""
        with self._lock:
            missing = sorted({o for o in oids if self._key(database, o) not in self._names})
        if missing:
            self._learn(conn, database, missing)
        with self._lock:
            return [self._names.get(self._key(database, o), str(o)) for o in oids]

    def _learn(self, conn: psycopg2.extensions.connection, database: str,
               oids: list[int]) -> None:
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT oid::int, format_type(oid, NULL) FROM pg_type "
                            "WHERE oid = ANY(%s::oid[])", (oids,))
                found = cur.fetchall()
        except psycopg2.Error:
            return  # names are a courtesy: the OID stands in, the run goes on
        with self._lock:
            for oid, name in found:
                self._names[self._key(database, oid)] = name
