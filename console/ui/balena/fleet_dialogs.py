"""Dialogs of the Fleets pane: create a fleet; set a tag or variable.

Each dialog saves in its own worker and closes only when the save worked, so a
refused name or value stays on screen to be corrected, not lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from console.backends.balena import Fleet
from console.ui.balena.format import plain
from console.ui.widgets.saving_form import SavingForm

if TYPE_CHECKING:  # the client (httpx) is imported when one is made, not to draw
    from console.backends.balena import BalenaClient

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 70; max-width: 95%; height: auto; max-height: 95%;
                     border: thick $primary; background: $surface; padding: 0 1; }}
{name} .dialog--error {{ color: $error; height: auto; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 2; }}
"""


class CreateFleetScreen(SavingForm):
    """Name, device type, organization and class of a new fleet."""

    DEFAULT_CSS = DIALOG_CSS.format(name="CreateFleetScreen")

    def __init__(
        self, client: BalenaClient, device_types: list[dict[str, Any]], orgs: list[dict[str, Any]]
    ) -> None:
        super().__init__()
        self.client = client
        self.device_types = device_types
        self.orgs = orgs

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New fleet")
            yield Input(placeholder="name (4 to 100 characters)", id="fleet-name")
            yield Select(
                [(plain(f"{t['name']} ({t['slug']})"), t["slug"]) for t in self.device_types],
                prompt="device type",
                id="fleet-type",
            )
            yield Select(
                [(plain(o["handle"]), o["handle"]) for o in self.orgs],
                prompt="organization",
                id="fleet-org",
            )
            yield Select(
                [("fleet", "fleet"), ("app", "app"), ("block", "block")],
                value="fleet",
                allow_blank=False,
                id="fleet-class",
            )
            yield Static("", classes="dialog--error", markup=False)
            with Horizontal():
                yield Button("Cancel", id="fleet-cancel")
                yield Button("Create", variant="primary", id="fleet-create")

    def on_mount(self) -> None:
        self.query_one("#fleet-name", Input).focus()

    def values(self) -> tuple[str, Any, Any, Any]:
        """What the form holds: name, device type, organization, class."""
        return (
            self.query_one("#fleet-name", Input).value,
            self.query_one("#fleet-type", Select).value,
            self.query_one("#fleet-org", Select).value,
            self.query_one("#fleet-class", Select).value,
        )

    @on(Button.Pressed, "#fleet-create")
    @on(Input.Submitted)
    def _create(self) -> None:
        name, dtype, org, klass = self.values()
        if not 4 <= len(name.strip()) <= 100:
            self.show_error("A fleet name has 4 to 100 characters.")
            return
        if dtype is Select.BLANK or org is Select.BLANK:
            self.show_error("Choose a device type and an organization.")
            return
        self.show_error("Creating…")
        self._save(name, str(dtype), str(org), str(klass))

    @on(Button.Pressed, "#fleet-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="fleet-create", description="Creating a fleet", exit_on_error=False)
    async def _save(self, name: str, dtype: str, org: str, klass: str) -> None:
        fleet: Fleet = await self.client.fleets.create(name, dtype, org, klass)
        self.dismiss(fleet)


class KeyValueScreen(SavingForm):
    """Set one tag or variable; ``save(key, value)`` does the writing."""

    DEFAULT_CSS = DIALOG_CSS.format(name="KeyValueScreen")

    def __init__(
        self,
        title: str,
        save: Callable[[str, str], Awaitable[None]],
        *,
        key: str = "",
        value: str = "",
        key_label: str = "key",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.save = save
        self.key = key
        self.value = value
        self.key_label = key_label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield Input(self.key, placeholder=self.key_label, id="kv-key", disabled=bool(self.key))
            yield Input(self.value, placeholder="value", id="kv-value")
            yield Static("", classes="dialog--error", markup=False)
            with Horizontal():
                yield Button("Cancel", id="kv-cancel")
                yield Button("Save", variant="primary", id="kv-save")

    def on_mount(self) -> None:
        self.query_one("#kv-value" if self.key else "#kv-key", Input).focus()

    @on(Button.Pressed, "#kv-save")
    @on(Input.Submitted)
    def _submit(self) -> None:
        key = self.query_one("#kv-key", Input).value.strip()
        if not key:
            self.show_error(f"Give a {self.key_label}.")
            return
        self._write(key, self.query_one("#kv-value", Input).value)

    @on(Button.Pressed, "#kv-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="kv-save", description="Saving", exit_on_error=False)
    async def _write(self, key: str, value: str) -> None:
        await self.save(key, value)
        self.dismiss((key, value))
