"""A cache value shown as a tree: JSON strings and complex objects field by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from console.backends.ignite import Entry, tree, type_name

MAX_CHILDREN = 500
"""Children shown under one node; a huge array is cut, and says so."""


def _leaf(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value) if len(value) < 200 else repr(value[:199] + "…")
    return "null" if value is None else str(value)


class ValueTree(Tree[None]):
    """The value of the selected entry, expanded."""

    DEFAULT_CSS = """
    ValueTree { border-top: solid $panel; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("no entry selected", id=id)
        self.show_root = True
        self.guide_depth = 3

    def show(self, entry: Entry | None) -> None:
        """Show ``entry``'s value (or nothing)."""
        self.clear()
        if entry is None:
            self.root.set_label("no entry selected")
            return
        label = Text(f"{entry.key_text}  ")
        label.append(f"({type_name(entry.value)})", style="dim")
        self.root.set_label(label)
        self._add(self.root, tree(entry.value))
        self.root.expand_all()

    def _add(self, node: TreeNode[None], data: Any) -> None:
        if isinstance(data, dict):
            items = list(data.items())
        elif isinstance(data, list):
            items = [(f"[{i}]", v) for i, v in enumerate(data)]
        else:
            node.add_leaf(_leaf(data))
            return
        for name, value in items[:MAX_CHILDREN]:
            if isinstance(value, (dict, list)):
                self._add(node.add(Text(f"{name}", style="bold")), value)
            else:
                node.add_leaf(Text.assemble((f"{name}: ", "bold"), _leaf(value)))
        if len(items) > MAX_CHILDREN:
            node.add_leaf(f"… {len(items) - MAX_CHILDREN:,} more")
