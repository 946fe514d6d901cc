"""A table of devices keyed by device id: pages appended, live updates cell by cell.

It never fetches: the pane gives it pages (``show_page``, ``append_page``) and
fresh copies of devices (``update_devices``); it posts a message when the
cursor nears the end of what is loaded, and when a header asks for a sort.
Cells that changed in a live update are shown reversed for a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.backends.balena import Device
from console.ui.balena.format import DEFAULT_COLUMNS, DEVICE_COLUMNS, device_cells, plain
from console.ui.widgets.table_keys import TableKeys

MARK_SECONDS = 1.5
"""How long a changed cell stays highlighted."""
NEAR_END = 20
"""Rows before the end of the loaded rows at which the next page is asked for."""


@dataclass(frozen=True)
class Synced:
    """What a ``DeviceTable.sync`` changed."""

    added: int
    removed: int
    changed_cells: int


class DeviceTable(TableKeys, DataTable[str | Text]):
    """Devices, one row each, keyed by id; a selection column for bulk actions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *TableKeys.BINDINGS,
        Binding(
            "space",
            "toggle_select",
            "Select",
            tooltip="Select or unselect this device",
            id="devices-select",
        ),
        Binding(
            "a",
            "select_all",
            "All",
            tooltip="Select every loaded device, or none",
            id="devices-select-all",
        ),
    ]

    @dataclass
    class NearEnd(Message):
        """The cursor is close to the last loaded row: time for the next page."""

        table: DeviceTable

    @dataclass
    class SortRequested(Message):
        """A sortable column's header was chosen."""

        column: str

    @dataclass
    class SelectionChanged(Message):
        """The set of selected devices changed."""

        count: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.devices: dict[int, Device] = {}
        """The loaded devices by id, in table order."""
        self.selected: set[int] = set()
        self._marked: set[tuple[str, str]] = set()
        self.since: dict[int, str] = {}
        """Device id → its "since last look" mark (``▼``, ``+``…), shown in the selection
        column of rows not selected: a glyph, so it reads without colour."""
        self.shown: tuple[str, ...] = DEFAULT_COLUMNS
        """Keys of the columns on screen, in order (``sel`` always first)."""

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        labels = {key: label for key, label, _ in DEVICE_COLUMNS}
        for key in self.shown:
            self.add_column(labels[key], key=key)

    def show_columns(self, keys: list[str]) -> None:
        """Show these columns (in the table's own order); the loaded rows stay, in order."""
        known = [key for key, _, _ in DEVICE_COLUMNS]
        wanted = ("sel", *(k for k in known if k in keys and k != "sel"))
        if wanted == self.shown:
            return
        devices, cursor = list(self.devices.values()), self.cursor_row
        self.shown = wanted
        self.clear(columns=True)
        self._marked.clear()
        self._add_columns()
        self.devices = {}
        self.append_page(devices)
        if devices:
            self.move_cursor(row=min(cursor, len(devices) - 1))

    def show_page(self, devices: list[Device]) -> None:
        """Replace every row (a new filter, sort or fleet)."""
        self.clear()
        self.devices = {}
        self.selected &= {d.id for d in devices}
        self.append_page(devices)

    def append_page(self, devices: list[Device]) -> None:
        """Add the next page below the loaded rows."""
        for device in devices:
            if device.id in self.devices:
                continue
            self.devices[device.id] = device
            cells = self._cells(device)
            self.add_row(*(plain(cells[key]) for key in self.shown), key=str(device.id))

    def update_devices(self, fresh: list[Device]) -> int:
        """Update rows in place from fresh copies; return how many cells changed."""
        changed = 0
        for device in fresh:
            old = self.devices.get(device.id)
            if old is None or old == device:
                continue
            self.devices[device.id] = device
            before = self._cells(old)
            after = self._cells(device)
            for key in self.shown:
                value = after[key]
                if before[key] != value:
                    self._mark(str(device.id), key, value)
                    changed += 1
        if changed:
            self.set_timer(MARK_SECONDS, self._unmark, name="devices-unmark")
        return changed

    def sync(self, fresh: list[Device], start: int = 0, stop: int | None = None) -> Synced:
        """Make rows ``start``..``stop`` match a fresh read of those positions, by key.

        Rows that left the window are removed, changed cells updated in place, new
        devices added, and the window's rows put in the order the server gave; rows
        that did not change keep their cells. Rows outside the window stay as they
        are, except a device the fresh read puts inside it, which moves in (a device
        is loaded once). The cursor stays on the device it was on.
        """
        under_cursor = self.current()
        loaded = list(self.devices)
        stop = len(loaded) if stop is None else min(stop, len(loaded))
        start = min(start, stop)
        wanted = {device.id for device in fresh}
        gone = [device_id for device_id in loaded[start:stop] if device_id not in wanted]
        for device_id in gone:
            self.remove_row(str(device_id))
            del self.devices[device_id]
        self._marked = {(row, column) for row, column in self._marked if int(row) in self.devices}
        if self.selected & set(gone):
            self.selected -= set(gone)
            self.post_message(self.SelectionChanged(len(self.selected)))
        changed = self.update_devices(fresh)
        new = [device for device in fresh if device.id not in self.devices]
        self.append_page(new)
        for device in new:
            cells = self._cells(device)
            for key in self.shown[1:]:
                self._mark(str(device.id), key, cells[key])
        if new:
            self.set_timer(MARK_SECONDS, self._unmark, name="devices-unmark")
        order = [
            *(device_id for device_id in loaded[:start] if device_id not in wanted),
            *(device.id for device in fresh),
            *(device_id for device_id in loaded[stop:] if device_id not in wanted),
        ]
        if list(self.devices) != order:
            self.devices = {device_id: self.devices[device_id] for device_id in order}
            self._reorder(order)
        if under_cursor is not None and under_cursor.id in self.devices:
            self.move_cursor(row=self.get_row_index(str(under_cursor.id)), scroll=False)
        return Synced(added=len(new), removed=len(gone), changed_cells=changed)

    def _reorder(self, order: list[int]) -> None:
        # DataTable sorts by cell values only; every row's selection cell is an object
        # of its own (``plain`` makes a new Text each time), so its identity names the row.
        rank = {id(self.get_cell(str(device_id), "sel")): n for n, device_id in enumerate(order)}
        self.sort("sel", key=lambda cell: rank[id(cell)])

    def _mark(self, row: str, column: str, value: str) -> None:
        self.update_cell(row, column, Text(value, style="reverse", no_wrap=True, end=""))
        self._marked.add((row, column))

    def _unmark(self) -> None:
        for row, column in list(self._marked):
            device = self.devices.get(int(row))
            if device is not None:
                text = self._cells(device)[column]
                self.update_cell(row, column, plain(text))
        self._marked.clear()

    def _sel(self, device_id: int) -> str:
        """The selection cell: ``✓`` when selected, else the since-last-look mark."""
        return "✓" if device_id in self.selected else self.since.get(device_id, " ")

    def _cells(self, device: Device) -> dict[str, str]:
        cells = device_cells(device, device.id in self.selected)
        cells["sel"] = self._sel(device.id)
        return cells

    def mark_since(self, marks: dict[int, str]) -> None:
        """Show these since-last-look marks (device id → glyph); ``{}`` clears them."""
        touched = set(self.since) | set(marks)
        self.since = dict(marks)
        for device_id in touched & set(self.devices):
            self.update_cell(str(device_id), "sel", plain(self._sel(device_id)))

    @property
    def marked(self) -> set[tuple[str, str]]:
        """Cells shown as just changed: (device id, column key)."""
        return set(self._marked)

    def current(self) -> Device | None:
        """The device under the cursor."""
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self.devices.get(int(row_key.value or 0))

    def targets(self) -> list[Device]:
        """The selected devices, or the one under the cursor when none is selected."""
        if self.selected:
            return [self.devices[i] for i in self.devices if i in self.selected]
        device = self.current()
        return [device] if device else []

    def action_toggle_select(self) -> None:
        device = self.current()
        if device is None:
            return
        self.selected ^= {device.id}
        self.update_cell(str(device.id), "sel", plain(self._sel(device.id)))
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_select_all(self) -> None:
        everything = set(self.devices)
        self.selected = set() if self.selected >= everything else everything
        for device_id in self.devices:
            self.update_cell(str(device_id), "sel", plain(self._sel(device_id)))
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_scroll_end(self) -> None:
        """End goes to the last loaded row (left/right still scroll sideways)."""
        self.action_scroll_bottom()

    def action_scroll_home(self) -> None:
        """Home goes to the first row."""
        self.action_scroll_top()

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[no-untyped-def]
        super().watch_cursor_coordinate(old, new)
        moved = new.row != old.row
        if moved and self.row_count and new.row >= self.row_count - NEAR_END:
            self.post_message(self.NearEnd(self))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        sort = next((s for k, _, s in DEVICE_COLUMNS if k == event.column_key.value), None)
        if sort is not None:
            self.post_message(self.SortRequested(sort))
