"""One device in full: fields, tags, variables and services, loaded in a worker.

From here the operator renames the device (``n``), sets a tag (``t``) or a
variable (``v``: ``NAME`` for an environment variable, ``BALENA_*`` for a config
one, ``SERVICE/NAME`` for a service's), and removes the tag (``u``) or variable
(``x``) under the cursor. Writes ask the backend (which refuses them on a
read-only profile) and the detail is read again afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from console.backends.balena import Device
from console.backends.balena.metadata import CONFIG_PREFIXES
from console.ui.balena.fleet_dialogs import KeyValueScreen
from console.ui.balena.format import plain, when
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.errors import report_failure
from console.ui.widgets.footer import Footer
from console.ui.widgets.table_keys import NavTable

if TYPE_CHECKING:  # the client (httpx) is imported when one is made, not to draw
    from console.backends.balena import BalenaClient


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
        Binding("n", "rename", "Rename", tooltip="Rename the device", id="device-rename"),
        Binding("t", "set_tag", "Tag", tooltip="Set a tag", id="device-tag"),
        Binding(
            "u", "untag", "Untag", tooltip="Remove the tag under the cursor", id="device-untag"
        ),
        Binding(
            "v",
            "set_var",
            "Variable",
            tooltip="Set a variable (NAME, BALENA_NAME or SERVICE/NAME)",
            id="device-set-var",
        ),
        Binding(
            "x",
            "remove_var",
            "Remove var",
            tooltip="Remove the variable under the cursor",
            id="device-remove-var",
        ),
    ]
    # Every section takes the height it needs and the box scrolls (pageup/pagedown, or
    # tab into a table): sections sharing the box's height (1fr each, a Vertical's
    # default) left Tags, Variables and Services one empty row each at 80x24.
    DEFAULT_CSS = """
    DeviceDetailScreen { align: center middle; }
    DeviceDetailScreen > VerticalScroll {
        width: 100; max-width: 98%; height: 1fr; max-height: 40; margin: 1 0 0 0;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DeviceDetailScreen VerticalScroll > Vertical { height: auto; }
    DeviceDetailScreen .detail--heading { text-style: bold; margin-top: 1; }
    DeviceDetailScreen DataTable { height: auto; max-height: 12; }
    """

    def __init__(self, client: BalenaClient, device: Device) -> None:
        super().__init__()
        self.client = client
        self.device = device
        self.loaded = False
        """Whether tags, variables and services have arrived (tests wait on it)."""
        self.tags: list[str] = []
        """Tag keys in table order."""
        self.variables: list[tuple[str, str]] = []
        """(kind, name) of each variable row: env, config or ``service NAME``."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(summary(self.device), id="detail-summary", markup=False)
            for key, heading in (("tags", "Tags"), ("vars", "Variables"), ("services", "Services")):
                with Vertical():
                    yield Static(heading, classes="detail--heading")
                    yield NavTable(id=f"detail-{key}", cursor_type="row")
        yield Footer()

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
        tags, env, config, service_vars, services = await asyncio.gather(
            client.tags.list("device", device),
            client.variables.list("device", device),
            client.variables.list("device", device, "config"),
            client.service_variables.list("device", device),
            client.devices.services(device.id),
        )
        self.tags = [t.key for t in tags]
        self.variables = [(v.kind, v.name) for v in env + config] + [
            (f"service {v.service}", v.name) for v in service_vars
        ]
        self._fill("#detail-tags", [(t.key, t.value) for t in tags])
        self._fill(
            "#detail-vars",
            [(v.kind, v.name, v.value) for v in env + config]
            + [(f"service {v.service}", v.name, v.value) for v in service_vars],
        )
        self._fill(
            "#detail-services", [(s.name, s.status or "", s.release or "") for s in services]
        )
        self.loaded = True

    def _fill(self, selector: str, rows: list[tuple[Any, ...]]) -> None:
        table = self.query_one(selector, DataTable)
        table.clear()
        table.add_rows([tuple(plain(cell) for cell in row) for row in rows])
        if not rows:
            table.add_row(*(["—"] + [""] * (len(table.columns) - 1)))

    # -- edits --------------------------------------------------------------------

    def action_rename(self) -> None:
        async def save(_: str, name: str) -> None:
            self.device = await self.client.devices.rename(self.device.id, name)

        screen = KeyValueScreen(
            "Rename device", save, key="device name", value=self.device.name, key_label="name"
        )
        self.app.push_screen(screen, self._edited)

    def action_set_tag(self) -> None:
        async def save(key: str, value: str) -> None:
            await self.client.tags.set("device", self.device, key, value)

        self.app.push_screen(KeyValueScreen("Set a device tag", save), self._edited)

    def action_set_var(self) -> None:
        async def save(key: str, value: str) -> None:
            service, slash, name = key.partition("/")
            if slash:
                await self.client.service_variables.set("device", self.device, service, name, value)
                return
            kind = "config" if key.startswith(CONFIG_PREFIXES) else "env"
            await self.client.variables.set("device", self.device, key, value, kind)

        screen = KeyValueScreen(
            "Set a variable: NAME, BALENA_NAME (config) or SERVICE/NAME",
            save,
            key_label="name",
        )
        self.app.push_screen(screen, self._edited)

    def action_untag(self) -> None:
        key = self._under_cursor("#detail-tags", self.tags)
        if key is not None:
            self._ask(
                f"Remove tag {key}?", lambda: self.client.tags.remove("device", self.device, key)
            )

    def action_remove_var(self) -> None:
        chosen = self._under_cursor("#detail-vars", self.variables)
        if chosen is None:
            return
        kind, name = chosen
        if kind.startswith("service "):
            service = kind.removeprefix("service ")
            remove = lambda: self.client.service_variables.remove(  # noqa: E731
                "device", self.device, service, name
            )
        else:
            remove = lambda: self.client.variables.remove(  # noqa: E731
                "device", self.device, name, kind
            )
        self._ask(f"Remove {kind} variable {name}?", remove)

    def _under_cursor(self, selector: str, keys: list[Any]) -> Any:
        table = self.query_one(selector, DataTable)
        if not keys or not 0 <= table.cursor_row < len(keys):
            self.notify("Nothing to remove here", severity="warning")
            return None
        return keys[table.cursor_row]

    def _ask(self, question: str, write: Callable[[], Awaitable[None]]) -> None:
        def answered(answer: Confirmation | None) -> None:
            if answer is not None:
                self._write(write)

        self.app.push_screen(ConfirmScreen("Device", question, action="Remove"), answered)

    @work(exclusive=True, group="device-edit", description="Saving", exit_on_error=False)
    async def _write(self, write: Callable[[], Awaitable[None]]) -> None:
        await write()
        self._edited(True)

    def _edited(self, result: object) -> None:
        if result is not None:
            self.query_one("#detail-summary", Static).update(summary(self.device))
            self._load()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_close(self) -> None:
        self.dismiss(None)
