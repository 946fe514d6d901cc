"""What to compare across two profiles: a pane's current view, or the CLI's arguments."""

from __future__ import annotations

from dataclasses import dataclass

SQL = "sql"
DEVICES = "devices"
JOBS_SUMMARY = "jobs-summary"
KINDS = (SQL, DEVICES, JOBS_SUMMARY)


@dataclass(frozen=True)
class DiffRequest:
    """One view to open on a second profile beside the first.

    Build it with ``sql``, ``devices`` or ``jobs_summary``.
    """

    kind: str
    """``sql``, ``devices`` or ``jobs-summary``."""
    sql: str = ""
    """The statement (``sql``)."""
    database: str | None = None
    """The database on both sides (``sql``); ``None``: each profile's own default."""
    keys: tuple[str, ...] = ()
    """Columns that identify a row (``sql``); empty: the primary key, else whole rows."""
    filter_text: str = ""
    """The device filter (``devices``), in the filter language of ``docs/device-filter.md``."""

    @classmethod
    def sql_query(cls, sql: str, *, database: str | None = None,
                  keys: tuple[str, ...] = ()) -> DiffRequest:
        """Compare the rows of one query."""
        return cls(SQL, sql=sql, database=database, keys=tuple(keys))

    @classmethod
    def devices(cls, filter_text: str = "") -> DiffRequest:
        """Compare the devices one filter selects."""
        return cls(DEVICES, filter_text=filter_text.strip())

    @classmethod
    def jobs_summary(cls) -> DiffRequest:
        """Compare the job counts by state, site and app."""
        return cls(JOBS_SUMMARY)

    def describe(self) -> str:
        """Say what is compared, in one line."""
        if self.kind == SQL:
            return " ".join(self.sql.split())
        if self.kind == DEVICES:
            return f"devices · filter: {self.filter_text}" if self.filter_text else "all devices"
        return "jobs by state, site and app"
