"""The catalog of one database as a tree: schemas → tables and views → columns with types.

Children load when a node is first expanded: the tree posts ``NeedsChildren``
and the pane fills the node from a worker (attributes down, messages up).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode, UnknownNodeID

from console.backends.postgres import Column, Relation


@dataclass(frozen=True)
class CatalogItem:
    """What a node stands for."""

    kind: str
    """``database``, ``schema``, ``relation``, ``column`` or ``note``."""
    database: str
    schema: str = ""
    relation: str = ""


@dataclass(frozen=True)
class Child:
    """A node to add: its label, what it stands for, and whether it opens."""

    label: str
    item: CatalogItem
    expandable: bool


class CatalogTree(Tree[CatalogItem]):
    """A lazily loaded catalog tree for one database."""

    DEFAULT_CSS = """
    CatalogTree { height: 1fr; }
    """

    @dataclass
    class NeedsChildren(Message):
        """A node was expanded for the first time: its children must be read."""

        node_id: int
        item: CatalogItem

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("(no database)"), id=id)
        self._loaded: set[int] = set()
        self.guide_depth = 3

    def show_database(self, name: str) -> None:
        """Make ``name`` the root, collapsed, with nothing loaded yet."""
        # not Tree.reset(): its new root keeps id 0 while the old one stays registered
        # under that id, so get_node_by_id would find the stale root
        root = self.root
        root.remove_children()
        root.collapse()
        root.set_label(Text(name))
        root.data = CatalogItem("database", name)
        root.allow_expand = True
        self._loaded.clear()

    def _node(self, node_id: int, item: CatalogItem) -> TreeNode[CatalogItem] | None:
        """Return the node ``node_id`` if it still stands for ``item`` (answers can be late)."""
        try:
            node = self.get_node_by_id(node_id)  # type: ignore[arg-type]
        except UnknownNodeID:
            return None
        return node if node.data == item else None

    def fill(self, node_id: int, item: CatalogItem, children: list[Child]) -> None:
        """Add ``children`` under node ``node_id``, unless it no longer stands for ``item``."""
        node = self._node(node_id, item)
        if node is None:
            return
        node.remove_children()
        for child in children:
            if child.expandable:
                node.add(Text(child.label), child.item)
            else:
                node.add_leaf(Text(child.label), child.item)
        if not children:
            node.add_leaf(Text("(empty)"), CatalogItem("note", item.database))

    def failed(self, node_id: int, item: CatalogItem, text: str) -> None:
        """Say a node's children could not be read; expanding it again retries."""
        node = self._node(node_id, item)
        if node is None:
            return
        self._loaded.discard(node_id)
        node.remove_children()
        node.add_leaf(Text(f"(not loaded: {text})"), CatalogItem("note", ""))
        node.collapse()

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[CatalogItem]) -> None:
        node: TreeNode[CatalogItem] = event.node
        if node.id in self._loaded or node.data is None:
            return
        self._loaded.add(node.id)
        node.remove_children()
        node.add_leaf(Text("loading…"), CatalogItem("note", node.data.database))
        self.post_message(self.NeedsChildren(node.id, node.data))


def schema_children(item: CatalogItem, schemas: list[str]) -> list[Child]:
    """Child nodes of a database: its schemas."""
    return [Child(name, CatalogItem("schema", item.database, name), True) for name in schemas]


def relation_children(item: CatalogItem, relations: list[Relation]) -> list[Child]:
    """Child nodes of a schema: its tables and views, each saying which it is."""
    return [
        Child(f"{r.name}  ({r.kind})", CatalogItem("relation", item.database, item.schema, r.name),
              True)
        for r in relations
    ]


def column_children(item: CatalogItem, columns: list[Column]) -> list[Child]:
    """Child nodes of a relation: its columns with their types."""
    return [
        Child(f"{c.name}  {c.data_type}{'' if c.nullable else ' not null'}",
              CatalogItem("column", item.database, item.schema, item.relation), False)
        for c in columns
    ]
