"""One device in full: fields, tags, variables and services, loaded in a worker."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from console.backends.balena import BalenaClient, Device
from console.ui.balena.format import plain, when
from console.ui.errors import report_failure
from console.ui.widgets.table_keys import NavTable


def summary(device: Device) -> str:
    """The device's main fields, one per line."""
    lines = [
        ("Name", device.name),
        ("UUID", device.uuid),
        ("Fleet", device.fleet_slug or str(device.fleet_id or "")),
        ("Type", device.device_type or ""),
        ("Online", "online" if device.is_online else "offline"),
        ("Status", device.status or ""),
        ("Release", device.release_label),
        ("OS", device.os_version or ""),
        ("Supervisor", device.supervisor_version or ""),
        ("IP", device.ip_address or ""),
        ("Last seen", when(device.last_seen)),
        ("Note", device.note or ""),
    ]
    return "\n".join(f"{label:>10}  {value}" for label, value in lines)


class DeviceDetailScreen(ModalScreen[None]):
    """Everything about one device; Escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to the devices", id="device-detail-close"),
    ]
    DEFAULT_CSS = """
    DeviceDetailScreen { align: center middle; }
    DeviceDetailScreen > VerticalScroll {
        width: 100; max-width: 98%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DeviceDetailScreen .detail--heading { text-style: bold; margin-top: 1; }
    DeviceDetailScreen DataTable { height: auto; max-height: 10; }
    """

    def __init__(self, client: BalenaClient, device: Device) -> None:
        super().__init__()
        self.client = client
        self.device = device
        self.loaded = False
        """Whether tags, variables and services have arrived (tests wait on it)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(summary(self.device), id="detail-summary", markup=False)
            for key, heading in (("tags", "Tags"), ("vars", "Variables"), ("services", "Services")):
                with Vertical():
                    yield Static(heading, classes="detail--heading")
                    yield NavTable(id=f"detail-{key}", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#detail-tags", DataTable).add_columns("Key", "Value")
        self.query_one("#detail-vars", DataTable).add_columns("Kind", "Name", "Value")
        self.query_one("#detail-services", DataTable).add_columns("Service", "Status", "Release")
        self._load()

    @work(
        exclusive=True,
        group="device-detail",
        description="Loading device details",
        exit_on_error=False,
    )
    async def _load(self) -> None:
        client, device = self.client, self.device
        tags, env, config, services = await asyncio.gather(
            client.tags.list("device", device),
            client.variables.list("device", device),
            client.variables.list("device", device, "config"),
            client.devices.services(device.id),
        )
        self._fill("#detail-tags", [(t.key, t.value) for t in tags])
        self._fill("#detail-vars", [(v.kind, v.name, v.value) for v in env + config])
        self._fill(
            "#detail-services", [(s.name, s.status or "", s.release or "") for s in services]
        )
        self.loaded = True

    def _fill(self, selector: str, rows: list[tuple[Any, ...]]) -> None:
        table = self.query_one(selector, DataTable)
        table.add_rows([tuple(plain(cell) for cell in row) for row in rows])
        if not rows:
            table.add_row(*(["—"] + [""] * (len(table.columns) - 1)))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_close(self) -> None:
        self.dismiss(None)
