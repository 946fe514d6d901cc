"""The audit log viewer: every write of the profile, newest first (``:audit``, palette).

The same entries as ``fleet-console audit``: time, action, target, count and
outcome. The file is read in a worker thread; ``r`` reads it again.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from console.profiles import audit
from console.ui.widgets.table_keys import NavTable

SHOWN = 1000
"""Newest entries listed; ``fleet-console audit`` prints them all."""
COLUMNS = ("time", "action", "target", "count", "outcome")


class AuditScreen(ModalScreen[None]):
    """The profile's audit log in a table."""

    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", tooltip="Close the audit log",
                id="audit-close"),
        Binding("r", "reload", "Reload", tooltip="Read the audit log again", id="audit-reload"),
    ]
    DEFAULT_CSS = """
    AuditScreen { align: center middle; }
    AuditScreen > Vertical { width: 95%; height: 90%; border: round $primary;
                             background: $surface; padding: 0 1; }
    AuditScreen #audit-summary { height: 1; }
    AuditScreen DataTable { height: 1fr; }
    """

    def __init__(self, profile: str) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Audit log of '{self.profile}' — reading…", id="audit-summary",
                         markup=False)
            yield NavTable(id="audit-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="audit", description="Reading the audit log",
          exit_on_error=False)
    def load(self) -> list[audit.AuditEntry]:
        """Read the log (newest first, at most ``SHOWN``)."""
        return list(reversed(audit.read(self.profile)))[:SHOWN]

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "audit" or event.state is not WorkerState.SUCCESS:
            return
        entries: list[audit.AuditEntry] = event.worker.result or []
        table = self.query_one(DataTable)
        table.clear()
        for e in entries:
            table.add_row(e.time.replace("T", " ")[:23], e.action, e.target,
                          "" if e.count is None else str(e.count), e.outcome)
        refused = sum(e.outcome.startswith("refused") for e in entries)
        failed = sum(e.outcome.startswith("failed") for e in entries)
        self.query_one("#audit-summary", Static).update(
            f"Audit log of '{self.profile}': {len(entries)} writes shown, newest first "
            f"({failed} failed, {refused} refused) — r reloads, Esc closes")
