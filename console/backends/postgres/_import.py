"""Import a file or URL into a table: ``COPY … FROM STDIN`` in one transaction, as a job.

CSV goes to the server as it is (PostgreSQL parses it, as fast as ``psql
\\copy``); JSON, XLSX and SQLite rows are read by their libraries and encoded
as CSV on the way (``datajobs.csv_chunks``). Either way the input streams
through a bounded buffer, and ``CREATE TABLE`` + every ``COPY`` + ``COMMIT``
form one transaction: a bad row, a cancel, a dropped connection or a killed
console leave nothing behind. A bad row is reported at its place in the
input (the file's line, the sheet's row, the JSON element).
"""

from __future__ import annotations

import enum
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psycopg2 import sql

from console.backends.datajobs import (
    ColumnType,
    DataJob,
    DataJobs,
    ImportColumn,
    JobHandle,
    JobState,
    LineMap,
    RowTable,
    csv_chunks,
    default_delimiter,
    display_name,
    format_of,
    open_source,
    read_head,
    row_tables,
)
from console.backends.datajobs._csv import BOM, HEAD_BYTES, sniff
from console.backends.postgres._copy_in import CopyFeed, CopySession, copy_in
from console.backends.postgres._targets import Target, plan_target
from console.errors import BadQuery, ReadOnlyRefused
from console.profiles import audit, locations

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient

READ_BUFFER = 1 << 20
"""Bytes read from the input per COPY message for CSV: 1 MB keeps round trips few."""


class ImportMode(str, enum.Enum):
    """What to do about the target table."""

    AUTO = "auto"
    """Create it if missing; refuse if it exists."""
    CREATE = "create"
    """Create it; refuse if it exists."""
    APPEND = "append"
    """Add rows to the existing table; refuse if it is missing."""


@dataclass(frozen=True)
class ImportRequest:
    """What to import, from where, into which table."""

    source: str
    """A file path or an ``http(s)`` URL."""
    database: str
    table: str | None = None
    """The target table; SQLite: defaults to each source table's own name."""
    schema: str = "public"
    fmt: str | None = None
    """``csv``, ``json``, ``xlsx`` or ``sqlite``; from the name or first bytes when ``None``."""
    mode: ImportMode = ImportMode.AUTO
    columns: tuple[ImportColumn, ...] | None = None
    """The operator's names and types (one per input column); inferred when ``None``."""
    header: bool | None = None
    """CSV, XLSX: whether the first row names the columns (CSV: sniffed when ``None``)."""
    delimiter: str | None = None
    sheet: str | None = None
    tables: tuple[str, ...] = ()
    """SQLite: the tables to import (all when empty)."""


def import_data(client: PostgresClient, request: ImportRequest, jobs: DataJobs | None = None,
                *, on_start: Any = None) -> DataJob:
    """Import an input into a table as a tracked job, all in one transaction.

    Args:
        client: The profile's PostgreSQL client.
        request: What to import where.
        jobs: The profile's job manager (``DataJobs.of(profile)`` when ``None``).
        on_start: Called with the ``JobHandle`` once the job is recorded (to cancel it).

    Returns:
        The finished job: ``DONE`` with its row count, or ``FAILED`` with the reason
        (and ``error_line`` where the input was at fault); nothing is committed then.

    Raises:
        ReadOnlyRefused: the profile is read-only (no job is recorded).
        BadQuery: the format is not one that imports.
    """
    profile = client.profile.name
    target_name = _target_name(request)
    if client.profile.read_only:
        audit.record(profile, "data.import", target_name, outcome="refused: read-only profile")
        raise ReadOnlyRefused(f"profile '{profile}' is read-only: imports are refused",
                              profile=profile, operation="import data")
    fmt = format_of(request.source, request.fmt)
    if fmt == "sqlite" and request.columns is not None and len(request.tables) != 1:
        raise BadQuery("column types can be given for one SQLite table at a time",
                       operation="import data")
    jobs = jobs or DataJobs.of(profile)
    handle = jobs.start("import", fmt or "?", display_name(request.source), target_name,
                        request.database)
    if on_start is not None:
        on_start(handle)
    job = jobs.run(handle, lambda h: _Import(client, request, h).run())
    outcome = "ok" if job.state is JobState.DONE else f"failed: {job.error_type}"
    audit.record(profile, "data.import", target_name, count=job.rows, outcome=outcome)
    return job


def _target_name(request: ImportRequest) -> str:
    table = request.table or ("{" + ",".join(request.tables) + "}" if request.tables else "*")
    return f"{request.database}.{request.schema}.{table}"


class _Import:
    """One import job's work, on one connection in one transaction."""

    def __init__(self, client: PostgresClient, request: ImportRequest,
                 handle: JobHandle) -> None:
        self.client = client
        self.request = request
        self.handle = handle
        self.profile = client.profile.name

    def run(self) -> int:
        request = self.request
        head = None
        fmt = format_of(request.source, request.fmt)
        if fmt is None:
            head, _ = read_head(request.source, HEAD_BYTES, self.handle.check)
            fmt = format_of(request.source, None, head)
        self.handle.job.fmt = fmt or "csv"
        if fmt == "csv":
            return self._csv()
        return self._rows(fmt or "csv")

    # CSV: the file's bytes straight into COPY ---------------------------------

    def _csv(self) -> int:
        request, handle = self.request, self.handle
        with open_source(request.source, handle.check) as raw:
            handle.set_totals(total_bytes=raw.size)
            stream = io.BufferedReader(raw, READ_BUFFER)
            head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]
            layout = sniff(head, delimiter=request.delimiter or default_delimiter(request.source),
                           header=request.header,
                           complete=raw.size is not None and len(head) >= raw.size)
            if head.startswith(BOM):
                stream.read(len(BOM))
            columns = self._columns(layout.names, layout.types)
            with copy_in(self.client, request.database, handle) as session:
                target = plan_target(session, request.schema, self._table(None), columns,
                                     request.mode.value, positional=not layout.header)
                options = sql.SQL("FORMAT csv, HEADER {}, DELIMITER {}").format(
                    sql.SQL("true" if layout.header else "false"), sql.Literal(layout.delimiter))
                feed = CopyFeed(_counted(stream, handle), handle)
                rows = session.copy(target, options, feed, lines=None, unit="line", where="")
                session.commit()
        return rows

    # JSON, XLSX, SQLite: rows through a format library ---------------------------

    def _rows(self, fmt: str) -> int:
        request, handle = self.request, self.handle
        workdir = locations.profile_dir(self.profile) if self.profile else None
        with row_tables(request.source, fmt, header=request.header, sheet=request.sheet,
                        tables=request.tables, workdir=workdir, check=handle.check) as tables, \
                copy_in(self.client, request.database, handle) as session:
            total = 0
            for table in tables:
                columns = self._columns(table.columns, table.types)
                target = plan_target(session, request.schema, self._table(table),
                                     columns, request.mode.value)
                total += self._copy_rows(session, table, target)
            session.commit()
        return total

    def _copy_rows(self, session: CopySession, table: RowTable, target: Target) -> int:
        lines = LineMap()
        types = [target.types.get(name, ColumnType.TEXT) for name in target.names]
        chunks = csv_chunks(table.rows, types, lines, count=lambda n: self.handle.advance(rows=n))
        feed = CopyFeed(_sized(chunks, self.handle), self.handle)
        return session.copy(target, sql.SQL("FORMAT csv"), feed, lines=lines, unit=table.unit,
                            where=table.where)

    def _columns(self, names: list[str], types: list[ColumnType]) -> list[ImportColumn]:
        given = self.request.columns
        if given is None:
            return [ImportColumn(n, t) for n, t in zip(names, types)]
        if len(given) != len(names):
            raise BadQuery(f"{len(given)} column types given for {len(names)} input columns "
                           f"({', '.join(names)})", operation="import data")
        return list(given)

    def _table(self, table: RowTable | None) -> str:
        if self.request.table:
            return self.request.table
        if table is not None and table.name:
            return table.name
        raise BadQuery("name the table to import into", operation="import data")


def _counted(stream: io.BufferedReader, handle: JobHandle) -> Iterator[bytes]:
    """The CSV's bytes in ``READ_BUFFER`` pieces, counted (lines stand in for rows)."""
    while chunk := stream.read1(READ_BUFFER):
        handle.advance(rows=chunk.count(b"\n"), nbytes=len(chunk))
        yield chunk


def _sized(chunks: Iterator[bytes], handle: JobHandle) -> Iterator[bytes]:
    for chunk in chunks:
        handle.advance(nbytes=len(chunk))
        yield chunk

