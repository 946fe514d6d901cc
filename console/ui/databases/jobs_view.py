"""The data jobs list: every import and export with its state, progress and why it failed.

Rows are keyed by job id and only changed cells are redrawn, so a list
refreshed every second while jobs run never flickers or loses the cursor.
The line under the table tells the highlighted job in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from console.backends.datajobs import DataJob, JobState
from console.ui.widgets.table_keys import TableKeys

COLUMNS = [("id", "Id"), ("kind", "Kind"), ("state", "State"), ("rows", "Rows"),
           ("rate", "Rows/s"), ("time", "Time"), ("what", "From → to")]
STATE_STYLE = {JobState.DONE: "green", JobState.FAILED: "red bold",
               JobState.PROCESSING: "yellow", JobState.RECEIVED: "dim"}


def duration(seconds: float | None) -> str:
    """``0.4 s``, ``12 s``, ``3 min``; a dash when unknown."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def cells(job: DataJob) -> list[Text]:
    """One job as table cells."""
    rate = f"{job.rate:,.0f}" if job.rate else "—"
    return [Text(job.id[:8]), Text(job.kind), Text(job.state.value, style=STATE_STYLE[job.state]),
            Text(f"{job.rows:,}", justify="right"), Text(rate, justify="right"),
            Text(f"{duration(job.time_left)} left" if job.state.active else duration(job.elapsed)),
            Text(f"{job.source} → {job.target}", overflow="ellipsis", no_wrap=True)]


def detail(job: DataJob) -> str:
    """The highlighted job in full: what, when, and why it failed."""
    head = f"{job.kind} {job.fmt} {job.id}: {job.source} → {job.target}; {job.state.value}"
    size = f", {job.bytes:,} bytes" if job.bytes else ""
    head += f", {job.rows:,} rows{size}, started {job.date_created}"
    return f"{head}\n{job.reason}" if job.reason else head


class JobsTable(TableKeys, DataTable[Text]):
    """One row per data job, newest first, updated in place."""

    BINDINGS = TableKeys.BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.jobs: dict[str, DataJob] = {}

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(self, jobs: list[DataJob]) -> None:
        """Show ``jobs``: changed cells updated in place; a new or vanished job redraws."""
        if [job.id for job in jobs] != list(self.jobs):
            self._rebuild(jobs)
        else:
            for job in jobs:
                self._update(job)
        self.jobs = {job.id: job for job in jobs}

    def _rebuild(self, jobs: list[DataJob]) -> None:
        selected = self.selected
        self.clear()
        for job in jobs:
            self.add_row(*cells(job), key=job.id)
        if selected in {j.id for j in jobs}:
            self.move_cursor(row=self.get_row_index(selected))

    def _update(self, job: DataJob) -> None:
        old = self.jobs.get(job.id)
        if old is not None and cells(old) == cells(job):
            return
        for (key, _), value in zip(COLUMNS, cells(job)):
            self.update_cell(job.id, key, value)

    @property
    def selected(self) -> str | None:
        """The id of the highlighted job."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class DataJobsView(Vertical):
    """The jobs table, its keys, and the highlighted job in full."""

    BINDINGS = [
        Binding("c", "cancel_job", "Cancel job", tooltip="Cancel the highlighted running job",
                id="data-job-cancel"),
    ]
    DEFAULT_CSS = """
    DataJobsView { height: 1fr; }
    DataJobsView > JobsTable { height: 1fr; }
    DataJobsView > .jobs--detail { height: auto; max-height: 4; padding: 0 1;
                                   background: $panel; }
    """

    @dataclass
    class CancelAsked(Message):
        """The operator asked to cancel a job."""

        job_id: str

    def compose(self) -> ComposeResult:
        yield JobsTable(id="data-jobs-table")
        yield Static("No data jobs yet: i imports a file or URL, x exports a table.",
                     classes="jobs--detail", id="data-job-detail", markup=False)

    @property
    def table(self) -> JobsTable:
        """The jobs table."""
        return self.query_one(JobsTable)

    def show(self, jobs: list[DataJob]) -> None:
        """Show the history, newest first."""
        self.table.show(jobs)
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        key = self.table.selected
        if key is not None and key in self.table.jobs:
            self.query_one("#data-job-detail", Static).update(detail(self.table.jobs[key]))

    def action_cancel_job(self) -> None:
        key = self.table.selected
        job = self.table.jobs.get(key) if key else None
        if job is None or not job.state.active:
            self.notify("The highlighted job is not running.", severity="warning")
            return
        self.post_message(self.CancelAsked(job.id))
