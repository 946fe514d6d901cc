"""One fleet: its releases, and an editor for its tags and variables."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, TabbedContent, TabPane
from textual.worker import Worker

from console.backends.balena import Fleet
from console.ui.balena.fleet_dialogs import KeyValueScreen
from console.ui.balena.format import plain
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.errors import report_failure
from console.ui.widgets.table_keys import NavTable

if TYPE_CHECKING:  # the client (httpx) is imported when one is made, not to draw
    from console.backends.balena import BalenaClient

EDITABLE = {
    # tab id → (what it holds, variable kind or None for tags)
    "fleet-tags": ("tag", None),
    "fleet-env": ("environment variable", "env"),
    "fleet-config": ("config variable", "config"),
}


class FleetDetailScreen(ModalScreen[None]):
    """Releases, tags, environment and config variables of one fleet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to the fleets", id="fleet-detail-close"),
        Binding("a", "add", "Add", tooltip="Add a tag or variable", id="fleet-detail-add"),
        Binding("e", "edit", "Edit", tooltip="Change the selected value", id="fleet-detail-edit"),
        Binding(
            "x", "remove", "Remove", tooltip="Remove the selected one", id="fleet-detail-remove"
        ),
    ]
    DEFAULT_CSS = """
    FleetDetailScreen { align: center middle; }
    FleetDetailScreen > Vertical {
        width: 110; max-width: 98%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FleetDetailScreen #fleet-heading { height: auto; text-style: bold; }
    """

    def __init__(self, client: BalenaClient, fleet: Fleet) -> None:
        super().__init__()
        self.client = client
        self.fleet = fleet
        self.loaded = False
        """Whether the tables hold the fleet's data (tests wait on it)."""

    def compose(self) -> ComposeResult:
        fleet = self.fleet
        heading = f"{fleet.slug} · {fleet.fleet_class} · {fleet.device_type or ''} · id {fleet.id}"
        with Vertical():
            yield Static(heading, id="fleet-heading", markup=False)
            with TabbedContent(id="fleet-tabs"):
                for tab_id, title in (
                    ("fleet-releases", "Releases"),
                    ("fleet-tags", "Tags"),
                    ("fleet-env", "Env vars"),
                    ("fleet-config", "Config vars"),
                ):
                    with TabPane(title, id=tab_id):
                        yield NavTable(id=f"{tab_id}-table", cursor_type="row")

    def on_mount(self) -> None:
        self.table("fleet-releases").add_columns("Version", "Commit", "Status", "Created")
        for tab_id in EDITABLE:
            self.table(tab_id).add_column("Name", key="key")
            self.table(tab_id).add_column("Value", key="value")
        self._load()

    def table(self, tab_id: str) -> DataTable[Any]:
        """The table of one tab."""
        return self.query_one(f"#{tab_id}-table", DataTable)

    @work(
        exclusive=True, group="fleet-detail", description="Loading the fleet", exit_on_error=False
    )
    async def _load(self) -> None:
        client, fleet = self.client, self.fleet
        releases, tags, env, config = await asyncio.gather(
            client.fleets.releases(fleet),
            client.tags.list("fleet", fleet),
            client.variables.list("fleet", fleet),
            client.variables.list("fleet", fleet, "config"),
        )
        table = self.table("fleet-releases")
        table.clear()
        for r in releases:
            cells = (r.raw_version, r.commit[:12], r.status, (r.created_at or "")[:16])
            table.add_row(*(plain(cell) for cell in cells))
        self._fill("fleet-tags", [(t.key, t.value) for t in tags])
        self._fill("fleet-env", [(v.name, v.value) for v in env])
        self._fill("fleet-config", [(v.name, v.value) for v in config])
        self.loaded = True

    def _fill(self, tab_id: str, rows: list[tuple[str, str]]) -> None:
        table = self.table(tab_id)
        table.clear()
        for key, value in rows:
            table.add_row(plain(key), plain(value), key=key)

    def _active(self) -> str | None:
        active = self.query_one(TabbedContent).active
        if active not in EDITABLE:
            self.notify(
                "Releases are read-only here; switch to tags or variables.", severity="warning"
            )
            return None
        return active

    def _selected(self, tab_id: str) -> tuple[str, str] | None:
        table = self.table(tab_id)
        if not table.row_count:
            return None
        row = table.get_row_at(table.cursor_row)
        return str(row[0]), str(row[1])

    def _saver(self, tab_id: str) -> Any:
        kind = EDITABLE[tab_id][1]

        async def save(key: str, value: str) -> None:
            if kind is None:
                await self.client.tags.set("fleet", self.fleet, key, value)
            else:
                await self.client.variables.set("fleet", self.fleet, key, value, kind)

        return save

    def action_add(self) -> None:
        tab_id = self._active()
        if tab_id is not None:
            what = EDITABLE[tab_id][0]
            screen = KeyValueScreen(
                f"New {what} of {self.fleet.slug}", self._saver(tab_id), key_label="name"
            )
            self.app.push_screen(screen, self._saved)

    def action_edit(self) -> None:
        tab_id = self._active()
        current = self._selected(tab_id) if tab_id else None
        if tab_id is not None and current is not None:
            title = f"{EDITABLE[tab_id][0]} {current[0]}"
            self.app.push_screen(
                KeyValueScreen(title, self._saver(tab_id), key=current[0], value=current[1]),
                self._saved,
            )

    def _saved(self, result: tuple[str, str] | None) -> None:
        if result is not None:
            self._load()

    def action_remove(self) -> None:
        tab_id = self._active()
        current = self._selected(tab_id) if tab_id else None
        if tab_id is None or current is None:
            return
        what = EDITABLE[tab_id][0]
        question = f"Remove {what} {current[0]!r} from {self.fleet.slug}?"
        self.app.push_screen(
            ConfirmScreen(f"Remove {what}", question, action="Remove", destructive=True),
            lambda answer: self._remove(answer, tab_id, current[0]),
        )

    def _remove(self, answer: Confirmation | None, tab_id: str, key: str) -> None:
        if answer is not None:
            self._delete(tab_id, key)

    @work(exclusive=True, group="fleet-remove", description="Removing", exit_on_error=False)
    async def _delete(self, tab_id: str, key: str) -> None:
        kind = EDITABLE[tab_id][1]
        if kind is None:
            await self.client.tags.remove("fleet", self.fleet, key)
        else:
            await self.client.variables.remove("fleet", self.fleet, key, kind)
        self._load()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_close(self) -> None:
        self.dismiss(None)
