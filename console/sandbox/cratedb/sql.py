"""``POST /_sql``: run one statement (or one per ``bulk_args`` row) and answer as CrateDB.

Blocking (psycopg2): the node app calls it from a worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import psycopg2
from psycopg2.extras import Json

from console.sandbox.cratedb.cluster import Cluster
from console.sandbox.cratedb.replies import (
    CrateError,
    col_type,
    from_postgres,
    parse_error,
    wire_value,
)
from console.sandbox.cratedb.translate import ParseError, first_words, parse_blob_ddl, to_postgres

_NO_OPS = {"BEGIN", "COMMIT", "END", "START"}
"""Accepted and ignored, as CrateDB does: it has no transactions."""


def answer(cluster: Cluster, body: Any, *, schema: str, types: bool) -> tuple[int, dict[str, Any]]:
    """Return the HTTP status and JSON body for one ``/_sql`` request body."""
    started = time.perf_counter()
    try:
        stmt, args, bulk = _request(body)
        if bulk is not None:
            reply = _bulk(cluster, stmt, bulk, schema)
        else:
            reply = _single(cluster, stmt, args, schema, types)
    except CrateError as exc:
        return exc.status, exc.body()
    reply["duration"] = round((time.perf_counter() - started) * 1000, 3)
    return 200, reply


def _request(body: Any) -> tuple[str, list[Any], list[list[Any]] | None]:
    if not isinstance(body, dict) or not isinstance(body.get("stmt"), str):
        raise parse_error("Field [stmt] was not defined")
    if "args" in body and "bulk_args" in body:
        raise parse_error("request body contains args and bulk_args. It's forbidden to "
                          "provide both")
    args = body.get("args") or []
    bulk = body.get("bulk_args")
    if not isinstance(args, list) or (bulk is not None and not isinstance(bulk, list)):
        raise parse_error("Field [args] or [bulk_args] must be an array")
    return body["stmt"], args, bulk


def _single(cluster: Cluster, stmt: str, args: list[Any], schema: str,
            types: bool) -> dict[str, Any]:
    special = _special(cluster, stmt, args)
    if special is not None:
        return {"cols": [], **({"col_types": []} if types else {}), "rows": [],
                "rowcount": special}
    cols, oids, rows, rowcount = _run(cluster, stmt, args, schema)
    reply: dict[str, Any] = {"cols": cols}
    if types:
        reply["col_types"] = [col_type(oid) for oid in oids]
    reply["rows"] = [[wire_value(v) for v in row] for row in rows]
    reply["rowcount"] = rowcount
    return reply


def _bulk(cluster: Cluster, stmt: str, bulk: list[Any], schema: str) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for row in bulk:
        try:
            if not isinstance(row, list):
                raise parse_error("bulk_args must hold arrays")
            special = _special(cluster, stmt, row)
            count = special if special is not None else _run(cluster, stmt, row, schema)[3]
            results.append({"rowcount": count})
        except CrateError as exc:  # every row is attempted; a failed one says why
            results.append({"rowcount": -2, "error_message": exc.message})
    return {"cols": [], "duration": 0, "results": results}


def _special(cluster: Cluster, stmt: str, args: Sequence[Any]) -> int | None:
    """Run what PostgreSQL cannot (blob-table DDL, no-op statements); ``None`` otherwise."""
    words = first_words(stmt, 1)
    if words and words[0] in _NO_OPS:
        return 0
    try:
        ddl = parse_blob_ddl(stmt, args)
    except ParseError as exc:
        raise parse_error(str(exc)) from exc
    return None if ddl is None else cluster.apply(ddl)


def _run(cluster: Cluster, stmt: str, args: list[Any], schema: str
         ) -> tuple[list[str], list[int], list[tuple[Any, ...]], int]:
    try:
        sql, bound = to_postgres(stmt, args)
    except ParseError as exc:
        raise parse_error(str(exc)) from exc
    bound = [Json(v) if isinstance(v, dict) else v for v in bound]
    if not sql.strip():
        raise parse_error("line 1:1: mismatched input '<EOF>'")
    with cluster.db.connection() as conn, conn.cursor() as cur:
        try:
            cur.execute("SELECT set_config('search_path', %s, false)", (f'"{schema}"',))
            cur.execute(sql, bound)
        except psycopg2.Error as exc:
            raise from_postgres(exc, schema) from exc
        except (TypeError, ValueError, IndexError) as exc:  # arguments psycopg2 cannot adapt
            raise parse_error(str(exc)) from exc
        if cur.description is None:
            return [], [], [], cur.rowcount
        rows = cur.fetchall()
        cols = [d.name for d in cur.description]
        return cols, [d.type_code for d in cur.description], rows, len(rows)
