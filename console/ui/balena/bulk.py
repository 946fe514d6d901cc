"""Choosing a bulk action for the selected devices, and showing what came of it per device."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from console.backends.balena import ActionResult
from console.ui.balena.format import plain
from console.ui.widgets.table_keys import NavTable

ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    # (action, label, what the parameter is, if it takes one)
    ("restart", "Restart services", None),
    ("reboot", "Reboot", None),
    ("blink", "Blink the LED", None),
    ("shutdown", "Shut down", None),
    ("purge", "Purge /data", None),
    ("pin", "Pin to release…", "commit (or prefix) or version, e.g. 1.3.0"),
    ("track", "Track the fleet's release", None),
    ("move", "Move to fleet…", "fleet: org/name or id"),
    ("tag", "Set a tag…", "KEY=VALUE"),
    ("deactivate", "Deactivate", None),
    ("os-update", "Update host OS…", "balenaOS version, e.g. 6.1.4 (the device reboots)"),
)
DESTRUCTIVE = frozenset({"reboot", "shutdown", "purge", "deactivate", "move", "os-update"})
FORCEABLE = frozenset({"reboot", "shutdown"})
"""Actions whose API request carries ``force`` (restart, purge and blink have none)."""


@dataclass(frozen=True)
class BulkRequest:
    """The action the operator chose and its options."""

    action: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The action as a verb for the confirmation."""
        return next(label for key, label, _ in ACTIONS if key == self.action).rstrip("…")


def options_for(action: str, text: str) -> dict[str, Any] | None:
    """Read the parameter the action takes; ``None`` when it is missing or malformed."""
    text = text.strip()
    if not text:
        return None
    if action == "pin":
        return {"release": text}
    if action == "move":
        return {"fleet": text}
    if action == "os-update":
        return {"version": text}
    key, sep, value = text.partition("=")
    if not key.strip() or not sep:
        return None
    return {"key": key.strip(), "value": value}


class BulkActionScreen(ModalScreen[BulkRequest | None]):
    """Pick what to do with the selected devices."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Do nothing", id="bulk-cancel"),
    ]
    DEFAULT_CSS = """
    BulkActionScreen { align: center middle; }
    BulkActionScreen > Vertical { width: 60; max-width: 95%; height: auto; max-height: 90%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    BulkActionScreen OptionList { height: auto; max-height: 12; }
    BulkActionScreen #bulk-param { display: none; }
    """

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.action: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Action for {self.count} device(s)", markup=False)
            yield OptionList(
                *(Option(label, id=key) for key, label, _ in ACTIONS), id="bulk-actions"
            )
            yield Input(id="bulk-param")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action = event.option.id or ""
        hint = next(h for key, _, h in ACTIONS if key == self.action)
        if hint is None:
            self.dismiss(BulkRequest(self.action))
            return
        box = self.query_one("#bulk-param", Input)
        box.placeholder = hint
        box.display = True
        box.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        options = options_for(self.action or "", event.value)
        if options is None:
            self.notify(f"Type the {event.input.placeholder}", severity="warning", markup=False)
            return
        self.dismiss(BulkRequest(self.action or "", options))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BulkResultScreen(ModalScreen[None]):
    """One line per device: done, or why not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", tooltip="Back to the devices", id="bulk-close"),
    ]
    DEFAULT_CSS = """
    BulkResultScreen { align: center middle; }
    BulkResultScreen > Vertical { width: 100; max-width: 95%; height: auto; max-height: 90%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    BulkResultScreen DataTable { height: auto; max-height: 18; }
    """

    def __init__(self, action: str, results: list[ActionResult]) -> None:
        super().__init__()
        self.action = action
        self.results = results

    def compose(self) -> ComposeResult:
        failed = sum(1 for r in self.results if r.status == "failed")
        unsure = sum(1 for r in self.results if r.status == "not confirmed")
        done = len(self.results) - failed - unsure
        summary = f"{self.action}: {done} done, {failed} failed"
        if unsure:
            summary += f", {unsure} not confirmed (no answer in time: check those devices)"
        with Vertical():
            yield Static(summary, id="bulk-summary", markup=False)
            yield NavTable(id="bulk-results", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Device", "UUID", "Result", "Detail")
        for result in self.results:
            device = result.device
            cells = (
                device.name if device else result.target,
                device.short_uuid if device else "",
                {"ok": "ok", "failed": "FAILED"}.get(result.status, result.status),
                result.message,
            )
            table.add_row(*(plain(cell) for cell in cells))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
