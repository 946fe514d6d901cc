"""Messages that workers post to their panes: each names a fact that just happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from console.backends.postgres import DatabaseInfo
    from console.ui.databases.catalog_tree import CatalogItem, Child


@dataclass
class DatabasesLoaded(Message):
    """The server's databases, as listed now."""

    databases: list[DatabaseInfo]


@dataclass
class CatalogNodeLoaded(Message):
    """The children of one catalog tree node were read."""

    node_id: int
    item: CatalogItem
    children: list[Child]


@dataclass
class CatalogNodeFailed(Message):
    """The children of one catalog tree node could not be read."""

    node_id: int
    item: CatalogItem
    text: str


@dataclass
class DropRequested(Message):
    """The operator asked to drop a database; this many sessions are connected to it."""

    name: str
    connections: int


@dataclass
class DatabaseChanged(Message):
    """A database was created, renamed or dropped."""

    text: str
    select: str | None
    """The database to put the cursor on afterwards."""


