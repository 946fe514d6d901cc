"""The records of data jobs: states, column types, previews and the job itself.

A job is shaped like bit.io's import and export jobs (``id``, ``state``,
``date_created``, ``date_finished``, ``error_type``, ``error_details``,
``export_format``, ``file_name``, ``download_url``), plus the progress the
console measures (rows, bytes, rate, time left) and where an input was at fault.
"""

from __future__ import annotations

import enum
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any


class JobState(str, enum.Enum):
    """Where a job is: accepted, running, finished, or failed (with the reason)."""

    RECEIVED = "RECEIVED"
    PROCESSING = "PROCESSING"
    DONE = "DONE"
    FAILED = "FAILED"

    @property
    def active(self) -> bool:
        """Whether the job may still change."""
        return self in (JobState.RECEIVED, JobState.PROCESSING)


class ColumnType(str, enum.Enum):
    """The column types an import offers, each with the PostgreSQL type it creates."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMPTZ = "timestamptz"
    JSON = "json"
    BYTES = "bytes"

    @property
    def sql(self) -> str:
        """The PostgreSQL type a new table's column gets."""
        return _SQL_TYPES[self]

    @classmethod
    def parse(cls, text: str) -> ColumnType:
        """Read a type name as an operator types it (``int``, ``numeric``, ``jsonb``…).

        Raises:
            ValueError: not a type an import offers (the message lists them).
        """
        name = _ALIASES.get(text.strip().lower(), text.strip().lower())
        try:
            return cls(name)
        except ValueError:
            offered = ", ".join(member.value for member in cls)
            raise ValueError(f"unknown column type {text!r}: use one of {offered}") from None


_SQL_TYPES = {
    ColumnType.INTEGER: "bigint",
    ColumnType.DECIMAL: "numeric",
    ColumnType.TEXT: "text",
    ColumnType.BOOLEAN: "boolean",
    ColumnType.DATE: "date",
    ColumnType.TIMESTAMPTZ: "timestamptz",
    ColumnType.JSON: "jsonb",
    ColumnType.BYTES: "bytea",
}
_ALIASES = {
    "int": "integer", "bigint": "integer", "int8": "integer", "smallint": "integer",
    "numeric": "decimal", "number": "decimal", "float": "decimal", "real": "decimal",
    "double precision": "decimal", "string": "text", "varchar": "text", "bool": "boolean",
    "timestamp": "timestamptz", "timestamp with time zone": "timestamptz",
    "datetime": "timestamptz", "jsonb": "json", "bytea": "bytes", "blob": "bytes",
}


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import: its name in the table and its type."""

    name: str
    type: ColumnType


@dataclass(frozen=True)
class PreviewTable:
    """The first rows of one table of the input, with the columns inferred from them."""

    name: str
    """The sheet or SQLite table it came from (``""`` for CSV and JSON)."""
    columns: tuple[ImportColumn, ...]
    rows: tuple[tuple[str | None, ...], ...]
    """The first rows as text (``None`` for a missing value)."""


@dataclass(frozen=True)
class Preview:
    """What an input holds, read from its first rows before anything is loaded."""

    source: str
    fmt: str
    tables: tuple[PreviewTable, ...]
    header: bool = True
    """CSV: whether the first line names the columns (sniffed unless given)."""
    delimiter: str = ","
    """CSV: the field separator (sniffed unless given)."""


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds, as job records keep it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class DataJob:
    """One import or export and how far it got."""

    id: str
    kind: str
    """``import`` or ``export``."""
    fmt: str
    source: str
    """A file or URL (imports), a table or query (exports)."""
    target: str
    """``database.schema.table`` (imports) or a file path (exports)."""
    database: str
    state: JobState = JobState.RECEIVED
    date_created: str = field(default_factory=now_iso)
    date_started: str | None = None
    date_finished: str | None = None
    rows: int = 0
    bytes: int = 0
    total_bytes: int | None = None
    total_rows: int | None = None
    """An estimate where the console has one (a table's ``reltuples``)."""
    elapsed: float = 0.0
    """Seconds spent processing so far."""
    error_type: str | None = None
    error_details: str | None = None
    error_line: int | None = None
    """Line, row or record of the input at fault (see ``error_unit``)."""
    error_unit: str | None = None
    pid: int = 0
    """The console process that runs the job."""
    pid_started: float = 0.0
    """When that process started, so a reused pid is not taken for it."""
    partial_path: str | None = None
    """An export's temporary file, removed if the job is cut short."""
    download_url: str | None = None
    cancel_requested: bool = False

    @property
    def export_format(self) -> str | None:
        """bit.io's name for an export's format."""
        return self.fmt if self.kind == "export" else None

    @property
    def rate(self) -> float | None:
        """Rows per second so far (``None`` before the first second's worth)."""
        if self.elapsed <= 0 or not self.rows:
            return None
        return self.rows / self.elapsed

    @property
    def time_left(self) -> float | None:
        """Seconds until done at the rate so far, when the total is known."""
        if not self.state.active or self.elapsed <= 0:
            return None
        if self.total_bytes and self.bytes:
            return max(self.total_bytes - self.bytes, 0) * self.elapsed / self.bytes
        if self.total_rows and self.rows:
            return max(self.total_rows - self.rows, 0) * self.elapsed / self.rows
        return None

    @property
    def reason(self) -> str:
        """Why it failed, with where the input was at fault (empty unless FAILED)."""
        if self.state is not JobState.FAILED:
            return ""
        return self.error_details or self.error_type or "failed"

    def to_json(self) -> dict[str, Any]:
        """The record as ``--json`` prints it (bit.io's field names where it had them)."""
        record = asdict(self)
        record["state"] = self.state.value
        record["export_format"] = self.export_format
        record["rate"] = self.rate
        record["time_left"] = self.time_left
        for private in ("pid_started", "partial_path", "cancel_requested"):
            record.pop(private)
        return record

    def to_record(self) -> dict[str, Any]:
        """Everything, for the job store."""
        record = asdict(self)
        record["state"] = self.state.value
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> DataJob:
        """Read a stored record back (fields a newer console added are ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in known}
        values["state"] = JobState(values.get("state", JobState.FAILED.value))
        return cls(**values)
