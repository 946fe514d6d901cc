"""The server's databases as a table: name, owner, size (human), encoding."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from console.backends.postgres import DatabaseInfo
from console.ui.widgets.table_keys import TableKeys

_UNITS = ("bytes", "kB", "MB", "GB", "TB", "PB")


def human_size(size: int | None) -> str:
    """Return a size as psql's ``pg_size_pretty`` would round it (``None``: not readable)."""
    if size is None:
        return "—"
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


class DatabaseTable(TableKeys, DataTable[str | Text]):
    """One row per database, keyed by name; ``/`` narrows it by name."""

    BINDINGS = TableKeys.BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.databases: list[DatabaseInfo] = []
        self.filter_text = ""

    def on_mount(self) -> None:
        self.add_column("Name", key="name")
        self.add_column("Owner", key="owner")
        self.add_column(Text("Size", justify="right"), key="size")
        self.add_column("Encoding", key="encoding")

    def show(self, databases: list[DatabaseInfo], *, select: str | None = None) -> None:
        """Show ``databases`` (those matching the filter), keeping or moving the cursor."""
        self.databases = databases
        current = select or self.selected
        self.clear()
        wanted = self.filter_text.lower()
        for db in databases:
            if wanted and wanted not in db.name.lower():
                continue
            name = db.name if db.allow_connections else f"{db.name} (no connections)"
            self.add_row(Text(name), Text(db.owner),
                         Text(human_size(db.size_bytes), justify="right"), Text(db.encoding),
                         key=db.name)
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current))

    def narrow(self, text: str) -> None:
        """Show only databases whose name holds ``text``."""
        self.filter_text = text
        self.show(self.databases)

    @property
    def selected(self) -> str | None:
        """The name of the database under the cursor."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
