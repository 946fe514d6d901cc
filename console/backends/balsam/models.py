"""Typed records of the Balsam REST API (protocols/balsam.md §7).

Records are plain dataclasses built from the JSON rows the server sends; the
raw row is kept so nothing the server adds later is lost on the way to
``--json`` output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

JOB_STATES: tuple[str, ...] = (
    "CREATED",
    "AWAITING_PARENTS",
    "READY",
    "STAGED_IN",
    "PREPROCESSED",
    "RUNNING",
    "RUN_DONE",
    "RUN_ERROR",
    "RUN_TIMEOUT",
    "RESTART_READY",
    "POSTPROCESSED",
    "STAGED_OUT",
    "JOB_FINISHED",
    "FAILED",
)
"""Every job state, in the order jobs move through them."""

BATCH_JOB_STATES: tuple[str, ...] = (
    "pending_submission",
    "queued",
    "running",
    "finished",
    "submit_failed",
    "pending_deletion",
)
TRANSFER_STATES: tuple[str, ...] = (
    "awaiting_job",
    "pending",
    "active",
    "inactive",
    "done",
    "error",
)


def parse_time(value: Any) -> dt.datetime | None:
    """Parse an ISO 8601 time; naive values (the create reply sends them) are UTC."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


@dataclass
class Record:
    """Fields every record shares: its id and the row exactly as the server sent it."""

    id: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """Return the row as the server sent it."""
        return dict(self.raw)


@dataclass
class Site(Record):
    """A Balsam site: one directory on one machine, where a launcher runs jobs."""

    name: str = ""
    path: str = ""
    last_refresh: dt.datetime | None = None

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Site:
        return cls(
            id=int(row["id"]),
            raw=row,
            name=str(row.get("name", "")),
            path=str(row.get("path", "")),
            last_refresh=parse_time(row.get("last_refresh")),
        )


@dataclass
class App(Record):
    """An application registered at a site."""

    site_id: int = 0
    name: str = ""
    description: str = ""

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> App:
        return cls(
            id=int(row["id"]),
            raw=row,
            site_id=int(row.get("site_id") or 0),
            name=str(row.get("name", "")),
            description=str(row.get("description") or ""),
        )


@dataclass
class Job(Record):
    """One job: an app invocation in a working directory, moving through ``JOB_STATES``."""

    workdir: str = ""
    app_id: int = 0
    state: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    parent_ids: list[int] = field(default_factory=list)
    batch_job_id: int | None = None
    session_id: int | None = None
    last_update: dt.datetime | None = None
    return_code: int | None = None
    num_nodes: int = 1

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Job:
        return cls(
            id=int(row["id"]),
            raw=row,
            workdir=str(row.get("workdir", "")),
            app_id=int(row.get("app_id") or 0),
            state=str(row.get("state", "")),
            tags=dict(row.get("tags") or {}),
            parent_ids=list(row.get("parent_ids") or []),
            batch_job_id=row.get("batch_job_id"),
            session_id=row.get("session_id"),
            last_update=parse_time(row.get("last_update")),
            return_code=row.get("return_code"),
            num_nodes=int(row.get("num_nodes") or 1),
        )


@dataclass
class BatchJob(Record):
    """A scheduler allocation (queued or running) that launches jobs."""

    site_id: int = 0
    scheduler_id: int | None = None
    project: str = ""
    queue: str = ""
    num_nodes: int = 0
    wall_time_min: int = 0
    job_mode: str = ""
    state: str = ""
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> BatchJob:
        return cls(
            id=int(row["id"]),
            raw=row,
            site_id=int(row.get("site_id") or 0),
            scheduler_id=row.get("scheduler_id"),
            project=str(row.get("project") or ""),
            queue=str(row.get("queue") or ""),
            num_nodes=int(row.get("num_nodes") or 0),
            wall_time_min=int(row.get("wall_time_min") or 0),
            job_mode=str(row.get("job_mode") or ""),
            state=str(row.get("state") or ""),
            start_time=parse_time(row.get("start_time")),
            end_time=parse_time(row.get("end_time")),
        )


@dataclass
class TransferItem(Record):
    """A file a job stages in or out."""

    job_id: int = 0
    direction: str = ""
    local_path: str = ""
    remote_path: str = ""
    location_alias: str = ""
    state: str = ""

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> TransferItem:
        return cls(
            id=int(row["id"]),
            raw=row,
            job_id=int(row.get("job_id") or 0),
            direction=str(row.get("direction") or ""),
            local_path=str(row.get("local_path") or ""),
            remote_path=str(row.get("remote_path") or ""),
            location_alias=str(row.get("location_alias") or ""),
            state=str(row.get("state") or ""),
        )


@dataclass
class EventLog(Record):
    """One state change of one job."""

    job_id: int = 0
    timestamp: dt.datetime | None = None
    from_state: str = ""
    to_state: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> EventLog:
        return cls(
            id=int(row["id"]),
            raw=row,
            job_id=int(row.get("job_id") or 0),
            timestamp=parse_time(row.get("timestamp")),
            from_state=str(row.get("from_state") or ""),
            to_state=str(row.get("to_state") or ""),
            data=dict(row.get("data") or {}),
        )
