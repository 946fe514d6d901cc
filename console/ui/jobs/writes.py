"""The Jobs pane's writes beyond bulk state changes: create a job, set fields, submit and
cancel batch jobs.

A mixin of ``JobsPane`` (whose bindings call these actions), kept apart so the pane
module holds its views and loading; it uses the pane's ``clients``, ``action_bulk``,
``action_reload``, ``action_view``, ``load_batch_jobs`` and ``_scope_words``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.widgets import ContentSwitcher

from console.backends.balsam import BatchJob, Job
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.jobs.forms import CreateJobScreen, FieldPrompt, SubmitBatchScreen
from console.ui.jobs.table import BatchJobTable

BATCH_VIEW = "jobs-batch-view"
"""The id of the pane's batch jobs view."""


class JobWrites:
    """Actions of the Jobs pane that open a form or cancel a batch job."""

    clients: Any
    app: Any

    def action_pick_fields(self) -> None:
        self.app.push_screen(FieldPrompt(self._scope_words()), self._with_fields)

    def _with_fields(self, text: str | None) -> None:
        if text:
            self.action_bulk("fields", text)

    def action_new_job(self) -> None:
        self._open_form(CreateJobScreen, self._job_created)

    def _job_created(self, job: Job | None) -> None:
        if job is not None:
            self.notify(f"Created job {job.id} ({job.state})", title="New job")
            self.action_reload()

    def action_submit_batch(self) -> None:
        self._open_form(SubmitBatchScreen, self._batch_submitted)

    def _batch_submitted(self, batch: BatchJob | None) -> None:
        if batch is not None:
            self.notify(f"Batch job {batch.id} is {batch.state}", title="Batch job submitted")
            self.action_view("batch")

    @work(exclusive=True, group="jobs-form", description="Opening a form", exit_on_error=False)
    async def _open_form(self, form: type[Any], done: Callable[[Any], None]) -> None:
        client = await self.clients.balsam()
        client.check_writable("change jobs")
        self.app.push_screen(form(client), done)

    def action_cancel_batch(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        batch_id = self.query_one(BatchJobTable).current_id()
        if switcher.current != BATCH_VIEW or batch_id is None:
            self.notify("Open the batch jobs (b) and choose one to cancel", severity="warning")
            return

        def answered(answer: Confirmation | None) -> None:
            if answer is not None:
                self._cancel_batch(batch_id)

        question = f"Cancel batch job {batch_id}? The site removes it from its queue."
        screen = ConfirmScreen("Cancel batch job", question, action="Cancel it")
        self.app.push_screen(screen, answered)

    @work(exclusive=True, group="jobs-batch-cancel", description="Cancelling", exit_on_error=False)
    async def _cancel_batch(self, batch_id: int) -> None:
        client = await self.clients.balsam()
        (result,) = await client.batch_jobs.cancel([batch_id])
        severity = "information" if result.ok else "warning"
        self.notify(f"Batch job {batch_id}: {result.message}", title="Cancel", severity=severity)
        self.load_batch_jobs()

