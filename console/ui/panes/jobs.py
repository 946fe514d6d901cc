"""The Jobs pane: HPC jobs over the Balsam API.

Three views: the counts by state per site and app with the change since the
last look and a chart over time (``m``); the jobs table with server-side
filter, order and paging (``j``); the queued and running batch jobs (``b``).
Bulk actions work on the marked jobs, or on the whole current filter when
none is marked, and always ask first with the count. Every call runs in a
worker; the refresh loop re-arms itself after each fetch and pauses while
the pane is hidden. Each tick refreshes the counts, the jobs page and, while
it is on screen, the batch jobs list.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable
from textual.worker import Worker

from console.backends.balsam import (
    StateCounts,
    state_totals,
    summarise,
)
from console.backends.balsam.spec import KEYS as SPEC_KEYS
from console.backends.balsam.spec import JobSpec, job_query, parse_spec
from console.clients import Clients
from console.diff import DiffRequest
from console.errors import ConsoleError
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.count_confirm import count_first
from console.ui.errors import report_error, report_failure
from console.ui.jobs.bulk import ACTIONS, TITLES, BulkPlan, execute, plan
from console.ui.jobs.chart import StateChart
from console.ui.jobs.dialogs import JobDetailScreen, StatePicker, TagPrompt, job_detail
from console.ui.jobs.since import JobsSince, groups_of
from console.ui.jobs.summary import StateSummary
from console.ui.jobs.table import BatchJobTable, JobTable
from console.ui.jobs.writes import JobWrites
from console.ui.panes.base import Pane
from console.ui.panes.live import RefreshLoop
from console.ui.widgets.status_line import StatusLine

PAGE = 100
"""Jobs per server page."""
REFRESH_SECONDS = 5.0
ORDERS = ("-last_update", "last_update", "id", "-id", "state", "-state", "workdir", "-workdir")
VIEWS = {"summary": "jobs-summary-view", "jobs": "jobs-list-view", "batch": "jobs-batch-view"}


class JobsPane(JobWrites, Pane):
    """Watch job counts live, browse and filter jobs, and steer many at once."""

    pane_id = "jobs"
    title = "Jobs"
    key = "4"
    section = "balsam"
    live_groups: ClassVar[frozenset[str]] = frozenset(
        {"jobs-totals", "jobs-summary", "jobs-page", "jobs-batch"})
    """Workers whose failure is said in the status line (console/ui/errors.py)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "view('summary')", "Summary", tooltip="Counts by state", id="jobs-summary"),
        Binding("l", "view('jobs')", "Jobs", tooltip="The jobs table (list)", id="jobs-table"),
        Binding(
            "b", "view('batch')", "Batch", tooltip="Queued and running allocations", id="jobs-batch"
        ),
        Binding("space", "mark", "Mark", tooltip="Mark the job for a bulk action", id="jobs-mark"),
        Binding("x", "unmark", "Unmark", tooltip="Unmark every job", id="jobs-unmark"),
        Binding(
            "r",
            "bulk('retry')",
            "Retry",
            tooltip="Retry failed jobs (marked or filter)",
            id="jobs-retry",
        ),
        Binding(
            "e",
            "pick_state",
            "State",
            tooltip="Set the state (marked or filter)",
            id="jobs-set-state",
        ),
        Binding("t", "pick_tag", "Tag", tooltip="Add a tag (marked or filter)", id="jobs-tag"),
        Binding(
            "f",
            "pick_fields",
            "Fields",
            tooltip="Set fields such as num_nodes (marked or filter)",
            id="jobs-fields",
        ),
        Binding("n", "new_job", "New", tooltip="Create a job", id="jobs-new"),
        Binding(
            "s", "submit_batch", "Submit", tooltip="Submit a batch job", id="jobs-batch-submit"
        ),
        Binding(
            "c",
            "cancel_batch",
            "Cancel",
            tooltip="Cancel the batch job under the cursor",
            id="jobs-batch-cancel",
        ),
        Binding(
            "d,delete",
            "bulk('delete')",
            "Delete",
            tooltip="Delete (marked or filter)",
            id="jobs-delete",
        ),
        Binding("o", "cycle_order", "Order", tooltip="Sort by another column", id="jobs-order"),
        Binding("right_square_bracket", "page(1)", "Next", tooltip="Next page", id="jobs-next"),
        Binding("left_square_bracket", "page(-1)", "Prev", tooltip="Previous page", id="jobs-prev"),
        Binding("z", "mark_seen", "Seen", tooltip="Count changes from now on", id="jobs-seen"),
        Binding("ctrl+r", "reload", "Refresh", tooltip="Refresh now", id="jobs-refresh"),
    ]
    DEFAULT_CSS = """
    JobsPane { layout: vertical; }
    JobsPane ContentSwitcher { height: 1fr; }
    JobsPane > #jobs-since { display: none; }
    JobsPane #jobs-summary-view { overflow-y: auto; }
    """

    def __init__(
        self,
        clients: Clients,
        *,
        refresh: float | None = REFRESH_SECONDS,
        id: str | None = None,
    ) -> None:
        super().__init__(clients, id=id)
        self.live = RefreshLoop(self, refresh, self._tick, name="jobs-refresh")
        self.live.shown = False  # until the workspace shows the tab
        self.spec = JobSpec(ordering="-last_update")
        """The current filter and order of the jobs table."""
        self.first_row = 0
        self.total = 0
        """Jobs matching the current filter, as the server last counted."""
        self.counts: StateCounts | None = None
        self.since = JobsSince(self.profile.name)
        """Counts at the operator's last look (kept per profile): changes are shown against
        these."""

    def compose(self) -> ComposeResult:
        yield StatusLine("Loading…", id="jobs-status")
        yield StatusLine(id="jobs-since")
        with ContentSwitcher(initial=VIEWS["summary"]):
            with Vertical(id=VIEWS["summary"]):
                yield StateSummary(id="jobs-summary-table")
                yield StateChart(id="jobs-chart")
            with Vertical(id=VIEWS["jobs"]):
                yield JobTable(id="jobs-list")
            with Vertical(id=VIEWS["batch"]):
                yield BatchJobTable(id="jobs-batch-list")

    def on_mount(self) -> None:
        # Totals first: the table and batch jobs load once they are on screen.
        self._quick_totals()

    @property
    def table(self) -> JobTable:
        return self.query_one(JobTable)

    # --- the operator's hooks ------------------------------------------------

    def pane_shown(self) -> None:
        self.live.resume()
        self.load_summary()

    def pane_hidden(self) -> None:
        self.live.pause()
        self.since.mark_seen()  # leaving the pane is a look: coming back counts from here
        self.run_worker(self.since.save, thread=True, exclusive=True, group="jobs-look",
                        description="Saving the last look", exit_on_error=False)

    def on_unmount(self) -> None:
        self.since.save()  # quitting: no worker runs now, and the file is a few KB

    def apply_filter(self, text: str) -> None:
        """Filter the jobs table: ``state=FAILED tag=exp:A site=1 app=NAME order=-id``."""
        try:
            spec = parse_spec(text)
        except ConsoleError as error:
            report_error(self, error)
            return
        spec.ordering = spec.ordering or self.spec.ordering
        self.spec, self.first_row = spec, 0
        self.table.clear_selection()
        self.action_view("jobs")
        self.load_page()

    def command_words(self) -> list[str]:
        return [f"{key}=" for key in SPEC_KEYS]

    def run_command(self, args: str) -> None:
        """``:jobs state=FAILED`` filters the table; ``:jobs`` alone shows it."""
        if args.strip():
            self.apply_filter(args)
        else:
            self.action_view("jobs")

    def diff_request(self) -> DiffRequest:
        """``:diff``: the jobs summary (by state, site and app) on both profiles."""
        return DiffRequest.jobs_summary()

    # --- loading -------------------------------------------------------------

    @work(
        exclusive=True,
        group="jobs-totals",
        description="Counting jobs by state",
        exit_on_error=False,
    )
    async def _quick_totals(self) -> None:
        await asyncio.to_thread(self.since.load)
        # 14 requests show the totals at once; the per-site and per-app columns follow.
        totals = await state_totals(await self.clients.balsam())
        self.counts = totals
        self.query_one(StateSummary).show(totals, None)
        self._status()
        self.load_summary()
        self.load_page()
        self.load_batch_jobs()

    @work(
        exclusive=True,
        group="jobs-summary",
        description="Counting jobs by state",
        exit_on_error=False,
    )
    async def load_summary(self) -> None:
        """Count jobs by site, app and state; then re-arm the refresh timer."""
        # A cancelled load (replaced by a newer one) must not re-arm: its tick would
        # cancel the newer load in turn, and with a summary slower than the refresh
        # interval none would ever finish. The newer load re-arms when it ends.
        try:
            counts = await summarise(await self.clients.balsam())
        except Exception:
            self.live.arm()  # keep polling: the service may come back
            raise
        self._show_counts(counts)
        self.live.arm()

    async def _names(self) -> None:
        """Learn app and site names once, so tables show names rather than ids."""
        if self.table.app_names:
            return
        client = await self.clients.balsam()
        sites, apps = await asyncio.gather(client.sites.all().all(), client.apps.all().all())
        self.table.app_names = {a.id: a.name for a in apps}
        self.query_one(BatchJobTable).site_names = {s.id: s.name for s in sites}

    def _show_counts(self, counts: StateCounts) -> None:
        self.counts = counts
        if counts.apps:  # the quick totals alone have no per-app columns to compare
            self._show_since(self.since.shown(groups_of(counts)))
        self.query_one(StateSummary).show(counts, self.since.baseline)
        self.query_one(StateChart).add(counts.by_state())
        self._status()

    def _tick(self) -> None:
        self.load_summary()
        self.load_page()
        if self.query_one(ContentSwitcher).current == VIEWS["batch"]:
            # Allocations queue, start and finish while the operator watches them.
            self.load_batch_jobs()

    @work(exclusive=True, group="jobs-page", description="Loading jobs", exit_on_error=False)
    async def load_page(self) -> None:
        """Fetch the current page of the current filter (count and rows together)."""
        await self._names()
        query = await job_query(await self.clients.balsam(), self.spec)
        page = query[self.first_row : self.first_row + PAGE]
        self.total, jobs = await asyncio.gather(query.count(), page.all())
        self.table.show(jobs)
        self._status()

    @work(exclusive=True, group="jobs-batch", description="Loading batch jobs", exit_on_error=False)
    async def load_batch_jobs(self) -> None:
        """Fetch the queued and running allocations."""
        states = ["pending_submission", "queued", "running"]
        client = await self.clients.balsam()
        query = client.batch_jobs.filter(state=states).order_by("-start_time")
        await self._names()
        self.query_one(BatchJobTable).show(await query.all())

    def _status(self) -> None:
        view = self.query_one(ContentSwitcher).current
        if view == VIEWS["jobs"]:
            last = min(self.first_row + PAGE, self.total)
            text = f"Jobs {self.first_row + 1 if self.total else 0}-{last} of {self.total}"
            text += f" · {self.spec.describe() or 'all jobs'}"
            if self.table.selected:
                text += f" · {len(self.table.selected)} marked"
        elif view == VIEWS["batch"]:
            text = "Batch jobs: queued and running allocations"
        else:
            total = self.counts.total() if self.counts else 0
            seconds = self.live.seconds
            live = f"live every {seconds:g}s" if seconds else "not refreshing"
            text = f"{total} jobs · changes since your last look (z: mark seen) · {live}"
        self.query_one(StatusLine).update(text)

    # --- actions -------------------------------------------------------------

    def action_view(self, name: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        if name == "batch" and switcher.current != VIEWS["batch"]:
            self.load_batch_jobs()  # the list was not refreshed while it was out of sight
        switcher.current = VIEWS[name]
        target = {"summary": StateSummary, "jobs": JobTable, "batch": BatchJobTable}[name]
        self.query_one(target).focus()
        self._status()

    def action_mark(self) -> None:
        if self.query_one(ContentSwitcher).current == VIEWS["jobs"]:
            self.table.toggle()
            self._status()

    def action_unmark(self) -> None:
        self.table.clear_selection()
        self._status()

    def action_cycle_order(self) -> None:
        current = ORDERS.index(self.spec.ordering) if self.spec.ordering in ORDERS else -1
        self.spec.ordering = ORDERS[(current + 1) % len(ORDERS)]
        self.first_row = 0
        self.load_page()

    def action_page(self, step: int) -> None:
        offset = self.first_row + step * PAGE
        if 0 <= offset < max(self.total, 1):
            self.first_row = offset
            self.load_page()

    def action_mark_seen(self) -> None:
        self.since.mark_seen()
        self.run_worker(self.since.save, thread=True, exclusive=True, group="jobs-look",
                        description="Saving the last look", exit_on_error=False)
        self._show_since("")
        if self.counts is not None:
            self.query_one(StateSummary).show(self.counts, self.since.baseline)

    def _show_since(self, text: str) -> None:
        line = self.query_one("#jobs-since", StatusLine)
        line.update(text)
        line.display = bool(text)

    def action_reload(self) -> None:
        self.load_summary()
        self.load_page()
        self.load_batch_jobs()

    def action_pick_state(self) -> None:
        self.app.push_screen(StatePicker(self._scope_words()), self._with_state)

    def _with_state(self, state: str | None) -> None:
        if state:
            self.action_bulk("state", state)

    def action_pick_tag(self) -> None:
        self.app.push_screen(TagPrompt(self._scope_words()), self._with_tag)

    def _with_tag(self, tag: str | None) -> None:
        if tag:
            self.action_bulk("tag", tag)

    def _scope_words(self) -> str:
        marked = len(self.table.selected)
        if marked:
            return f"{marked} marked jobs"
        return f"jobs matching {self.spec.describe() or 'no filter (all jobs)'}"

    def action_bulk(self, action: str, value: str | None = None) -> None:
        self._plan(action, value)

    @work(
        exclusive=True,
        group="jobs-bulk",
        description="Counting the jobs to change",
        exit_on_error=False,
    )
    async def _plan(self, action: str, value: str | None) -> None:
        scope = self._scope_words()
        client = await self.clients.balsam()
        if self.table.selected:
            query = client.jobs.filter(id=sorted(self.table.selected))
        else:
            query = await job_query(client, self.spec)
        chosen = await plan(client, action, value, query, scope)
        if chosen.count == 0:
            self.notify(f"No job to change ({scope}).", title=TITLES[action], severity="warning")
            return

        def answered(answer: Confirmation | None) -> None:
            if answer is not None:
                self._execute(chosen)

        screen = ConfirmScreen(TITLES[action], chosen.question(), action=ACTIONS[action],
                               destructive=True)
        if self.table.selected or self.spec.describe():
            self.app.push_screen(screen, answered)
            return
        # nothing marked, no filter: this is every job of the campaign
        count_first(self.app, chosen.count, f"No job is marked and no filter is set: this "
                    f"would change all {chosen.count:,} jobs. Set a filter with / instead?",
                    lambda: self.app.push_screen(screen, answered))

    @work(exclusive=True, group="jobs-bulk", description="Changing jobs", exit_on_error=False)
    async def _execute(self, chosen: BulkPlan) -> None:
        report = await execute(await self.clients.balsam(), chosen)
        self.notify(report, title=TITLES[chosen.action])
        self.table.clear_selection()
        self.action_reload()

    @on(DataTable.RowSelected, "#jobs-summary-table")
    def _drill_down(self, event: DataTable.RowSelected) -> None:
        """Enter on a state in the summary lists the jobs in that state."""
        self.apply_filter(f"state={event.row_key.value}")

    @on(DataTable.RowSelected, "#jobs-list")
    def _open_detail(self, event: DataTable.RowSelected) -> None:
        self.load_detail(int(str(event.row_key.value)))

    @work(exclusive=True, group="jobs-detail", description="Loading the job", exit_on_error=False)
    async def load_detail(self, job_id: int) -> None:
        """Fetch a job with its events, parents, transfers and batch job; then show them."""
        detail = await job_detail(await self.clients.balsam(), job_id, self.table.app_names)
        self.app.push_screen(JobDetailScreen(detail))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

