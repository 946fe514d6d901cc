"""Typed records of the Balsam REST API (protocols/balsam.md §7).

Records are plain dataclasses built from the JSON rows the server sends; the
raw row is kept so nothing the server adds later is lost on the way to
``--json`` output.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from console.errors import BadQuery

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


JOB_FIELDS: tuple[str, ...] = (
    "workdir",
    "app_id",
    "state",
    "tags",
    "parameters",
    "parent_ids",
    "batch_job_id",
    "data",
    "return_code",
    "num_nodes",
    "ranks_per_node",
    "threads_per_rank",
    "threads_per_core",
    "launch_params",
    "gpus_per_rank",
    "node_packing_count",
    "wall_time_min",
    "pending_file_cleanup",
)
"""Job fields an operator sets: the ones ``Job.dirty()`` compares with the row."""


@dataclass
class Job(Record):
    """One job: an app invocation in a working directory, moving through ``JOB_STATES``.

    Like the Balsam API's ``Job``, a job made in memory has no id until it is
    saved; one read from the server is bound to its manager, so ``await
    job.save()``, ``await job.refresh_from_db()`` and ``await job.delete()``
    work on it (``client.jobs.new(...)`` makes a bound one).
    """

    id: int | None = None  # type: ignore[assignment]
    workdir: str = ""
    app_id: int = 0
    state: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    parent_ids: list[int] = field(default_factory=list)
    batch_job_id: int | None = None
    session_id: int | None = None
    last_update: dt.datetime | None = None
    return_code: int | None = None
    num_nodes: int = 1
    ranks_per_node: int = 1
    threads_per_rank: int = 1
    threads_per_core: int = 1
    gpus_per_rank: float = 0.0
    node_packing_count: int = 1
    wall_time_min: int = 0
    launch_params: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    pending_file_cleanup: bool = True
    manager: Any = field(default=None, repr=False, compare=False)
    """The ``JobManager`` it was read through or saved by (``None`` for a new one)."""

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Job:
        return cls(
            id=int(row["id"]),
            raw=row,
            workdir=str(row.get("workdir", "")),
            app_id=int(row.get("app_id") or 0),
            state=str(row.get("state", "")),
            tags=dict(row.get("tags") or {}),
            parameters=dict(row.get("parameters") or {}),
            parent_ids=list(row.get("parent_ids") or []),
            batch_job_id=row.get("batch_job_id"),
            session_id=row.get("session_id"),
            last_update=parse_time(row.get("last_update")),
            return_code=row.get("return_code"),
            num_nodes=int(row.get("num_nodes") or 1),
            ranks_per_node=int(row.get("ranks_per_node") or 1),
            threads_per_rank=int(row.get("threads_per_rank") or 1),
            threads_per_core=int(row.get("threads_per_core") or 1),
            gpus_per_rank=float(row.get("gpus_per_rank") or 0.0),
            node_packing_count=int(row.get("node_packing_count") or 1),
            wall_time_min=int(row.get("wall_time_min") or 0),
            launch_params=dict(row.get("launch_params") or {}),
            data=dict(row.get("data") or {}),
            pending_file_cleanup=bool(row.get("pending_file_cleanup", True)),
        )

    def values(self) -> dict[str, Any]:
        """The operator-set fields as the API's create or update body names them."""
        return {name: copy.deepcopy(getattr(self, name)) for name in JOB_FIELDS}

    def dirty(self) -> dict[str, Any]:
        """Fields changed in memory since the job was read (all of them for a new job)."""
        if self.id is None or not self.raw:
            return self.values()
        read = Job.from_json(self.raw)
        return {k: v for k, v in self.values().items() if getattr(read, k) != v}

    def reload(self, row: dict[str, Any]) -> None:
        """Take every field from a fresh row (what ``refresh_from_db`` does)."""
        fresh = Job.from_json(row)
        for item in fields(self):
            if item.name != "manager":
                setattr(self, item.name, getattr(fresh, item.name))

    def _bound(self) -> Any:
        if self.manager is None:
            raise BadQuery(
                "this job is not bound to a server: make it with client.jobs.new(...) "
                "or save it with client.jobs.save(job)"
            )
        return self.manager

    async def save(self) -> Job:
        """Create the job (no id yet) or send its changed fields; then re-read it.

        Raises:
            BadQuery: the job is not bound to a client, or a field is refused.
        """
        saved: Job = await self._bound().save(self)
        return saved

    async def refresh_from_db(self) -> Job:
        """Read the job again from the server.

        Raises:
            NotFound: it is no longer there.
        """
        fresh: Job = await self._bound().refresh(self)
        return fresh

    async def delete(self) -> None:
        """Delete the job on the server; its ``id`` becomes ``None``."""
        await self._bound().delete_job(self)


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
