"""The Blobs pane: CrateDB blob tables, their blobs in pages, uploads and downloads.

Tables (with blob count and size) on top, the highlighted table's blobs below,
a page at a time, ordered by digest or last write (the server pages in that
order) or by size (within the page: size is not a column CrateDB can sort).
Transfers run in a thread worker with a bar (bytes, rate, time left); ``x``
cancels one; a download resumes by itself after a node drops and is checked
against its digest at the end.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from console.backends.crate import BlobInfo, BlobTable
from console.clients import Clients
from console.ui.blobs.format import human, modified_text
from console.ui.blobs.messages import (
    BlobsLoaded,
    TablesLoaded,
    TransferFinished,
    TransferProgressed,
)
from console.ui.blobs.transfer import TransferBar
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.errors import report_failure
from console.ui.panes.base import Pane
from console.ui.widgets.prompts import TextPrompt
from console.ui.widgets.status_line import StatusLine
from console.ui.widgets.table_keys import NavTable

PAGE = 50
REFRESH_SECONDS = 15.0
SORTS = ("digest", "modified", "size")


class BlobsPane(Pane):
    """Blob tables of the profile's CrateDB cluster."""

    pane_id = "blobs"
    title = "Blobs"
    key = "8"
    section = "cratedb"
    live_groups: ClassVar[frozenset[str]] = frozenset({"blobs-tables", "blobs-page"})
    """Workers whose failure is said in the status line (console/ui/errors.py)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "upload", "Upload", tooltip="Upload a local file", id="blobs-upload"),
        Binding("o", "download", "Get", tooltip="Download the blob to a file", id="blobs-download"),
        Binding("d", "delete", "Delete", tooltip="Delete the blob (asks)", id="blobs-delete"),
        Binding("x", "cancel", "Cancel", tooltip="Cancel the transfer", id="blobs-cancel"),
        Binding("s", "sort", "Sort", tooltip="Order by digest, modified, size", id="blobs-sort"),
        Binding("right_square_bracket", "page(1)", "Next", tooltip="Next page",
                id="blobs-next"),
        Binding("left_square_bracket", "page(-1)", "Prev", tooltip="Previous page",
                id="blobs-prev"),
        Binding("n", "new_table", "New table", tooltip="Create a blob table", id="blobs-new"),
        Binding("D", "drop_table", "Drop table", tooltip="Drop the blob table (asks)",
                id="blobs-drop"),
        Binding("r", "reload", "Reload", tooltip="Fetch tables and blobs again",
                id="blobs-reload"),
    ]
    DEFAULT_CSS = """
    BlobsPane { layout: vertical; }
    BlobsPane > #blob-tables { height: 7; }
    BlobsPane > #blob-list { height: 1fr; }
    """

    def __init__(self, clients: Clients, *, refresh_seconds: float | None = REFRESH_SECONDS,
                 id: str | None = None) -> None:
        super().__init__(clients, id=id)
        self.refresh_seconds = refresh_seconds
        self.tables: dict[str, BlobTable] = {}
        self.table_name: str | None = None
        self.blobs: dict[str, BlobInfo] = {}
        self.page_start = 0
        self.sort = "digest"
        self.descending = False
        self.server: str | None = None
        self._cancel = threading.Event()
        self._shown = True
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine("loading blob tables…", id="blobs-status")
        yield NavTable(id="blob-tables", cursor_type="row")
        yield NavTable(id="blob-list", cursor_type="row")
        yield TransferBar()

    @property
    def table_view(self) -> DataTable[str]:
        return self.query_one("#blob-tables", DataTable)

    @property
    def blob_view(self) -> DataTable[str]:
        return self.query_one("#blob-list", DataTable)

    @property
    def transfer(self) -> TransferBar:
        return self.query_one(TransferBar)

    def on_mount(self) -> None:
        for label in ("Table", "Blobs", "Size", "Shards", "Replicas"):
            self.table_view.add_column(label, key=label.lower())
        for label in ("Digest", "Size", "Modified"):
            self.blob_view.add_column(label, key=label.lower())
        self._load_tables()
        self.table_view.focus()

    # -- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="blobs-tables", description="Loading blob tables",
          exit_on_error=False)
    def _load_tables(self) -> None:
        try:
            client = self.clients.crate()
            tables = client.blob_tables()
            self.post_message(TablesLoaded(tables, client.answered_by))
        finally:
            self.app.call_from_thread(self._arm_refresh)

    @on(TablesLoaded)
    def _tables_loaded(self, event: TablesLoaded) -> None:
        self.tables = {t.name: t for t in event.tables}
        self.server = event.server
        view = self.table_view
        present = {row.value for row in view.rows}
        for gone in present - set(self.tables):
            view.remove_row(gone)
        for table in event.tables:
            cells = (table.name, f"{table.blobs:,}", human(table.size), str(table.shards or ""),
                     table.replicas or "")
            if table.name in present:
                for key, value in zip(("table", "blobs", "size", "shards", "replicas"), cells):
                    view.update_cell(table.name, key, value)
            else:
                view.add_row(*cells, key=table.name)
        if self.table_name not in self.tables and event.tables:
            self.table_name = event.tables[0].name
            self.page_start = 0
        if self.table_name:
            self._load_blobs(self.table_name, self.page_start)
        self._status()

    @on(DataTable.RowHighlighted, "#blob-tables")
    def _table_highlighted(self, event: DataTable.RowHighlighted) -> None:
        name = event.row_key.value
        if name and name != self.table_name:
            self.table_name, self.page_start = name, 0
            self._load_blobs(name, 0)

    @work(thread=True, exclusive=True, group="blobs-page", description="Loading blobs",
          exit_on_error=False)
    def _load_blobs(self, table: str, offset: int) -> None:
        order = "digest" if self.sort == "size" else self.sort
        blobs = self.clients.crate().list_blobs(table, limit=PAGE, offset=offset, order=order,
                                                descending=self.descending)
        self.post_message(BlobsLoaded(table, offset, blobs))

    @on(BlobsLoaded)
    def _blobs_loaded(self, event: BlobsLoaded) -> None:
        if event.table != self.table_name:
            return
        blobs = event.blobs
        if self.sort == "size":
            blobs = sorted(blobs, key=lambda b: b.size or 0, reverse=self.descending)
        self.blobs = {b.digest: b for b in blobs}
        self.page_start = event.offset
        view = self.blob_view
        view.clear()
        for blob in blobs:
            view.add_row(blob.digest, human(blob.size), modified_text(blob.modified),
                         key=blob.digest)
        self._status()

    def _status(self, note: str = "") -> None:
        parts = [f"{len(self.tables)} blob tables"]
        table = self.tables.get(self.table_name or "")
        if table is not None:
            last = self.page_start + len(self.blobs)
            first = self.page_start + 1 if self.blobs else 0
            parts.append(f"{table.name}: {first:,}-{last:,} of {table.blobs:,}")
            parts.append(f"by {self.sort}{' ↓' if self.descending else ''}")
        if self.server:
            parts.append(f"answered by {self.server}")
        if note:
            parts.append(note)
        self.query_one(StatusLine).show(*parts)

    # -- paging and sorting -------------------------------------------------------------

    def action_page(self, step: int) -> None:
        table = self.tables.get(self.table_name or "")
        if table is None:
            return
        offset = self.page_start + step * PAGE
        if 0 <= offset < max(table.blobs, 1):
            self._load_blobs(table.name, offset)

    def action_sort(self) -> None:
        position = SORTS.index(self.sort)
        if self.descending:
            self.sort, self.descending = SORTS[(position + 1) % len(SORTS)], False
        else:
            self.descending = True
        if self.table_name:
            self._load_blobs(self.table_name, 0 if self.sort != "size" else self.page_start)

    def action_reload(self) -> None:
        self._load_tables()

    # -- the blob under the cursor ----------------------------------------------------------

    def current_blob(self) -> BlobInfo | None:
        """The blob under the blob list's cursor."""
        view = self.blob_view
        if not view.row_count:
            return None
        row_key, _ = view.coordinate_to_cell_key(view.cursor_coordinate)
        return self.blobs.get(row_key.value or "")

    # -- transfers --------------------------------------------------------------------------

    def action_upload(self) -> None:
        if not self.table_name:
            return
        table = self.table_name
        self.app.push_screen(TextPrompt(f"Upload a file to blob table {table}",
                                        placeholder="path of a local file"),
                             lambda path: path and self._upload(table, path))

    def action_download(self) -> None:
        blob = self.current_blob()
        if blob is None or not self.table_name:
            return
        table = self.table_name
        self.app.push_screen(TextPrompt(f"Download {blob.digest} ({human(blob.size)}) to",
                                        value=str(Path.cwd() / blob.digest)),
                             lambda path: path and self._download(table, blob.digest, path))

    def start_upload(self, table: str, path: str) -> Worker[None]:
        """Upload ``path`` to ``table`` (what ``u`` does once a path is given)."""
        return self._upload(table, path)

    def start_download(self, table: str, digest: str, path: str) -> Worker[None]:
        """Download a blob to ``path`` (what ``g`` does once a path is given)."""
        return self._download(table, digest, path)

    @work(thread=True, exclusive=True, group="blobs-transfer", description="Uploading a blob",
          exit_on_error=False)
    def _upload(self, table: str, path: str) -> None:
        self._cancel = cancel = threading.Event()
        name = Path(path).name
        self.app.call_from_thread(self.transfer.begin, f"Uploading {name}")
        done = self.clients.crate().upload(
            table, Path(path).expanduser(), cancel=cancel,
            on_progress=lambda p: self.post_message(TransferProgressed("up", name, p)))
        state = "uploaded" if done.created else "was already stored"
        self.post_message(TransferFinished(f"{name} {state} as {done.digest} "
                                           f"({human(done.size)}) in {table}"))

    @work(thread=True, exclusive=True, group="blobs-transfer",
          description="Downloading a blob", exit_on_error=False)
    def _download(self, table: str, digest: str, path: str) -> None:
        self._cancel = cancel = threading.Event()
        name = digest[:12] + "…"
        self.app.call_from_thread(self.transfer.begin, f"Downloading {name}")
        done = self.clients.crate().download(
            table, digest, Path(path).expanduser(), cancel=cancel,
            on_progress=lambda p: self.post_message(TransferProgressed("down", name, p)))
        resumed = f", resumed after {done.retries} drop(s)" if done.retries else ""
        self.post_message(TransferFinished(
            f"{done.path}: {human(done.size)}{resumed}; digest verified"))

    @on(TransferProgressed)
    def _progressed(self, event: TransferProgressed) -> None:
        self.transfer.show(event.name, event.progress)

    @on(TransferFinished)
    def _finished(self, event: TransferFinished) -> None:
        self.notify(event.text, title="Blobs", markup=False)
        self._load_tables()

    def action_cancel(self) -> None:
        self._cancel.set()

    # -- deleting and tables ------------------------------------------------------------------

    def action_delete(self) -> None:
        blob = self.current_blob()
        if blob is None or not self.table_name:
            return
        table = self.table_name
        message = f"Delete blob {blob.digest} ({human(blob.size)}) from {table}?"
        self.app.push_screen(ConfirmScreen("Delete blob", message),
                             lambda answer: self._answered_delete(answer, table, blob.digest))

    def _answered_delete(self, answer: Confirmation | None, table: str, digest: str) -> None:
        if answer is not None:
            self._delete(table, digest)

    @work(thread=True, exclusive=True, group="blobs-delete", description="Deleting a blob",
          exit_on_error=False)
    def _delete(self, table: str, digest: str) -> None:
        self.clients.crate().delete(table, digest)
        self.post_message(TransferFinished(f"Deleted {digest} from {table}"))

    def action_new_table(self) -> None:
        self.app.push_screen(TextPrompt("New blob table (lower-case letters, digits, _)"),
                             lambda name: name and self._create(name))

    @work(thread=True, exclusive=True, group="blobs-admin", description="Creating a table",
          exit_on_error=False)
    def _create(self, name: str) -> None:
        self.clients.crate().create_blob_table(name)
        self.post_message(TransferFinished(f"Created blob table {name}"))

    def action_drop_table(self) -> None:
        table = self.tables.get(self.table_name or "")
        if table is None:
            return
        message = (f"Drop blob table {table.name} and its {table.blobs:,} blobs "
                   f"({human(table.size)})?")
        self.app.push_screen(ConfirmScreen("Drop blob table", message, action="Drop"),
                             lambda answer: answer and self._drop(table.name))

    @work(thread=True, exclusive=True, group="blobs-admin", description="Dropping a table",
          exit_on_error=False)
    def _drop(self, name: str) -> None:
        self.clients.crate().drop_blob_table(name)
        self.table_name = None
        self.post_message(TransferFinished(f"Dropped blob table {name}"))

    # -- workers, refresh, visibility -----------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "blobs-transfer" and event.state in (
                WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.transfer.end()
        report_failure(self, event)

    def _arm_refresh(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        if self.refresh_seconds and self._shown:
            self._timer = self.set_timer(self.refresh_seconds, self._tick, name="blobs-refresh")

    def _tick(self) -> None:
        if self.size.area:
            self._load_tables()
        else:
            self._arm_refresh()

    def pane_shown(self) -> None:
        self._shown = True
        self._load_tables()

    def pane_hidden(self) -> None:
        self._shown = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
