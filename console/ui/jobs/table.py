"""The jobs table: one server page at a time, updated by key, with a marked selection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

from console.backends.balsam import BatchJob, Job
from console.ui.widgets.table_keys import TableKeys

COLUMNS = (
    ("sel", " "),
    ("id", "Id"),
    ("state", "State"),
    ("app", "App"),
    ("workdir", "Workdir"),
    ("tags", "Tags"),
    ("updated", "Updated (UTC)"),
)
STATE_STYLES = {"FAILED": "bold", "RUN_ERROR": "bold", "RUN_TIMEOUT": "bold", "JOB_FINISHED": "dim"}


def when(moment: dt.datetime | None) -> str:
    """A compact UTC time: ``11-23 18:04:21``."""
    return moment.astimezone(dt.timezone.utc).strftime("%m-%d %H:%M:%S") if moment else ""


def tags_text(tags: Mapping[str, str]) -> str:
    """Tags as ``k=v`` words."""
    return " ".join(f"{k}={v}" for k, v in tags.items())


class JobTable(TableKeys, DataTable[object]):
    """One page of jobs; ``selected`` holds the ids the operator marked with space."""

    BINDINGS = TableKeys.BINDINGS

    DEFAULT_CSS = """
    JobTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.selected: set[int] = set()
        """Ids marked for a bulk action (kept across pages)."""
        self.jobs: dict[int, Job] = {}
        self.app_names: dict[int, str] = {}

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(self, jobs: Sequence[Job]) -> None:
        """Show a page; rows already shown in the same order are updated in place."""
        ids = [job.id for job in jobs]
        if ids != list(self.jobs):
            cursor = self.cursor_row
            self.clear()
            self.jobs = {}
            for job in jobs:
                self.add_row(*self._cells(job), key=str(job.id))
                self.jobs[job.id] = job
            if jobs:
                self.move_cursor(row=min(cursor, len(jobs) - 1))
            return
        for job in jobs:
            if job.raw != self.jobs[job.id].raw:
                for (key, _), cell in zip(COLUMNS, self._cells(job)):
                    self.update_cell(str(job.id), key, cell)
                self.jobs[job.id] = job

    def _cells(self, job: Job) -> list[object]:
        return [
            "●" if job.id in self.selected else " ",
            str(job.id),
            Text(job.state, style=STATE_STYLES.get(job.state, "")),
            self.app_names.get(job.app_id, str(job.app_id)),
            job.workdir,
            tags_text(job.tags),
            when(job.last_update),
        ]

    def current(self) -> Job | None:
        """The job under the cursor."""
        if not self.jobs or self.cursor_row < 0:
            return None
        return list(self.jobs.values())[min(self.cursor_row, len(self.jobs) - 1)]

    def toggle(self) -> None:
        """Mark or unmark the job under the cursor."""
        job = self.current()
        if job is None:
            return
        self.selected ^= {job.id}
        self.update_cell(str(job.id), "sel", "●" if job.id in self.selected else " ")

    def clear_selection(self) -> None:
        """Unmark every job."""
        for job_id in self.selected & set(self.jobs):
            self.update_cell(str(job_id), "sel", " ")
        self.selected.clear()


BATCH_COLUMNS = (
    ("id", "Id"),
    ("site", "Site"),
    ("scheduler", "Scheduler id"),
    ("queue", "Queue"),
    ("nodes", "Nodes"),
    ("wall", "Wall min"),
    ("state", "State"),
    ("started", "Started"),
)


class BatchJobTable(TableKeys, DataTable[str]):
    """Queued and running allocations, refreshed live by key."""

    BINDINGS = TableKeys.BINDINGS

    DEFAULT_CSS = """
    BatchJobTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.site_names: dict[int, str] = {}
        self.shown: dict[int, list[str]] = {}
        """Batch job id → the cells on screen, in row order."""

    def on_mount(self) -> None:
        for key, label in BATCH_COLUMNS:
            self.add_column(label, key=key)

    def show(self, batch_jobs: Sequence[BatchJob]) -> None:
        """Show the allocations; in place when the same ones are listed in the same order.

        The list is refreshed every few seconds while on screen, so a rebuild
        keeps the cursor on the allocation it was on.
        """
        rows = {b.id: self._cells(b) for b in batch_jobs}
        if list(rows) == list(self.shown):
            for batch_id, cells in rows.items():
                for (key, _), old, new in zip(BATCH_COLUMNS, self.shown[batch_id], cells):
                    if old != new:
                        self.update_cell(str(batch_id), key, new)
            self.shown = rows
            return
        current = (
            list(self.shown)[self.cursor_row] if 0 <= self.cursor_row < len(self.shown) else None
        )
        self.clear()
        for batch_id, cells in rows.items():
            self.add_row(*cells, key=str(batch_id))
        self.shown = rows
        if current in rows:
            self.move_cursor(row=list(rows).index(current))

    def current_id(self) -> int | None:
        """The id of the batch job under the cursor."""
        if not self.shown or not 0 <= self.cursor_row < len(self.shown):
            return None
        return list(self.shown)[self.cursor_row]

    def _cells(self, b: BatchJob) -> list[str]:
        return [
            str(b.id),
            self.site_names.get(b.site_id, str(b.site_id)),
            str(b.scheduler_id or ""),
            b.queue,
            str(b.num_nodes),
            str(b.wall_time_min),
            b.state,
            when(b.start_time),
        ]
