"""The Devices pane: a server-sorted, server-filtered, paged and live table of devices.

Only the rows the operator has scrolled to are ever fetched, so a 100,000-device
fleet opens as fast as a small one. A refresh loop re-reads the pages on screen
(and one either side) with the same filter and sort every few seconds (never while
hidden, never overlapping): the total follows the server, devices that entered or
left those pages are added or removed, and only the cells that changed are updated,
in place. Loaded rows further away keep what they had until they are scrolled to, so
a refresh costs the same at row 10,000 as at row 0.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.worker import Worker

from console.backends.balena import DevicePage, filters
from console.clients import Clients
from console.diff import DiffRequest
from console.errors import BadQuery
from console.ui.balena.bulk import (
    DESTRUCTIVE,
    FORCEABLE,
    BulkActionScreen,
    BulkRequest,
    BulkResultScreen,
)
from console.ui.balena.columns import ColumnChooser
from console.ui.balena.device_detail import DeviceDetailScreen
from console.ui.balena.device_table import DeviceTable
from console.ui.balena.format import SORT_CYCLE
from console.ui.balena.messages import ActionsFinished, DevicesLoaded, DevicesRefreshed
from console.ui.balena.since import DevicesSince
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.count_confirm import count_first
from console.ui.errors import report_failure
from console.ui.panes.base import Pane
from console.ui.panes.live import RefreshLoop
from console.ui.widgets.status_line import StatusLine

PAGE = 100
"""Rows per request: a few screens' worth."""
REFRESH_SECONDS = 5.0
MARGIN_PAGES = 1
"""Pages re-read on each side of the visible rows, so a short scroll lands on fresh rows."""


class DevicesPane(Pane):
    """Devices of one fleet or all: sort, filter, select, act, inspect."""

    pane_id = "devices"
    title = "Devices"
    key = "2"
    section = "balena"
    live_groups: ClassVar[frozenset[str]] = frozenset({"devices-load", "devices-refresh"})
    """Workers whose failure is said in the status line (console/ui/errors.py)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "next_sort", "Sort", tooltip="Sort by the next column", id="devices-sort"),
        Binding(
            "o", "flip_order", "Order", tooltip="Flip ascending/descending", id="devices-order"
        ),
        Binding("b", "bulk", "Action", tooltip="Act on the selected devices", id="devices-bulk"),
        Binding("r", "reload", "Reload", tooltip="Fetch the devices again", id="devices-reload"),
        Binding("l", "logs", "Logs", tooltip="Follow the logs of these devices", id="devices-logs"),
        Binding("escape", "clear_filter", "Clear", tooltip="Clear the filter", id="devices-clear"),
        Binding(
            "c", "choose_columns", "Columns", tooltip="Choose the columns", id="devices-columns"
        ),
        Binding("z", "seen", "Seen", show=False, id="devices-seen",
                tooltip="Clear the since-last-look marks: what is shown now counts as seen"),
    ]
    DEFAULT_CSS = """
    DevicesPane { layout: vertical; }
    DevicesPane > DeviceTable { height: 1fr; }
    DevicesPane > #devices-since { display: none; }
    """

    def __init__(
        self,
        clients: Clients,
        *,
        refresh_seconds: float | None = REFRESH_SECONDS,
        id: str | None = None,
    ) -> None:
        super().__init__(clients, id=id)
        self.live = RefreshLoop(self, refresh_seconds, self._refresh_now, name="devices-refresh")
        """Live refresh every few seconds; ``refresh_seconds=None`` turns it off (snapshots)."""
        self.fleet_id: int | None = None
        self.fleet_label = "all fleets"
        self.filter_text = ""
        self.filter_error = ""
        """Why the last filter typed was not applied (shown in the status line)."""
        self.sort = "name"
        self.descending = False
        self.total = 0
        self.loading = False
        self._generation = 0
        self._table = DeviceTable(id="devices-table")
        self.since = DevicesSince(self.profile.name)
        """The last look and what changed since (checked once the first page is shown)."""

    def compose(self) -> ComposeResult:
        yield StatusLine(id="devices-status")
        yield StatusLine(id="devices-since")
        yield self._table

    @property
    def table(self) -> DeviceTable:
        """The devices table."""
        return self._table

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()

    # -- what the operator asks ------------------------------------------------

    def reload(self) -> None:
        """Fetch the first page for the current fleet, filter and sort."""
        self._generation += 1
        self.loading = True
        self._update_status()
        self._load(0, self._generation)

    def apply_filter(self, text: str) -> None:
        """Filter by the device filter language; a bad filter keeps the old one.

        The ``/`` bar calls this as the operator types, so a half-typed term
        (``fleet=``) is reported in the status line, not in a notification per key.
        """
        if self._filter_problem(text) is None:
            self.filter_text = text.strip()
            self.reload()

    def command_words(self) -> list[str]:
        return filters.completions()

    def run_command(self, args: str) -> None:
        """``:devices [fleet=ORG/NAME|ID|all] [FILTER…]``."""
        words = args.split()
        fleet = next((w.split("=", 1)[1] for w in words if w.startswith("fleet=")), None)
        rest = " ".join(w for w in words if not w.startswith("fleet="))
        problem = self._filter_problem(rest)
        if problem is not None:
            self.notify(problem, title="Filter not applied", severity="error", markup=False)
        elif fleet is None:
            self.filter_text = rest.strip()
            self.reload()
        else:
            self._choose_fleet(fleet, rest.strip())

    def diff_request(self) -> DiffRequest:
        """``:diff``: the current fleet and filter on both profiles (the fleet by its slug)."""
        fleet = f"fleet={self.fleet_label}" if self.fleet_id is not None else ""
        return DiffRequest.devices(" ".join(part for part in (fleet, self.filter_text) if part))

    def _filter_problem(self, text: str) -> str | None:
        """Check filter text; remember and show why it is refused, or clear that."""
        try:
            filters.parse(text)
        except BadQuery as exc:
            self.filter_error = exc.message
        else:
            self.filter_error = ""
        self._update_status()
        return self.filter_error or None

    def show_fleet(self, fleet_id: int | None, label: str) -> None:
        """Show one fleet's devices (``None``: all fleets)."""
        self.fleet_id, self.fleet_label = fleet_id, label
        self.reload()

    def action_next_sort(self) -> None:
        position = SORT_CYCLE.index(self.sort) if self.sort in SORT_CYCLE else -1
        self._sort_by(SORT_CYCLE[(position + 1) % len(SORT_CYCLE)], flip=False)

    def action_flip_order(self) -> None:
        self.descending = not self.descending
        self.reload()

    def action_reload(self) -> None:
        self._show_since(False)  # the operator asked for fresh rows: the marks were seen
        self.reload()

    def action_seen(self) -> None:
        self._show_since(False)
        self._save_look()

    def action_clear_filter(self) -> None:
        if self.filter_text or self.filter_error:
            self.apply_filter("")

    @on(DeviceTable.SortRequested)
    def _header_sort(self, event: DeviceTable.SortRequested) -> None:
        self._sort_by(event.column, flip=True)

    def _sort_by(self, column: str, *, flip: bool) -> None:
        if column == self.sort and flip:
            self.descending = not self.descending
        elif column != self.sort:
            self.sort, self.descending = column, False
        self.reload()

    @on(DeviceTable.NearEnd)
    def _near_end(self) -> None:
        loaded = len(self.table.devices)
        if not self.loading and loaded < self.total:
            self.loading = True
            self._load(loaded, self._generation)

    @on(DeviceTable.SelectionChanged)
    def _selection_changed(self) -> None:
        self._update_status()

    @on(DeviceTable.RowSelected)
    def _open_detail(self, event: DeviceTable.RowSelected) -> None:
        device = self.table.devices.get(int(event.row_key.value or 0))
        if device is not None:
            self._open(device)

    async def action_logs(self) -> None:
        targets = self.table.targets()
        workspace = getattr(self.app, "workspace", None)
        if not targets or workspace is None:
            return
        tail = getattr(await workspace.open("logs"), "tail", None)
        if tail is not None:
            tail({d.uuid: d.name for d in targets})

    def action_choose_columns(self) -> None:
        self.app.push_screen(ColumnChooser(self.table.shown), self._columns_chosen)

    def _columns_chosen(self, keys: list[str] | None) -> None:
        if keys:
            self.table.show_columns(keys)

    # -- bulk actions ------------------------------------------------------------

    def action_bulk(self) -> None:
        targets = self.table.targets()
        if not targets:
            self.notify("No device selected", severity="warning")
            return
        self.app.push_screen(BulkActionScreen(len(targets)), lambda r: self._confirm(r, targets))

    def _confirm(self, request: BulkRequest | None, targets: list) -> None:  # type: ignore[type-arg]
        if request is None:
            return
        count = len(targets)
        names = ", ".join(d.name for d in targets[:3]) + (" …" if count > 3 else "")
        question = f"{request.label} {count} device(s)? ({names})"
        if request.action in DESTRUCTIVE:
            question += "\nThis interrupts what the devices are doing."
        force = "Override update locks (force)" if request.action in FORCEABLE else None
        screen = ConfirmScreen(
            f"{request.label}: {count} device(s)", question, action=request.label, force=force,
            destructive=request.action != "blink",
        )

        def ask() -> None:
            self.app.push_screen(screen, lambda answer: self._confirmed(answer, request, targets))

        if count <= self.profile.settings.bulk_confirm_threshold:
            ask()
            return
        count_first(self.app, count, f"{request.label} {count:,} devices at once?", ask)

    def _confirmed(self, answer: Confirmation | None, request: BulkRequest, targets: list) -> None:  # type: ignore[type-arg]
        if answer is not None:
            self._run_bulk(request, [d.id for d in targets], answer.force)

    @work(
        exclusive=True,
        group="devices-bulk",
        description="Running a bulk action",
        exit_on_error=False,
    )
    async def _run_bulk(self, request: BulkRequest, ids: list[int], force: bool) -> None:
        client = await self.clients.balena()
        options = dict(request.options)
        if request.action in FORCEABLE:
            options["force"] = force
        results = await client.devices.bulk(request.action, list(ids), **options)
        self.post_message(ActionsFinished(request.label, results))

    @on(ActionsFinished)
    def _actions_finished(self, event: ActionsFinished) -> None:
        self.app.push_screen(BulkResultScreen(event.action, event.results))
        self._refresh_now()

    # -- workers -----------------------------------------------------------------

    async def _page(self, skip: int, top: int) -> DevicePage:
        """Fetch ``top`` devices from ``skip`` with the current fleet, filter and sort."""
        client = await self.clients.balena()
        return await client.devices.list(fleet_id=self.fleet_id, text=self.filter_text,
                                         sort=self.sort, descending=self.descending,
                                         top=top, skip=skip)

    @work(exclusive=True, group="devices-load", description="Loading devices", exit_on_error=False)
    async def _load(self, skip: int, generation: int) -> None:
        page = await self._page(skip, PAGE)
        self.post_message(DevicesLoaded(page, skip > 0, generation))

    @on(DevicesLoaded)
    def _loaded(self, event: DevicesLoaded) -> None:
        if event.generation != self._generation:
            return  # an answer to an older filter or sort
        self.loading = False
        self.total = event.page.total
        if event.append:
            self.table.append_page(event.page.devices)
        else:
            self.table.show_page(event.page.devices)
            self.live.arm()
            if not self.since.started:
                self.since.started = True
                # once the page is on screen: the comparison's requests come second
                self.call_after_refresh(self._check_since)
        self._update_status()

    @work(
        exclusive=True,
        group="devices-choose-fleet",
        description="Finding the fleet",
        exit_on_error=False,
    )
    async def _choose_fleet(self, identifier: str, filter_text: str) -> None:
        if identifier in ("all", "*"):
            fleet_id, label = None, "all fleets"
        else:
            client = await self.clients.balena()
            fleet = await client.fleets.get(identifier)
            fleet_id, label = fleet.id, fleet.slug
        self.filter_text = filter_text  # only once the fleet is known: a typo changes nothing
        self.show_fleet(fleet_id, label)

    def _refresh_now(self) -> None:
        if not self.size.area or self.loading:
            # In a tab never shown yet, or a page on its way: keep the loop, skip the fetch.
            self.live.arm()
            return
        start, stop = self._refresh_window()
        self._refresh(start, stop - start, self._generation)

    def _refresh_window(self) -> tuple[int, int]:
        """Rows to re-read: the pages under the visible rows, ``MARGIN_PAGES`` either side.

        Page-aligned, so the windows of nearby scroll positions are the same requests;
        never past the loaded pages (the next page arrives by scrolling), but up to a
        whole page there, so a short last page can grow.
        """
        table = self.table
        first = table.scroll_offset.y  # every row is one line high
        shown = max(1, table.scrollable_content_region.height - table.header_height)
        last = first + shown - 1
        start = max(0, first // PAGE - MARGIN_PAGES) * PAGE
        loaded_pages = max(1, -(-len(table.devices) // PAGE))
        stop = min(last // PAGE + 1 + MARGIN_PAGES, loaded_pages) * PAGE
        return min(start, stop - PAGE), stop

    @work(
        exclusive=True,
        group="devices-refresh",
        description="Refreshing devices",
        exit_on_error=False,
    )
    async def _refresh(self, skip: int, window: int, generation: int) -> None:
        try:
            self.post_message(DevicesRefreshed(await self._page(skip, window), window, generation))
        finally:
            self.live.arm()  # re-arm after each fetch, so refreshes never overlap

    @on(DevicesRefreshed)
    def _refreshed(self, event: DevicesRefreshed) -> None:
        if event.generation != self._generation or self.loading:
            return  # another filter or sort since, or a page on its way: next time
        self.total = event.page.total  # the $count came with the window, for the whole list
        start = event.page.skip
        # Only rows start..start+window are synced; rows beyond them (scrolled away
        # from, or a page appended meanwhile) keep theirs until they are on screen.
        self.table.sync(event.page.devices, start, start + event.window)
        self._update_status()

    @work(
        exclusive=True, group="devices-detail", description="Opening a device", exit_on_error=False
    )
    async def _open(self, device) -> None:  # type: ignore[no-untyped-def]
        client = await self.clients.balena()
        self.app.push_screen(DeviceDetailScreen(client, device))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if report_failure(self, event) is not None and event.worker.group == "devices-load":
            self.loading = False
            self._update_status()
            self.live.arm()  # keep trying: the first refresh that works fills the table

    def pane_shown(self) -> None:
        self.live.resume()
        self._refresh_now()

    def pane_hidden(self) -> None:
        self.live.pause()
        self._save_look()

    def on_unmount(self) -> None:
        # Quitting, or the profile's tabs closing: no worker runs now, and the file is small.
        if self.since.checked:  # the table may be unmounted already: its rows are still here
            self.since.save(list(self._table.devices.values()))

    # -- since last look ---------------------------------------------------------

    @work(exclusive=True, group="devices-since", description="Comparing with the last look",
          exit_on_error=False)
    async def _check_since(self) -> None:
        await self.since.check(await self.clients.balena(), list(self.table.devices.values()))
        self._show_since()

    def _show_since(self, shown: bool = True) -> None:
        """Mark the changed rows and say what changed, or clear both."""
        marks, text = self.since.shown() if shown else ({}, "")
        self.table.mark_since(marks)
        line = self.query_one("#devices-since", StatusLine)
        line.update(text)
        line.display = bool(text)

    def _save_look(self) -> None:
        """What is loaded now counts as seen: save it (in a thread, it is a file write)."""
        if self.since.checked:
            self.run_worker(partial(self.since.save, list(self.table.devices.values())),
                            thread=True, exclusive=True, group="devices-look",
                            description="Saving the last look", exit_on_error=False)

    def _update_status(self) -> None:
        loaded = len(self.table.devices) if self.is_mounted else 0
        arrow = "↓" if self.descending else "↑"
        parts = [self.fleet_label, f"{loaded:,} of {self.total:,}"]
        selected = len(self.table.selected) if self.is_mounted else 0
        if selected:
            parts.append(f"{selected} selected")
        parts.append(f"sort {self.sort} {arrow}")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.filter_error:
            parts.append(f"not applied: {self.filter_error}")
        if self.loading:
            parts.append("loading…")
        self.query_one(StatusLine).show(*parts)
