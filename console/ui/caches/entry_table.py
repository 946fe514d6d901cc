"""The entries of one cache, as read so far, in a table that a key filter narrows."""

from __future__ import annotations

from textual.widgets import DataTable

from console.backends.ignite import Entry

COLUMNS = (("key", "Key"), ("type", "Type"), ("value", "Value"))


class EntryTable(DataTable[str]):
    """Every entry read (``entries``, in scan order); rows for those the filter keeps.

    A row's key is the entry's index in ``entries``, so a row always finds its entry.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[Entry] = []
        self.filter_text = ""

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def reset(self) -> None:
        """Forget every entry (another cache, or the same one read again)."""
        self.entries, self.filter_text = [], ""
        self.clear()

    def append(self, entries: list[Entry]) -> None:
        """Add a page: every entry is kept, those matching the filter get rows."""
        start = len(self.entries)
        self.entries.extend(entries)
        for index, entry in enumerate(entries, start):
            if self.matches(entry):
                self._add(index, entry)

    def matches(self, entry: Entry) -> bool:
        return not self.filter_text or self.filter_text in entry.key_text.lower()

    def narrow(self, text: str) -> None:
        """Show only the entries whose key holds ``text`` (any case)."""
        self.filter_text = text.strip().lower()
        self.clear()
        for index, entry in enumerate(self.entries):
            if self.matches(entry):
                self._add(index, entry)

    def _add(self, index: int, entry: Entry) -> None:
        self.add_row(entry.key_text[:60], entry.value_type, entry.preview(120), key=str(index))

    def current(self) -> Entry | None:
        """The entry under the cursor."""
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        index = int(row_key.value or 0)
        return self.entries[index] if 0 <= index < len(self.entries) else None

    def place(self, entry: Entry) -> None:
        """Show ``entry`` (found or just written) in its row, or a new one, cursor on it."""
        index = next((i for i, e in enumerate(self.entries) if e.key == entry.key), None)
        if index is None:
            index = len(self.entries)
            self.entries.append(entry)
            self._add(index, entry)
        else:
            self.entries[index] = entry
            if str(index) in {row.value for row in self.rows}:
                self.update_cell(str(index), "type", entry.value_type)
                self.update_cell(str(index), "value", entry.preview(120))
            else:
                self._add(index, entry)
        self.move_cursor(row=self.get_row_index(str(index)))
