"""Save a query's or a table's rows to a file: CSV, JSON, XLSX or Parquet.

CSV goes through ``COPY (query) TO STDOUT`` (faster than ``psql \\copy``);
the others read a named cursor a batch at a time in a read-only transaction
and write as they go, so memory stays flat on any size. The file appears
whole or not at all: rows go to a temporary file beside it, renamed over the
target once the last row is written. ``export_data`` runs the same as a
tracked job (progress, cancel, history).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from psycopg2 import sql

from console.backends.datajobs import DataJob, DataJobs, JobHandle
from console.backends.encoding import json_default, json_finite, unique_names
from console.backends.postgres._copy import copy_csv
from console.errors import BadQuery, ConsoleError

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient
    from console.backends.postgres._query import QueryRun
    from console.backends.postgres._rows_out import RowBatches

EXPORT_FORMATS = ("csv", "json", "xlsx", "parquet")
SUFFIXES = {"csv": "csv", "json": "json", "xlsx": "xlsx", "parquet": "parquet", "pq": "parquet",
            "jsonl": "json"}
BATCH = 5000
"""Rows per fetch while writing JSON or XLSX: ~1 MB of Python objects at a time."""
PARQUET_BATCH = 20_000
COPY_BUFFER = 1 << 20
Params = Sequence[Any] | Mapping[str, Any] | None


def export_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format: as given, else from the file's extension.

    Raises:
        BadQuery: an unknown format, or a name that does not say one.
    """
    chosen = (fmt or SUFFIXES.get(Path(path).suffix.lower().lstrip("."), "")).lower()
    if chosen not in EXPORT_FORMATS:
        what = f"as {fmt!r}" if fmt else f"to {Path(path).name!r} (no known extension)"
        raise BadQuery(f"cannot export {what}: use csv, json, xlsx or parquet",
                       operation="export rows")
    return chosen


def export_formats() -> tuple[str, ...]:
    """The formats ``export_query`` and ``export_data`` write: csv, json, xlsx, parquet."""
    return EXPORT_FORMATS


def partial_path(target: Path) -> Path:
    """The temporary file an export writes before it is renamed to ``target``."""
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def export_query(client: PostgresClient, database: str, sql: str, path: str | os.PathLike[str],
                 fmt: str, params: Params = None, *, handle: JobHandle | None = None) -> int:
    """Write the rows of one query to ``path`` as ``csv``, ``json``, ``xlsx`` or ``parquet``.

    Args:
        client: The profile's client.
        database: The database to run the query in.
        sql: One statement that returns rows (SELECT, WITH, VALUES, TABLE);
            it is run again, so a statement that writes is refused.
        path: The file to create or replace.
        fmt: ``csv`` (with a header), ``json`` (an array of objects keyed by
            column), ``xlsx`` (one sheet) or ``parquet``.
        params: Values for the query's ``%s`` or ``%(name)s`` placeholders.
        handle: A data job's handle, for progress and cancel (see ``export_data``).

    Returns:
        The number of rows written.

    Raises:
        BadQuery: unknown format, a statement that returns no rows, values a
            format cannot hold, or the server rejected it.
        Cancelled: the job was cancelled.
        ConsoleError: the file cannot be written, or any error of ``PostgresClient.run``.
    """
    if fmt not in EXPORT_FORMATS:
        raise BadQuery(f"cannot export as {fmt!r}: use csv, json, xlsx or parquet",
                       operation="export rows")
    client.vet(database, sql, params, copy=True)
    target = Path(path)
    temporary = partial_path(target)
    try:
        rows = _write(client, database, sql, params, temporary, fmt, handle)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConsoleError(f"cannot write {target}: {exc.strerror or exc}",
                           title="Export failed", operation="export rows") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return rows


def _write(client: PostgresClient, database: str, query: str, params: Params, path: Path,
           fmt: str, handle: JobHandle | None) -> int:
    if fmt == "csv":
        return _copy_out(client, database, query, params, path, handle)
    # what only the other formats need (psycopg2.extras, and with it logging)
    from console.backends.postgres._parquet import write_parquet
    from console.backends.postgres._rows_out import read_batches
    from console.backends.postgres._xlsx_out import write_xlsx

    batch = PARQUET_BATCH if fmt == "parquet" else BATCH
    with _watch_size(path, handle), read_batches(client, database, query, params, handle,
                                                 batch=batch, raw_json=fmt != "json") as rows:
        if fmt == "parquet":
            return write_parquet(rows, path, handle)
        if fmt == "xlsx":
            return write_xlsx(rows, path, handle)
        with path.open("w", encoding="utf-8") as out:
            return write_json_rows(rows, out, handle)


def _copy_out(client: PostgresClient, database: str, query: str, params: Params, path: Path,
              handle: JobHandle | None) -> int:
    pool = client.pool(database)
    conn = pool.acquire()
    active = True

    def cancel() -> None:
        if active:
            conn.cancel()

    broken = True
    try:
        if handle is not None:
            handle.on_cancel(cancel)
        with _watch_size(path, handle), path.open("wb", buffering=COPY_BUFFER) as out:
            rows = copy_csv(conn, query, out, params=params,  # type: ignore[arg-type]
                            profile=client.profile.name)
        broken = False
    finally:
        active = False
        pool.release(conn, discard=broken)
    if handle is not None:
        handle.advance(rows=rows)
    return rows


@contextmanager
def _watch_size(path: Path, handle: JobHandle | None, every: float = 0.5) -> Iterator[None]:
    """Keep the job's byte count at the file's size while the block writes it.

    Watching from a thread costs the writer nothing: COPY hands over one row
    per ``write()``, and counting there would slow a 1M-row CSV export.
    """
    if handle is None:
        yield
        return
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(every):
            _measure(path, handle)

    thread = threading.Thread(target=watch, name="export-size", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        _measure(path, handle)


def _measure(path: Path, handle: JobHandle) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return
    handle.advance(nbytes=size - handle.job.bytes)


def write_json_rows(rows: RowBatches, out: IO[str], handle: JobHandle | None = None,
                    default: Callable[[Any], Any] = json_default) -> int:
    """Stream batches to ``out`` as one JSON array of objects; return the row count."""
    names = unique_names(column.name for column in rows.columns)
    return _json_array(names, rows.batches, out, default, handle)


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

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        rows = run.first_rows
        while rows:
            yield rows
            rows = run.fetch(batch)

    names = unique_names(column.name for column in run.columns)
    return _json_array(names, batches(), out, default, None)


def _json_array(names: list[str], batches: Iterable[list[tuple[Any, ...]]], out: IO[str],
                default: Callable[[Any], Any], handle: JobHandle | None) -> int:
    out.write("[")
    count = 0
    for rows in batches:
        for row in rows:
            record = dict(zip(names, map(json_finite, row)))
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, default=default, ensure_ascii=False))
            count += 1
        if handle is not None:
            handle.advance(rows=len(rows))
    out.write("\n]\n" if count else "]\n")
    return count


@dataclass(frozen=True)
class ExportRequest:
    """What to export (a table or a query), from which database, to which file."""

    database: str
    path: str
    fmt: str | None = None
    """``csv``, ``json``, ``xlsx`` or ``parquet``; from the file's extension when ``None``."""
    query: str | None = None
    table: str | None = None
    schema: str = "public"
    params: Params = None

    def statement(self, client: PostgresClient) -> str:
        """The query to run: the one given, or every row of the table (name quoted).

        Raises:
            BadQuery: neither a table nor a query.
        """
        if self.query is not None:
            return self.query
        if not self.table:
            raise BadQuery("name a table or give a query to export", operation="export rows")
        name = quoted(client, self.database, sql.Identifier(self.schema, self.table))
        return f"SELECT * FROM {name}"

    def source(self) -> str:
        """How the job names what it exports."""
        if self.query is not None:
            text = " ".join(self.query.split())
            return text if len(text) <= 200 else text[:199] + "…"
        return f"{self.database}.{self.schema}.{self.table}"


_RELTUPLES = "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)"


def export_data(client: PostgresClient, request: ExportRequest, jobs: DataJobs | None = None,
                *, on_start: Callable[[JobHandle], None] | None = None) -> DataJob:
    """Export a table or a query to a file as a tracked job.

    Args:
        client: The profile's PostgreSQL client.
        request: What to export and where.
        jobs: The profile's job manager (``DataJobs.of(profile)`` when ``None``).
        on_start: Called with the ``JobHandle`` once the job is recorded (to cancel it).

    Returns:
        The finished job: ``DONE`` with its row count and ``download_url`` (the
        file's URI), or ``FAILED`` with the reason (no file is left behind).

    Raises:
        BadQuery: unknown format, or neither a table nor a query.
    """
    fmt = export_format(request.path, request.fmt)
    statement = request.statement(client)
    target = Path(request.path).expanduser().resolve()
    jobs = jobs or DataJobs.of(client.profile.name)
    handle = jobs.start("export", fmt, request.source(), str(target), request.database,
                        partial_path=str(partial_path(target)))
    if on_start is not None:
        on_start(handle)

    def work(handle: JobHandle) -> int:
        if request.query is None:
            _estimate(client, request, handle)
        rows = export_query(client, request.database, statement, target, fmt, request.params,
                            handle=handle)
        handle.job.download_url = target.as_uri()
        return rows

    return jobs.run(handle, work)


def quoted(client: PostgresClient, database: str, composable: sql.Composable) -> str:
    """A composed piece of SQL as text (quoting needs a connection's encoding)."""
    pool = client.pool(database)
    conn = pool.acquire()
    try:
        return composable.as_string(conn)
    finally:
        pool.release(conn)


def _estimate(client: PostgresClient, request: ExportRequest, handle: JobHandle) -> None:
    """A table's row estimate (``reltuples``), so the time left can be told."""
    name = quoted(client, request.database, sql.Identifier(request.schema, request.table or ""))
    found = client.read(request.database, "estimate rows", _RELTUPLES, (name,))
    if found and found[0][0] is not None and found[0][0] > 0:
        handle.set_totals(total_rows=int(found[0][0]))
