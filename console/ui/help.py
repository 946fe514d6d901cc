"""``?``: the keys of the current pane (and the keys that work everywhere)."""

from __future__ import annotations

from collections.abc import Iterable

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


def keys_of(nodes: Iterable[DOMNode], keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """Return ``(keys, description, tooltip)`` rows for the bindings of ``nodes``.

    Keys are as the operator types them after the profile's keymap is applied,
    several keys joined by commas.
    """
    rows: dict[str, tuple[str, str, str]] = {}
    for node in nodes:
        for binding_id, (keys, binding) in node_bindings(node).items():
            if binding_id in keymap:
                keys = [k.strip() for k in keymap[binding_id].split(",")]
            shown = binding.key_display or ",".join(keys)
            rows.setdefault(binding_id, (shown, binding.description, binding.tooltip))
    return list(rows.values())


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

    def __init__(self, title: str, pane_keys: list[tuple[str, str, str]],
                 global_keys: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.pane_title = title
        self.pane_keys = pane_keys
        self.global_keys = global_keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Keys: {self.pane_title} (Esc closes)", markup=False)
            yield NavTable(cursor_type="row", zebra_stripes=True, id="help-keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "What it does")
        for heading, rows in ((self.pane_title, self.pane_keys), ("Everywhere", self.global_keys)):
            table.add_row(f"— {heading} —", "", "")
            for key, description, tooltip in rows:
                shown = ", ".join(self.app.get_key_display(Binding(k, "")) for k in key.split(","))
                table.add_row(shown, description, tooltip)
        table.focus()
