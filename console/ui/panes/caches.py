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

from collections.abc import Callable
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
    Typed,
    editable,
    typed,
)
from console.clients import Clients
from console.errors import ConsoleError
from console.ui.caches.dialogs import (
    CreateCacheScreen,
    DestroyCacheScreen,
    LookupScreen,
    PutEntryScreen,
)
from console.ui.caches.messages import (
    CachesChanged,
    CachesLoaded,
    EntriesLoaded,
    EntryFound,
    NodesFailed,
)
from console.ui.caches.value_tree import ValueTree
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.errors import report_failure
from console.ui.panes.base import Pane

REFRESH_SECONDS = 10.0
PAGE = 200
"""Entries per page of a scan."""
NEAR_END = 10
"""Load the next page when the cursor is this close to the last shown row."""
CACHE_COLUMNS = (("name", "Cache"), ("size", "Size"), ("mode", "Mode"), ("backups", "Backups"),
                 ("atomicity", "Atomicity"))
ENTRY_COLUMNS = (("key", "Key"), ("type", "Type"), ("value", "Value"))


class CachesPane(Pane):
    """The caches of the profile's Ignite cluster."""

    pane_id = "caches"
    title = "Caches"
    key = "7"
    section = "ignite"

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
        self.entries: list[Entry] = []
        """Every entry read of the opened cache, in scan order (the filter hides some)."""
        self.filter_text = ""
        self.done = True
        self.broken: str | None = None
        self._scan: CacheScan | None = None
        self._generation = 0
        self._loading = False
        self._shown = True
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("connecting…", id="caches-status", classes="caches--line", markup=False)
        yield Static("", id="caches-nodes", classes="caches--line", markup=False)
        yield DataTable(id="caches-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="caches-entries"):
            yield DataTable(id="entries-table", cursor_type="row", zebra_stripes=True)
            yield ValueTree(id="entry-value")

    @property
    def table(self) -> DataTable[str]:
        """The list of caches."""
        return self.query_one("#caches-table", DataTable)

    @property
    def entry_table(self) -> DataTable[str]:
        """The entries of the opened cache."""
        return self.query_one("#entries-table", DataTable)

    @property
    def value_tree(self) -> ValueTree:
        return self.query_one(ValueTree)

    def _client(self) -> IgniteClient:
        return self.clients.ignite()

    def on_mount(self) -> None:
        for key, label in CACHE_COLUMNS:
            self.table.add_column(label, key=key)
        for key, label in ENTRY_COLUMNS:
            self.entry_table.add_column(label, key=key)
        self._load()
        self.table.focus()

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
            for (column, _), value in zip(CACHE_COLUMNS, cells):
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
        self.entries, self.done, self.broken, self.filter_text = [], False, None, ""
        self.entry_table.clear()
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
        start = len(self.entries)
        self.entries.extend(event.entries)
        for index, entry in enumerate(event.entries, start):
            if self._matches(entry):
                self._add_entry_row(index, entry)
        if start == 0 and self.entry_table.row_count:
            self._show_value()
        self._caption(event.node)

    def _add_entry_row(self, index: int, entry: Entry) -> None:
        self.entry_table.add_row(entry.key_text[:60], entry.value_type, entry.preview(120),
                                 key=str(index))

    def _matches(self, entry: Entry) -> bool:
        return not self.filter_text or self.filter_text in entry.key_text.lower()

    def _caption(self, node: str | None = None) -> None:
        if self.opened is None:
            return
        shown = self.entry_table.row_count
        text = f"{self.opened}: {len(self.entries):,} entries read"
        if self.filter_text:
            text += f", {shown:,} match '{self.filter_text}'"
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
        if self.opened is None or not self.entry_table.row_count:
            return None
        row_key, _ = self.entry_table.coordinate_to_cell_key(self.entry_table.cursor_coordinate)
        index = int(row_key.value or 0)
        return self.entries[index] if 0 <= index < len(self.entries) else None

    def _show_value(self) -> None:
        self.value_tree.show(self.current_entry())

    def action_more(self) -> None:
        if self.opened is not None and not self.done and not self._loading:
            self._loading = True
            self._caption()
            self._read_entries(self.opened, self._generation, fresh=False)

    def apply_filter(self, text: str) -> None:
        """Show only the entries (or, in the list, the caches) whose key (name) holds ``text``."""
        self.filter_text = text.strip().lower()
        if self.opened is None:
            self._show_caches()
            return
        self.entry_table.clear()
        for index, entry in enumerate(self.entries):
            if self._matches(entry):
                self._add_entry_row(index, entry)
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

    # -- lookup, put, edit, remove --------------------------------------------------------

    def action_lookup(self) -> None:
        cache = self.selected_cache()
        if cache is not None:
            self.app.push_screen(LookupScreen(cache.name),
                                 lambda found: self._looked_up(cache.name, found))

    def _looked_up(self, cache: str, found: tuple[str, str] | None) -> None:
        if found is not None:
            self._lookup(cache, *found)

    @work(thread=True, exclusive=True, group="caches-lookup", description="Looking a key up",
          exit_on_error=False)
    def _lookup(self, cache: str, key: str, key_type: str) -> None:
        client = self._client()
        wanted = typed(key, key_type)
        entry = client.get(cache, wanted)
        if entry is None and key_type == "auto" and wanted.type_name == "long":
            try:
                entry = client.get(cache, typed(key, "int"))
            except ConsoleError:  # beyond Int's range: no Int key can match
                entry = None
        self.post_message(EntryFound(cache, key, key_type, entry))

    @on(EntryFound)
    def _entry_found(self, event: EntryFound) -> None:
        if event.entry is None:
            self.notify(f"{event.cache} holds no {event.key_type} key {event.key_text!r}.",
                        title="Lookup", severity="warning", markup=False)
            return
        if self.opened != event.cache:
            self.open_cache(event.cache)
        self._place(event.entry)

    def _place(self, entry: Entry) -> None:
        """Show ``entry`` (found or just written) and put the cursor on it."""
        index = next((i for i, e in enumerate(self.entries) if e.key == entry.key), None)
        if index is None:
            index = len(self.entries)
            self.entries.append(entry)
            self._add_entry_row(index, entry)
        else:
            self.entries[index] = entry
            if str(index) in {row.value for row in self.entry_table.rows}:
                self.entry_table.update_cell(str(index), "type", entry.value_type)
                self.entry_table.update_cell(str(index), "value", entry.preview(120))
            else:
                self._add_entry_row(index, entry)
        self.entry_table.move_cursor(row=self.entry_table.get_row_index(str(index)))
        self._show_value()

    def action_put(self) -> None:
        cache = self.selected_cache()
        if cache is not None:
            self._client_then(lambda client: PutEntryScreen(client, cache.name), cache.name)

    def action_edit(self) -> None:
        entry, cache = self.current_entry(), self.opened
        if entry is None or cache is None:
            return
        shown = editable(entry.value)
        if shown is None:
            self.notify(f"A {entry.value_type} value is shown, not edited, here.",
                        title="Edit", severity="warning", markup=False)
            return
        self._edit(cache, entry, *shown)

    @work(thread=True, exclusive=True, group="caches-edit", description="Finding the key's type",
          exit_on_error=False)
    def _edit(self, cache: str, entry: Entry, value: str, value_type: str) -> None:
        client = self._client()
        key = client.key_of(cache, entry.key)
        screen = PutEntryScreen(client, cache, key=entry.key_text, key_type=key.type_name,
                                value=value, value_type=value_type)
        self.app.call_from_thread(self.app.push_screen, screen,
                                  lambda done: self._written(cache, done))

    @work(thread=True, exclusive=True, group="caches-dialog", description="Connecting",
          exit_on_error=False)
    def _client_then(self, make: Callable[[IgniteClient], PutEntryScreen], cache: str) -> None:
        client = self._client()
        screen = make(client)
        self.app.call_from_thread(self.app.push_screen, screen,
                                  lambda done: self._written(cache, done))

    def _written(self, cache: str, key: Typed | None) -> None:
        if key is None:
            return
        self.notify(f"Wrote {key.type_name} key {key.value!r} in {cache}.", title="Caches",
                    markup=False)
        self._lookup(cache, str(key.value), key.type_name)

    def action_remove(self) -> None:
        entry, cache = self.current_entry(), self.opened
        if entry is None or cache is None:
            return
        screen = ConfirmScreen("Remove entry", f"Remove key {entry.key_text!r} "
                               f"({entry.value_type} value) from cache {cache}?", action="Remove")
        self.app.push_screen(screen, lambda answer: self._remove_confirmed(cache, entry, answer))

    def _remove_confirmed(self, cache: str, entry: Entry, answer: Confirmation | None) -> None:
        if answer is not None:
            self._remove(cache, entry)

    @work(thread=True, exclusive=True, group="caches-write", description="Removing an entry",
          exit_on_error=False)
    def _remove(self, cache: str, entry: Entry) -> None:
        client = self._client()
        client.remove_key(cache, client.key_of(cache, entry.key))
        self.post_message(CachesChanged(f"Removed key {entry.key_text!r} from {cache}.", cache))

    # -- create and destroy ------------------------------------------------------------------

    def action_new_cache(self) -> None:
        self._client_then_create()

    @work(thread=True, exclusive=True, group="caches-dialog", description="Connecting",
          exit_on_error=False)
    def _client_then_create(self) -> None:
        screen = CreateCacheScreen(self._client())
        self.app.call_from_thread(self.app.push_screen, screen, self._created)

    def _created(self, made: CacheInfo | None) -> None:
        if made is not None:
            self.post_message(CachesChanged(f"Created cache {made.name} ({made.mode}, "
                                            f"{made.backups} backups, {made.atomicity}).", None))

    def action_destroy(self) -> None:
        cache = self.selected_cache()
        if cache is not None:
            self.app.push_screen(DestroyCacheScreen(cache),
                                 lambda yes: self._destroy(cache.name) if yes else None)

    @work(thread=True, exclusive=True, group="caches-write", description="Destroying a cache",
          exit_on_error=False)
    def _destroy(self, name: str) -> None:
        self._client().destroy_cache(name)
        self.post_message(CachesChanged(f"Destroyed cache {name}.", None))

    @on(CachesChanged)
    def _changed(self, event: CachesChanged) -> None:
        self.notify(event.text, title="Caches", markup=False)
        if event.cache is None:
            self.action_back()
            self._load()
        elif event.cache == self.opened:
            self.open_cache(event.cache)

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
