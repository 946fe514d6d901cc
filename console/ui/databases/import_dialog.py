"""The import dialog: a file or URL, the target table, create or append, and a preview.

Enter in the source field (or Preview) reads the first rows in a worker and
shows them under their inferred types, which the operator can change before
pressing Import. The dialog closes with an ``ImportPlan``; the pane runs it as
a data job. A file that cannot be read is said in the dialog, values kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from console.backends.datajobs import ImportColumn, Preview, preview
from console.errors import ConsoleError
from console.ui.databases.preview_table import ImportPreview
from console.ui.errors import report_failure

MODES = [("new table (refuse if it exists)", "auto"), ("append to the table", "append")]


@dataclass(frozen=True)
class ImportPlan:
    """What the operator asked to import, where."""

    source: str
    table: str | None
    mode: str
    columns: tuple[ImportColumn, ...] | None
    """The previewed columns with the operator's types (``None``: not previewed)."""
    header: bool | None = None
    delimiter: str | None = None


class ImportDialog(ModalScreen[ImportPlan | None]):
    """Ask what to import into a database, with a preview of the first rows."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without importing",
                id="import-cancel"),
        Binding("ctrl+s", "import", "Import", tooltip="Start the import", id="import-start"),
    ]
    DEFAULT_CSS = """
    ImportDialog { align: center middle; }
    ImportDialog > Vertical { width: 110; max-width: 98%; height: 90%; border: thick $primary;
                              background: $surface; padding: 0 1; }
    ImportDialog Horizontal { height: auto; }
    ImportDialog #import-table { width: 1fr; }
    ImportDialog #import-mode { width: 1fr; }
    ImportDialog .import--info { height: auto; color: $text-muted; }
    ImportDialog .dialog--error { color: $error; height: auto; }
    ImportDialog .import--buttons { align-horizontal: right; }
    ImportDialog Button { margin-left: 2; }
    """

    def __init__(self, database: str, *, source: str = "") -> None:
        super().__init__()
        self.database = database
        self.source = source
        self.preview: Preview | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Import into database {self.database}", markup=False)
            yield Input(self.source, placeholder="file path or http(s):// URL (Enter previews)",
                        id="import-source")
            with Horizontal():
                yield Input(placeholder="table (SQLite: its own table names)",
                            id="import-table")
                yield Select(MODES, value="auto", allow_blank=False, id="import-mode")
            yield Static("Enter in the source field reads the first rows; t changes a column's "
                         "type.", classes="import--info", id="import-info", markup=False)
            yield ImportPreview(id="import-preview")
            yield Static("", classes="dialog--error", markup=False)
            with Horizontal(classes="import--buttons"):
                yield Button("Cancel", id="import-cancel")
                yield Button("Preview", id="import-preview-button")
                yield Button("Import (ctrl+s)", variant="primary", id="import-go")

    def on_mount(self) -> None:
        self.query_one("#import-source", Input).focus()

    @property
    def source_text(self) -> str:
        """The file or URL as typed."""
        return self.query_one("#import-source", Input).value.strip()

    @on(Input.Submitted, "#import-source")
    @on(Button.Pressed, "#import-preview-button")
    def _preview_asked(self) -> None:
        if self.source_text:
            self._error("")
            self.query_one("#import-info", Static).update("Reading the first rows…")
            self.load_preview(self.source_text)

    @work(thread=True, exclusive=True, group="import-preview", description="Reading a preview",
          exit_on_error=False)
    def load_preview(self, source: str) -> Preview:
        """Read the input's first rows and infer its columns."""
        return preview(source)

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "import-preview":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Preview):
            self.show_preview(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, ConsoleError):
                self._error(error.message)
                self.query_one("#import-info", Static).update("No preview.")
            else:
                report_failure(self, event)

    def show_preview(self, shown: Preview) -> None:
        """Show a preview and say what was found (format, delimiter, header, tables)."""
        self.preview = shown
        first = shown.tables[0]
        self.query_one(ImportPreview).show(first)
        table = self.query_one("#import-table", Input)
        if not table.value and shown.fmt != "sqlite":
            table.value = _table_name(shown.source)
        self.query_one("#import-info", Static).update(_describe(shown))
        self.query_one(ImportPreview).focus()

    def _error(self, text: str) -> None:
        self.query_one(".dialog--error", Static).update(text)

    @on(Button.Pressed, "#import-go")
    def action_import(self) -> None:
        """Close with the plan, if it names a source and (but for SQLite) a table."""
        table = self.query_one("#import-table", Input).value.strip() or None
        sqlite = self.preview is not None and self.preview.fmt == "sqlite"
        if not self.source_text:
            self._error("Name a file or URL to import.")
            return
        if table is None and not sqlite:
            self._error("Name the table to import into.")
            return
        typed = self.preview is not None and len(self.preview.tables) == 1
        columns = tuple(self.query_one(ImportPreview).columns_now) if typed else None
        mode = str(self.query_one("#import-mode", Select).value)
        self.dismiss(ImportPlan(self.source_text, table, mode, columns or None,
                                self.preview.header if self.preview else None,
                                self.preview.delimiter if self.preview else None))

    @on(Button.Pressed, "#import-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _table_name(source: str) -> str:
    stem = Path(source.split("?")[0].rstrip("/")).stem.lower()
    cleaned = "".join(c if c.isalnum() else "_" for c in stem).strip("_")
    return cleaned[:63] or "imported"


def _describe(shown: Preview) -> str:
    first = shown.tables[0]
    if shown.fmt == "csv":
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(
            shown.delimiter, repr(shown.delimiter))
        header = "a header line" if shown.header else "no header line"
        what = f"CSV, {delimiter}-separated, {header}"
    elif shown.fmt == "sqlite":
        names = ", ".join(t.name for t in shown.tables)
        what = f"SQLite, {len(shown.tables)} table(s) imported under their names: {names}"
    else:
        what = shown.fmt.upper() + (f", sheet {first.name}" if first.name else "")
    return f"{what}; {len(first.columns)} columns. t changes the type of the column under the " \
        "cursor."
