"""Save a query's result to a file: CSV through ``COPY``, JSON from a named cursor.

The file appears whole or not at all: rows go to a temporary file beside it,
renamed over the target once the last row is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from console.backends.encoding import json_default, json_finite, unique_names
from console.errors import BadQuery, ConsoleError

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient
    from console.backends.postgres._query import QueryRun

FORMATS = ("csv", "json")
BATCH = 5000
"""Rows per fetch while writing JSON: ~1 MB of Python objects at a time."""


def export_query(client: PostgresClient, database: str, sql: str, path: str | os.PathLike[str],
                 fmt: str, params: Sequence[Any] | None = None) -> int:
    """Write the rows of one query to ``path`` as ``csv`` (with a header) or ``json``.

    Args:
        client: The profile's client.
        database: The database to run the query in.
        sql: One statement that returns rows (SELECT, WITH, VALUES, TABLE);
            it is run again, so a statement that writes is refused.
        path: The file to create or replace.
        fmt: ``"csv"`` or ``"json"`` (an array of objects keyed by column).
        params: Values for the query's ``%s`` placeholders (see ``PostgresClient.run``).

    Returns:
        The number of rows written.

    Raises:
        BadQuery: unknown format, a statement that returns no rows, or the server
            rejected it.
        ConsoleError: the file cannot be written, or any error of ``PostgresClient.run``.
    """
    if fmt not in FORMATS:
        raise BadQuery(f"cannot export as {fmt!r}: use csv or json", operation="export rows")
    client.vet(database, sql, params, copy=True)
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        rows = _write(client, database, sql, params, temporary, fmt)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConsoleError(f"cannot write {target}: {exc.strerror or exc}",
                           title="Export failed", operation="export rows") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return rows


def _write(client: PostgresClient, database: str, sql: str, params: Sequence[Any] | None,
           path: Path, fmt: str) -> int:
    if fmt == "csv":
        with path.open("wb") as out:
            return client.copy_csv(database, sql, out, params=params)
    with (client.run(database, sql, params=params, batch=BATCH) as run,
          path.open("w", encoding="utf-8") as out):
        return write_json(run, out)


def write_json(run: QueryRun, out: IO[str], default: Callable[[Any], Any] = json_default,
               *, batch: int = BATCH) -> int:
    """Stream a run's rows to ``out`` as one JSON array of objects; return the row count.

    Raises:
        BadQuery: the statement returns no rows.
        ConsoleError: fetching failed (see ``QueryRun.fetch``).
    """
    if not run.has_rows:
        raise BadQuery(f"{run.kind.keyword or 'the'} statement returns no rows",
                       operation="export rows")
    names = unique_names(column.name for column in run.columns)
    out.write("[")
    count = 0
    rows = run.first_rows
    while rows:
        for row in rows:
            record = dict(zip(names, map(json_finite, row)))
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, default=default, ensure_ascii=False))
            count += 1
        rows = run.fetch(batch)
    out.write("\n]\n" if count else "]\n")
    return count
