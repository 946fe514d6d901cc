"""The stand-in's SQL engine: a database of its own in the embedded PostgreSQL.

PostgreSQL runs every statement; CrateDB's catalog is what differs, so the
stand-in keeps its own metadata in the schema ``_crate`` and shows it through
views named as CrateDB names its system tables (``information_schema.tables``
becomes ``_crate_is.tables``, ``sys.shards`` ``_crate_sys.shards``: the
translator rewrites those qualified names). Blob tables are views over one
table of blobs, so ``SELECT digest, last_modified FROM blob.t`` runs as written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
import psycopg2.extensions
import psycopg2.pool

SYSTEM_SCHEMAS = ("information_schema", "sys", "pg_catalog", "blob")
HIDDEN_SCHEMAS = ("_crate", "_crate_is", "_crate_sys", "public")

_CATALOG = """
CREATE SCHEMA _crate;
CREATE SCHEMA _crate_is;
CREATE SCHEMA _crate_sys;
CREATE SCHEMA doc;
CREATE SCHEMA blob;
CREATE DOMAIN doc.object AS jsonb;
CREATE DOMAIN doc.string AS text;
CREATE DOMAIN doc.ip AS inet;
CREATE TABLE _crate.nodes (id int PRIMARY KEY, name text NOT NULL, http text NOT NULL);
CREATE TABLE _crate.blob_tables (
    table_name text PRIMARY KEY, shards int NOT NULL, replicas text NOT NULL,
    blobs_path text, created timestamptz NOT NULL DEFAULT now());
CREATE TABLE _crate.blobs (
    table_name text NOT NULL REFERENCES _crate.blob_tables ON DELETE CASCADE,
    digest text NOT NULL, size bigint NOT NULL, shard int NOT NULL,
    last_modified timestamptz NOT NULL, PRIMARY KEY (table_name, digest));
CREATE VIEW _crate.user_tables AS
    SELECT t.table_schema::text AS table_schema, t.table_name::text AS table_name,
           t.table_type::text AS pg_type
    FROM information_schema.tables t
    WHERE t.table_schema NOT IN ('pg_catalog', 'information_schema', 'blob', '_crate',
                                 '_crate_is', '_crate_sys', 'public');
CREATE VIEW _crate_is.tables AS
    SELECT 'crate'::text AS table_catalog, table_schema, table_name,
           CASE WHEN pg_type = 'VIEW' THEN 'VIEW' ELSE 'BASE TABLE' END AS table_type,
           '_id'::text AS clustered_by, 4 AS number_of_shards,
           '0-1'::text AS number_of_replicas, NULL::text AS blobs_path
    FROM _crate.user_tables
    UNION ALL
    SELECT 'crate', 'blob', table_name, 'BASE TABLE', 'digest', shards, replicas, blobs_path
    FROM _crate.blob_tables
    UNION ALL
    SELECT 'crate', CASE c.table_schema WHEN '_crate_is' THEN 'information_schema'
                                        ELSE 'sys' END,
           c.table_name::text, 'BASE TABLE', NULL, NULL, NULL, NULL
    FROM information_schema.tables c WHERE c.table_schema IN ('_crate_is', '_crate_sys');
CREATE VIEW _crate_is.schemata AS
    SELECT DISTINCT table_schema AS schema_name FROM _crate_is.tables
    UNION SELECT 'doc' UNION SELECT 'blob';
CREATE VIEW _crate_is.columns AS
    SELECT c.table_schema::text AS table_schema, c.table_name::text AS table_name,
           c.column_name::text AS column_name, c.ordinal_position::int AS ordinal_position,
           CASE WHEN c.domain_name IS NOT NULL THEN c.domain_name::text
                WHEN c.data_type = 'ARRAY' THEN ltrim(c.udt_name::text, '_') || '_array'
                WHEN c.data_type = 'jsonb' THEN 'object'
                ELSE c.data_type::text END AS data_type,
           c.is_nullable = 'YES' AS is_nullable
    FROM information_schema.columns c
    JOIN _crate.user_tables u ON u.table_schema = c.table_schema
                              AND u.table_name = c.table_name
    UNION ALL
    SELECT 'blob', b.table_name, col.name, col.pos, col.type, col.pos = 2
    FROM _crate.blob_tables b,
         (VALUES ('digest', 1, 'text'), ('last_modified', 2, 'timestamp with time zone'))
             AS col(name, pos, type);
CREATE VIEW _crate_sys.nodes AS SELECT id::text AS id, name, http AS rest_url FROM _crate.nodes;
CREATE VIEW _crate_sys.shards AS
    SELECT 'blob'::text AS schema_name, b.table_name, s.id, true AS "primary",
           coalesce(agg.num_docs, 0)::bigint AS num_docs, coalesce(agg.size, 0)::bigint AS size,
           'STARTED'::text AS state,
           (SELECT name FROM _crate.nodes n
            WHERE n.id = s.id % (SELECT count(*) FROM _crate.nodes)) AS node
    FROM _crate.blob_tables b
    CROSS JOIN LATERAL generate_series(0, b.shards - 1) AS s(id)
    LEFT JOIN (SELECT table_name, shard, count(*) AS num_docs, sum(size) AS size
               FROM _crate.blobs GROUP BY table_name, shard) agg
           ON agg.table_name = b.table_name AND agg.shard = s.id
    UNION ALL
    SELECT u.table_schema, u.table_name, 0, true,
           coalesce(st.n_live_tup, 0), pg_total_relation_size(st.relid), 'STARTED',
           (SELECT name FROM _crate.nodes WHERE id = 0)
    FROM _crate.user_tables u
    JOIN pg_stat_user_tables st ON st.schemaname = u.table_schema AND st.relname = u.table_name;
CREATE VIEW _crate_sys.cluster AS SELECT 'fleet'::text AS name;
"""


class Database:
    """A pool of connections to the stand-in's own database, made afresh at start."""

    def __init__(self, host: str, name: str, *, port: int = 5432, user: str = "postgres") -> None:
        self.name = name
        self._dsn = {"host": host, "port": port, "user": user,
                     "application_name": "cratedb-standin"}
        self._recreate()
        self._pool = psycopg2.pool.ThreadedConnectionPool(1, 16, dbname=name, **self._dsn)
        self._lock = threading.Lock()
        with self.connection() as conn, conn.cursor() as cur:
            cur.execute(_CATALOG)

    def _recreate(self) -> None:
        conn = psycopg2.connect(dbname="postgres", **self._dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg2.extensions.connection]:
        """Lend one autocommit connection; a broken one is thrown away."""
        conn = self._pool.getconn()
        conn.autocommit = True
        broken = False
        try:
            yield conn
        except psycopg2.OperationalError:
            broken = True
            raise
        finally:
            self._pool.putconn(conn, close=broken or bool(conn.closed))

    def execute(self, sql: str, args: Any = None) -> list[tuple[Any, ...]]:
        """Run the stand-in's own bookkeeping SQL; return its rows (if any)."""
        with self.connection() as conn, conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall() if cur.description else []

    def close(self) -> None:
        """Close every pooled connection (the database stays for inspection)."""
        self._pool.closeall()
