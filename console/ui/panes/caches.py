"""The Caches pane: an Ignite cluster's caches and nodes; a cache's entries, page by page.

The list shows each cache's size, mode, backups and atomicity, and the line
above it every node the profile names: up, down, and which one answered.
Enter opens a cache: its entries load a page at a time as the cursor nears
the end, ``/`` narrows them by key, ``l`` looks a key up by its exact typed
value, and the entry under the cursor shows as a tree. Every call runs in a
thread worker (pyignite blocks); a node going away is a notification and a
``down`` in the node line, never a frozen pane.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.worker import Worker

from console.backends.ignite import (
    CacheInfo,
    CacheScan,
    ClusterInfo,
    Entry,
    IgniteClient,
)
from console.clients import Clients
from console.errors import ConsoleError
from console.ui.caches.actions import CacheActions
from console.ui.caches.entry_table import EntryTable
from console.ui.caches.messages import (
    CachesLoaded,
    EntriesLoaded,
    NodesFailed,
)
from console.ui.caches.value_tree import ValueTree
from console.ui.errors import report_failure
from console.ui.panes.base import Pane
from console.ui.widgets.status_line import StatusLine

REFRESH_SECONDS = 10.0
PAGE = 200
"""Entries per page of a scan."""
NEAR_END = 10
"""Load the next page when the cursor is this close to the last shown row."""
CACHE_COLUMNS = (("name", "Cache", 26), ("size", "Size", 9), ("mode", "Mode", 11),
                 ("backups", "Backups", 7), ("atomicity", "Atomicity", 13))
"""Key, title and width: fixed widths fit 80 columns, and a first row drawn before the
others arrive is never left at narrower widths (seen with auto widths)."""


class CachesPane(Pane, CacheActions):
    """The caches of the profile's Ignite cluster."""

    pane_id = "caches"
    title = "Caches"
    key = "7"
    section = "ignite"
    live_groups: ClassVar[frozenset[str]] = frozenset({"caches-load"})
    """Workers whose failure is said in the status line (console/ui/errors.py)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Caches", tooltip="Back to the list of caches",
                id="caches-back"),
        Binding("l", "lookup", "Lookup", tooltip="Find an entry by its exact (typed) key",
                id="caches-lookup"),
        Binding("p", "put", "Put", tooltip="Write a new entry", id="caches-put"),
        Binding("e", "edit", "Edit", tooltip="Change the value of the selected entry",
                id="caches-edit"),
        Binding("d,delete", "remove", "Remove", tooltip="Remove the selected entry (asks)",
                id="caches-remove"),
        Binding("n", "new_cache", "New cache", tooltip="Create a cache", id="caches-new"),
        Binding("x", "destroy", "Destroy", tooltip="Destroy the selected cache (type its name)",
                id="caches-destroy"),
        Binding("m", "more", "More", tooltip="Load the next page of entries", id="caches-more"),
        Binding("r", "reload", "Reload", tooltip="Read the caches (or entries) again",
                id="caches-reload"),
    ]
    DEFAULT_CSS = """
    CachesPane { layout: vertical; }
    CachesPane .caches--line { height: 1; background: $boost; color: $text; padding: 0 1; }
    CachesPane #caches-nodes { background: $panel; }
    CachesPane #caches-table { height: 1fr; }
    CachesPane #caches-entries { height: 1fr; display: none; }
    CachesPane.-open #caches-entries { display: block; }
    CachesPane.-open #caches-table { display: none; }
    CachesPane #entries-table { height: 3fr; }
    CachesPane #entry-value { height: 2fr; }
    """

    def __init__(self, clients: Clients, *, refresh_seconds: float | None = REFRESH_SECONDS,
                 id: str | None = None) -> None:
        super().__init__(clients, id=id)
        self.refresh_seconds = refresh_seconds
        self.caches: dict[str, CacheInfo] = {}
        self.cluster: ClusterInfo | None = None
        self.opened: str | None = None
        """The cache whose entries are shown, if any."""
        self.filter_text = ""
        """What ``/`` narrows the list of caches to."""
        self.done = True
        self.broken: str | None = None
        self._scan: CacheScan | None = None
        self._generation = 0
        self._loading = False
        self._shown = True
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine("connecting…", id="caches-status")
        yield Static("", id="caches-nodes", classes="caches--line", markup=False)
        yield DataTable(id="caches-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="caches-entries"):
            yield EntryTable(id="entries-table")
            yield ValueTree(id="entry-value")

    @property
    def table(self) -> DataTable[str]:
        """The list of caches."""
        return self.query_one("#caches-table", DataTable)

    @property
    def entry_table(self) -> EntryTable:
        """The entries of the opened cache."""
        return self.query_one(EntryTable)

    @property
    def entries(self) -> list[Entry]:
        """Every entry read of the opened cache, in scan order (the filter hides some)."""
        return self.entry_table.entries

    @property
    def value_tree(self) -> ValueTree:
        return self.query_one(ValueTree)

    def _client(self) -> IgniteClient:
        return self.clients.ignite()

    def on_mount(self) -> None:
        for key, label, width in CACHE_COLUMNS:
            self.table.add_column(label, key=key, width=width)
        # No focus() here: a pane mounted into a hidden tab (local services just started)
        # that takes the focus switches the console to its tab; the workspace focuses a
        # pane when it is shown.
        self._load()

    # -- the list of caches and the nodes -------------------------------------------

    @work(thread=True, exclusive=True, group="caches-load", description="Reading the caches",
          exit_on_error=False)
    def _load(self) -> None:
        try:
            client = self._client()
            try:
                caches = client.caches()
            except ConsoleError as exc:  # a dead cluster still has nodes to show as down
                self.post_message(NodesFailed(ClusterInfo("unknown", client.nodes()),
                                              str(exc)))
                return
            self.post_message(CachesLoaded(caches, client.cluster(), client.answered_by))
        finally:
            self.app.call_from_thread(self._arm_refresh)

    @on(CachesLoaded)
    def _loaded(self, event: CachesLoaded) -> None:
        self.caches = {c.name: c for c in event.caches}
        self.cluster = event.cluster
        self._show_caches()
        self._show_nodes(event.cluster, event.answered_by)

    @on(NodesFailed)
    def _nodes_failed(self, event: NodesFailed) -> None:
        self.cluster = event.cluster
        self._show_nodes(event.cluster, None, reason=event.reason)

    def _show_caches(self) -> None:
        """Keyed update: changed cells in place, new caches added, gone ones removed."""
        wanted = [c for c in self.caches.values()
                  if self.opened is not None or self.filter_text in c.name.lower()]
        present = {row.value for row in self.table.rows}
        for gone in present - {c.name for c in wanted}:
            self.table.remove_row(gone)
        for info in wanted:
            cells = (info.name, f"{info.size:,}" if info.size is not None else "?", info.mode,
                     str(info.backups), info.atomicity)
            if info.name not in present:
                self.table.add_row(*cells, key=info.name)
                continue
            for (column, _, _), value in zip(CACHE_COLUMNS, cells):
                if str(self.table.get_cell(info.name, column)) != value:
                    self.table.update_cell(info.name, column, value)

    def _show_nodes(self, cluster: ClusterInfo, answered: str | None,
                    reason: str | None = None) -> None:
        up = sum(n.state == "up" for n in cluster.nodes)
        parts = [f"cluster {cluster.state}", f"{up}/{len(cluster.nodes)} nodes up"]
        if answered:
            parts.append(f"answered by {answered}")
        parts.append(f"{len(self.caches)} caches" if reason is None else reason)
        self._status(" · ".join(parts))
        marks = [f"{n.address} {'up' if n.state == 'up' else 'DOWN'}{'*' if n.answering else ''}"
                 for n in cluster.nodes]
        self.query_one("#caches-nodes", Static).update("nodes: " + "   ".join(marks))

    def _status(self, text: str) -> None:
        if self.opened is None:
            self.query_one("#caches-status", Static).update(text)

    def _arm_refresh(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        if self.refresh_seconds and self._shown:
            self._timer = self.set_timer(self.refresh_seconds, self._tick, name="caches-refresh")

    def _tick(self) -> None:
        if self.size.area:
            self._load()
        else:  # in a tab never shown yet: keep the loop, skip the fetch
            self._arm_refresh()

    def selected_cache(self) -> CacheInfo | None:
        """The cache under the cursor (or the opened one)."""
        if self.opened is not None:
            return self.caches.get(self.opened)
        if not self.table.row_count:
            return None
        row_key, _ = self.table.coordinate_to_cell_key(self.table.cursor_coordinate)
        return self.caches.get(str(row_key.value))

    @on(DataTable.RowSelected, "#caches-table")
    def _cache_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_cache(str(event.row_key.value))

    # -- one cache's entries ----------------------------------------------------------

    def open_cache(self, name: str) -> None:
        """Show ``name``'s entries from the first page."""
        self.opened = name
        self.add_class("-open")
        self.done, self.broken = False, None
        self.entry_table.reset()
        self.value_tree.show(None)
        self._generation += 1
        self._loading = True
        self._caption()
        self._read_entries(name, self._generation, fresh=True)
        self.entry_table.focus()

    @work(thread=True, exclusive=True, group="caches-entries", description="Reading entries",
          exit_on_error=False)
    def _read_entries(self, name: str, generation: int, fresh: bool) -> None:
        if fresh:
            if self._scan is not None:
                self._scan.close()
            self._scan = self._client().scan(name, page_size=PAGE)
        scan = self._scan
        if scan is None:
            return
        try:
            page = scan.next_page()
        except ConsoleError as exc:
            self.post_message(EntriesLoaded(name, [], not fresh, True, generation, scan.node,
                                            broken=exc.message))
            raise
        self.post_message(EntriesLoaded(name, page, not fresh, scan.done, generation, scan.node))

    @on(EntriesLoaded)
    def _entries_loaded(self, event: EntriesLoaded) -> None:
        if event.generation != self._generation or event.cache != self.opened:
            return  # a page of a cache closed since
        self._loading = False
        self.done, self.broken = event.done, event.broken
        first = not self.entries
        self.entry_table.append(event.entries)
        if first and self.entry_table.row_count:
            self._show_value()
        self._caption(event.node)

    def _caption(self, node: str | None = None) -> None:
        if self.opened is None:
            return
        shown = self.entry_table.row_count
        text = f"{self.opened}: {len(self.entries):,} entries read"
        if self.entry_table.filter_text:
            text += f", {shown:,} match '{self.entry_table.filter_text}'"
        if self.broken:
            text += f" · INCOMPLETE: {self.broken}"
        elif self._loading:
            text += " · reading…"
        elif not self.done:
            text += " · more below (m)"
        else:
            text += " · all read"
        if node:
            text += f" · from {node}"
        self.query_one("#caches-status", Static).update(text)

    @on(DataTable.RowHighlighted, "#entries-table")
    def _entry_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_value()
        if event.cursor_row >= self.entry_table.row_count - NEAR_END:
            self.action_more()

    def current_entry(self) -> Entry | None:
        """The entry under the cursor."""
        return self.entry_table.current() if self.opened is not None else None

    def _show_value(self) -> None:
        self.value_tree.show(self.current_entry())

    def action_more(self) -> None:
        if self.opened is not None and not self.done and not self._loading:
            self._loading = True
            self._caption()
            self._read_entries(self.opened, self._generation, fresh=False)

    def apply_filter(self, text: str) -> None:
        """Show only the entries (or, in the list, the caches) whose key (name) holds ``text``."""
        if self.opened is None:
            self.filter_text = text.strip().lower()
            self._show_caches()
            return
        self.entry_table.narrow(text)
        self._show_value()
        self._caption()

    def run_command(self, args: str) -> None:
        """``:caches NAME`` opens cache NAME."""
        name = args.strip()
        if name:
            self.open_cache(name)

    def action_back(self) -> None:
        if self.opened is None:
            return
        self.opened = None
        self.filter_text = ""
        self.remove_class("-open")
        self._generation += 1
        self._close_scan()
        self._show_caches()
        self._load()
        self.table.focus()

    @work(thread=True, exclusive=True, group="caches-entries", description="Closing a scan",
          exit_on_error=False)
    def _close_scan(self) -> None:
        scan, self._scan = self._scan, None
        if scan is not None:
            scan.close()

    def action_reload(self) -> None:
        if self.opened is not None:
            self.open_cache(self.opened)
        else:
            self._load()

    # -- lifecycle ----------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if report_failure(self, event) is not None and event.worker.group == "caches-entries":
            self._loading = False
            self._caption()

    def pane_shown(self) -> None:
        self._shown = True
        self._load()

    def pane_hidden(self) -> None:
        self._shown = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
