"""The Fleets pane: fleets with device and online counts; create; releases, tags, variables."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.worker import Worker

from console.backends.balena import Fleet
from console.clients import Clients
from console.ui.balena.fleet_detail import FleetDetailScreen
from console.ui.balena.fleet_dialogs import CreateFleetScreen
from console.ui.balena.format import fleet_cells, plain
from console.ui.balena.messages import FleetsLoaded
from console.ui.errors import report_failure
from console.ui.panes.base import Pane
from console.ui.panes.live import RefreshLoop
from console.ui.widgets.status_line import StatusLine
from console.ui.widgets.table_keys import NavTable

COLUMNS = (
    ("name", "Name"),
    ("slug", "Slug"),
    ("class", "Class"),
    ("type", "Device type"),
    ("devices", "Devices"),
    ("online", "Online"),
)
REFRESH_SECONDS = 10.0


class FleetsPane(Pane):
    """Every fleet the token reaches."""

    pane_id = "fleets"
    title = "Fleets"
    key = "1"
    section = "balena"
    live_groups: ClassVar[frozenset[str]] = frozenset({"fleets-load"})
    """Workers whose failure is said in the status line (console/ui/errors.py)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_fleet", "New", tooltip="Create a fleet, app or block", id="fleets-new"),
        Binding(
            "d", "devices", "Devices", tooltip="Show this fleet's devices", id="fleets-devices"
        ),
        Binding("r", "reload", "Reload", tooltip="Fetch the fleets again", id="fleets-reload"),
    ]
    DEFAULT_CSS = """
    FleetsPane { layout: vertical; }
    FleetsPane > DataTable { height: 1fr; }
    """

    def __init__(
        self,
        clients: Clients,
        *,
        refresh_seconds: float | None = REFRESH_SECONDS,
        id: str | None = None,
    ) -> None:
        super().__init__(clients, id=id)
        self.live = RefreshLoop(self, refresh_seconds, self._load, name="fleets-refresh")
        self.fleets: dict[int, Fleet] = {}
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield StatusLine("loading fleets…", id="fleets-status")
        yield NavTable(id="fleets-table", cursor_type="row")

    @property
    def table(self) -> DataTable[str]:
        """The fleets table."""
        return self.query_one("#fleets-table", DataTable)

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.table.add_column(label, key=key)
        self._load()
        self.table.focus()

    def apply_filter(self, text: str) -> None:
        """Show fleets whose name or slug contains the text (a handful: filtered here)."""
        self.filter_text = text.strip().lower()
        self._show(list(self.fleets.values()))

    def current(self) -> Fleet | None:
        """The fleet under the cursor."""
        if not self.table.row_count:
            return None
        row_key, _ = self.table.coordinate_to_cell_key(self.table.cursor_coordinate)
        return self.fleets.get(int(row_key.value or 0))

    @work(exclusive=True, group="fleets-load", description="Loading fleets", exit_on_error=False)
    async def _load(self) -> None:
        try:
            client = await self.clients.balena()
            self.post_message(FleetsLoaded(await client.fleets.list()))
        finally:
            self.live.arm()

    @on(FleetsLoaded)
    def _loaded(self, event: FleetsLoaded) -> None:
        self._show(event.fleets)

    def _show(self, fleets: list[Fleet]) -> None:
        """Keyed update: changed cells in place, new rows added, gone rows removed."""
        self.fleets = {f.id: f for f in fleets}
        wanted = [f for f in fleets if self._matches(f)]
        present = {row.value for row in self.table.rows}
        for gone in present - {str(f.id) for f in wanted}:
            self.table.remove_row(gone)
        for fleet in wanted:
            cells = fleet_cells(fleet)
            if str(fleet.id) not in present:
                self.table.add_row(*(plain(c) for c in cells), key=str(fleet.id))
                continue
            for (column, _), value in zip(COLUMNS, cells):
                if str(self.table.get_cell(str(fleet.id), column)) != str(value):
                    self.table.update_cell(str(fleet.id), column, plain(value))
        total = sum(f.device_count or 0 for f in fleets)
        online = sum(f.online_count or 0 for f in fleets)
        self.query_one(StatusLine).show(
            f"{len(fleets)} fleets", f"{total:,} devices", f"{online:,} online",
            f"filter: {self.filter_text}" if self.filter_text else "")

    def _matches(self, fleet: Fleet) -> bool:
        return not self.filter_text or self.filter_text in f"{fleet.name} {fleet.slug}".lower()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        fleet = self.fleets.get(int(event.row_key.value or 0))
        if fleet is not None:
            self._open_detail(fleet)

    @work(exclusive=True, group="fleets-detail", description="Opening a fleet", exit_on_error=False)
    async def _open_detail(self, fleet: Fleet) -> None:
        client = await self.clients.balena()
        self.app.push_screen(FleetDetailScreen(client, fleet))

    def action_new_fleet(self) -> None:
        self._new_fleet()

    @work(
        exclusive=True,
        group="fleets-new",
        description="Preparing the new-fleet form",
        exit_on_error=False,
    )
    async def _new_fleet(self) -> None:
        client = await self.clients.balena()
        types, orgs = await asyncio.gather(
            client.fleets.device_types(), client.fleets.organizations()
        )
        self.app.push_screen(CreateFleetScreen(client, types, orgs), self._created)

    def _created(self, fleet: Fleet | None) -> None:
        if fleet is not None:
            self.notify(f"Created {fleet.fleet_class} {fleet.slug}", title="Fleets", markup=False)
            self._load()

    async def action_devices(self) -> None:
        fleet = self.current()
        workspace = getattr(self.app, "workspace", None)
        if fleet is None or workspace is None:
            return
        (await workspace.open("devices")).run_command(f"fleet={fleet.slug}")

    def action_reload(self) -> None:
        self._load()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def pane_shown(self) -> None:
        # Shown just after mounting, the load ``on_mount`` started is on its way: a second
        # one would cancel it after the service had answered. Shown again, fetch afresh.
        again = not self.live.shown
        self.live.resume()
        if again:
            self._load()

    def pane_hidden(self) -> None:
        self.live.pause()

