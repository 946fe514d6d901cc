"""The Databases pane's data jobs: the import dialog, table exports and the jobs list.

A ``Pane`` part: ``DatabasesPane`` inherits it, so its keys, workers and
handlers are the pane's own. Jobs run in thread workers (several at once);
the list reads the profile's job history every second while it is shown, so
jobs started by ``fleet-console import`` in another shell show up too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer

from console.backends.datajobs import DataJob, DataJobs
from console.backends.postgres import (
    ExportRequest,
    ImportMode,
    ImportRequest,
    export_data,
    export_formats,
    import_data,
)
from console.profiles import locations
from console.ui.databases.catalog_tree import CatalogItem
from console.ui.databases.import_dialog import ImportDialog, ImportPlan
from console.ui.databases.jobs_view import DataJobsView
from console.ui.panes.base import Pane
from console.ui.widgets.prompts import ChoiceScreen, TextPrompt

REFRESH_EVERY = 1.0


@dataclass
class JobsListed(Message):
    """The job history was read."""

    jobs: list[DataJob]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobsListed)


@dataclass
class JobEnded(Message):
    """An import or export this pane started has finished, DONE or FAILED."""

    job: DataJob


class DataJobsPart(Pane):
    """Import, export and the data jobs list, as part of the Databases pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "import_data", "Import", tooltip="Import a CSV, JSON, XLSX or SQLite file "
                "or URL into the selected database", id="db-import"),
        Binding("x", "export_table", "Export", tooltip="Export the table under the catalog's "
                "cursor to CSV, JSON, XLSX or Parquet", id="db-export"),
    ]
    _jobs_timer: Timer | None = None

    @property
    def data_jobs(self) -> DataJobs:
        """The profile's job manager (shared with the SQL pane and the CLI's history)."""
        return DataJobs.of(self.profile.name)

    @property
    def jobs_view(self) -> DataJobsView:
        """The data jobs list."""
        return self.query_one(DataJobsView)

    def _database(self) -> str | None:
        raise NotImplementedError

    def _catalog_item(self) -> CatalogItem | None:
        raise NotImplementedError

    def on_unmount(self) -> None:
        # Worker threads are joined when the console exits: a running job must stop now
        # (it ends FAILED, cancelled, with nothing committed) or the exit would wait for it.
        self.data_jobs.cancel_all()

    # Import ----------------------------------------------------------------------

    def action_import_data(self) -> None:
        database = self._database()
        if database is None:
            self.notify("Select a database to import into.", severity="warning")
            return
        self.app.push_screen(ImportDialog(database),
                             lambda plan: self._import_planned(database, plan))

    def _import_planned(self, database: str, plan: ImportPlan | None) -> None:
        if plan is not None:
            self.notify(f"Importing {plan.source} into {database}…", title="Data jobs")
            self.run_import(database, plan)

    @work(thread=True, exclusive=False, group="data-import", description="Importing data",
          exit_on_error=False)
    def run_import(self, database: str, plan: ImportPlan) -> None:
        """Run an import as a data job."""
        request = ImportRequest(plan.source, database, plan.table, mode=ImportMode(plan.mode),
                                columns=plan.columns, header=plan.header,
                                delimiter=plan.delimiter)
        self.post_message(JobEnded(import_data(self.clients.postgres(), request,
                                               self.data_jobs)))

    # Export ----------------------------------------------------------------------

    def action_export_table(self) -> None:
        item = self._catalog_item()
        if item is None or item.kind != "relation":
            self.notify("Move the catalog's cursor (t) to a table or view to export it.",
                        severity="warning")
            return
        choices = [(fmt, fmt.upper()) for fmt in export_formats()]
        self.app.push_screen(ChoiceScreen(f"Export {item.schema}.{item.relation} as", choices,
                                          "csv"), lambda fmt: self._format_chosen(item, fmt))

    def _format_chosen(self, item: CatalogItem, fmt: str | None) -> None:
        if fmt is None:
            return
        default = locations.new_export(self.profile.name, item.relation, fmt)
        prompt = TextPrompt(f"Save {item.schema}.{item.relation} as {fmt.upper()} to:",
                            value=str(default))
        self.app.push_screen(prompt, lambda path: path and self.run_export(item, fmt, path))

    @work(thread=True, exclusive=False, group="data-export", description="Exporting data",
          exit_on_error=False)
    def run_export(self, item: CatalogItem, fmt: str, path: str) -> None:
        """Export a table as a data job."""
        request = ExportRequest(item.database, path, fmt, table=item.relation, schema=item.schema)
        self.post_message(JobEnded(export_data(self.clients.postgres(), request,
                                               self.data_jobs)))

    # The jobs list ------------------------------------------------------------------

    @on(JobEnded)
    def _job_ended(self, event: JobEnded) -> None:
        job = event.job
        if job.state.value == "DONE":
            where = "into" if job.kind == "import" else "to"
            self.notify(f"{job.kind.title()} done: {job.rows:,} rows {where} {job.target}.",
                        title="Data jobs")
        else:
            self.notify(f"{job.kind.title()} {job.state.value}: {job.reason}",
                        title="Data jobs", severity="error")
        self.load_jobs()

    @work(thread=True, exclusive=True, group="data-jobs-list", description="Listing data jobs",
          exit_on_error=False)
    def load_jobs(self) -> None:
        """Read the job history (marking jobs cut short by a closed console as FAILED)."""
        self.post_message(JobsListed(self.data_jobs.list()))

    @on(JobsListed)
    def _jobs_listed(self, event: JobsListed) -> None:
        self.jobs_view.show(event.jobs)

    def follow_jobs(self, on: bool) -> None:
        """Refresh the list every second while it is shown."""
        if self._jobs_timer is not None:
            self._jobs_timer.stop()
            self._jobs_timer = None
        if on:
            self.load_jobs()
            self._jobs_timer = self.set_interval(REFRESH_EVERY, self.load_jobs)

    @on(DataJobsView.CancelAsked)
    def _cancel_asked(self, event: DataJobsView.CancelAsked) -> None:
        self.cancel_job(event.job_id)

    @work(thread=True, exclusive=False, group="data-job-cancel", description="Cancelling a job",
          exit_on_error=False)
    def cancel_job(self, job_id: str) -> None:
        """Ask a job to stop (in this console at once, in another within a second)."""
        if self.data_jobs.cancel(job_id):
            self.app.call_from_thread(self.notify, f"Cancel asked of job {job_id[:8]}.",
                                      title="Data jobs")
        self.load_jobs()
