"""``?``: the keys of the current pane (and the keys that work everywhere)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from console.ui.widgets.table_keys import NavTable


def node_bindings(node: DOMNode) -> dict[str, tuple[list[str], Binding]]:
    """Return ``id → (keys, binding)`` for the bindings ``node``'s classes declare.

    Only bindings with an id are the console's own (every one of ours has one,
    so a keymap can remap it); widgets' built-in cursor keys are left out. The
    most derived class wins when two declare the same id.
    """
    found: dict[str, tuple[list[str], Binding]] = {}
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if not declared:
            continue
        own: dict[str, tuple[list[str], Binding]] = {}
        for key, bindings in BindingsMap(declared).key_to_bindings.items():
            for binding in bindings:
                if binding.id and binding.id not in found:
                    own.setdefault(binding.id, ([], binding))[0].append(key)
        found.update(own)
    return found


PURPOSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Move", ("cursor_", "first_row", "last_row", "half_page", "page", "scroll", "step_result",
              "focus", "view", "show_view", "show_tab", "toggle_focus", "back")),
    ("Find and filter", ("filter", "clear_filter", "history", "search", "sort", "order",
                         "next_sort", "flip_order", "cycle_order", "lookup", "mark", "unmark")),
    ("Run and watch", ("run", "cancel", "reload", "refresh", "toggle_", "cycle_", "follow",
                       "logs", "open_sql", "choose", "complete")),
    ("Change", ("create", "new", "rename", "drop", "delete", "bulk", "put", "edit", "remove",
                "retry", "pick_", "upload", "destroy", "import", "grant", "revoke", "ask",
                "set", "tag", "untag", "submit", "pin", "move")),
    ("Files", ("save", "export", "download", "copy")),
)
"""Help groups a pane's keys by what they are for; an action goes to the first group one
of whose prefixes it starts with, else to "More"."""


def purpose(action: str) -> str:
    """Return the help group of an action (``cursor_down`` → ``Move``)."""
    name = action.split("(", 1)[0].rsplit(".", 1)[-1]
    for group, prefixes in PURPOSES:
        if name.startswith(prefixes):
            return group
    return "More"


KeyRow = tuple[str, str, str, str]
"""``(keys, description, tooltip, purpose)``."""


def keys_of(nodes: Iterable[DOMNode], keymap: dict[str, str]) -> list[KeyRow]:
    """Return ``(keys, description, tooltip, purpose)`` rows for the bindings of ``nodes``.

    Keys are as the operator types them after the profile's keymap is applied,
    several keys joined by commas.
    """
    rows: dict[str, KeyRow] = {}
    for node in nodes:
        for binding_id, (keys, binding) in node_bindings(node).items():
            if binding_id in keymap:
                keys = [k.strip() for k in keymap[binding_id].split(",")]
            shown = binding.key_display or ",".join(keys)
            rows.setdefault(binding_id, (shown, binding.description, binding.tooltip,
                                         purpose(binding.action)))
    return list(rows.values())


BASICS: list[KeyRow] = [
    ("enter", "Open", "Open the row under the cursor (its detail, or its contents)", "Basics"),
    ("ctrl+p", "Palette", "Find any action of this pane by name, and run it", "Basics"),
    ("q", "Quit", "Leave the console (outside a text field; :quit works everywhere)", "Basics"),
    ("tab", "Next", "Move the focus to the next part of the pane", "Basics"),
]
"""Keys every operator needs first, shown at the top of every help."""


class HelpScreen(ModalScreen[None]):
    """A list of keys: the current pane's first, then the global ones."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", tooltip="Close the help",
                id="help-close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $primary;
                            background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, title: str, pane_keys: list[KeyRow], global_keys: list[KeyRow]) -> None:
        super().__init__()
        self.pane_title = title
        self.pane_keys = pane_keys
        self.global_keys = global_keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Keys: {self.pane_title} (Esc closes)", markup=False)
            yield NavTable(cursor_type="row", zebra_stripes=True, id="help-keys")

    def on_mount(self) -> None:
        sections = [("Basics", BASICS)]
        sections += list(_grouped(self.pane_keys))  # the title names the pane
        sections.append(("Everywhere", self.global_keys))
        lines = [(f"— {heading} —", [(self._shown(key), description, tooltip)
                                      for key, description, tooltip, _ in rows])
                 for heading, rows in sections]
        key_width = max(cell_len(key) for _, rows in lines for key, _, _ in rows)
        action_width = max([cell_len(heading) for heading, _ in lines]
                           + [cell_len(action) for _, rows in lines for _, action, _ in rows])
        table = self.query_one(DataTable)
        table.add_column("Key", width=key_width)
        table.add_column("Action", width=action_width)
        # The last column gets what is left of the box, and its text wraps at words
        # (rows as high as they need) rather than running off the edge mid-word.
        table.add_column("What it does", width=self._room(key_width + action_width))
        for heading, rows in lines:
            table.add_row("", heading, "")
            for key, action, tooltip in rows:
                table.add_row(key, action, Text(tooltip), height=None)
        table.focus()

    def _shown(self, key: str) -> str:
        return ", ".join(self.app.get_key_display(Binding(k, "")) for k in key.split(","))

    def _room(self, used: int) -> int:
        """Cells left for the last column in a box of the CSS's width on this screen."""
        box = min(100, self.app.size.width * 9 // 10)
        # border 2, padding 2, scrollbar 2, and a cell of padding each side of 3 columns
        return max(20, box - 12 - used)


def _grouped(rows: list[KeyRow]) -> list[tuple[str, list[KeyRow]]]:
    """The rows by purpose, in the order of ``PURPOSES`` (then "More")."""
    order = [group for group, _ in PURPOSES] + ["More"]
    found: dict[str, list[KeyRow]] = {}
    for row in rows:
        found.setdefault(row[3], []).append(row)
    return [(group, found[group]) for group in order if group in found]
