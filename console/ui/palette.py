"""The command palette's entries: every action of the screen in front, with its key.

Textual's palette offers only the app's system commands; an operator who does
not remember a key should find the action by name instead. Each binding of the
current pane (and of the widgets inside it), of a dialog in front, and of the
app becomes one entry that runs the action on the node that declares it, so the
palette does exactly what the key does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode

from console.ui.help import node_bindings


def binding_commands(app: App[object], nodes: Iterable[DOMNode],
                     keymap: dict[str, str]) -> Iterator[SystemCommand]:
    """Yield one palette entry per console binding of ``nodes`` (first declaration wins)."""
    seen: set[str] = set()
    for node in nodes:
        for binding_id, (keys, binding) in node_bindings(node).items():
            if binding_id in seen or not binding.description or binding_id.startswith("go-"):
                continue  # the tabs have entries of their own ("Go to Fleets")
            seen.add(binding_id)
            if binding_id in keymap:
                keys = [k.strip() for k in keymap[binding_id].split(",")]
            shown = ", ".join(app.get_key_display(Binding(key, "")) for key in keys)
            help_text = f"{binding.tooltip or binding.description} (key {shown})"
            run = partial(app.run_action, binding.action, node)
            yield SystemCommand(binding.description, help_text, run)
