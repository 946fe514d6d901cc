"""Messages that workers post to their panes: each names a fact that just happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from console.backends.postgres import DatabaseInfo
    from console.ui.databases.catalog_tree import CatalogItem, Child
    from console.ui.sql.runner import Outcome


@dataclass
class StatementFinished(Message):
    """One statement of a run answered: its first rows, its status, or its error."""

    outcome: Outcome
    base: int
    """Offset of the run's text in the editor buffer (a selection starts mid-buffer)."""


@dataclass
class RowsFetched(Message):
    """More rows of a result arrived as the operator scrolled toward its end."""

    result: int
    cells: list[list[Any]]


@dataclass
class HistoryUnsaved(Message):
    """A statement ran but could not be written to the history (e.g. a full disk)."""

    text: str


@dataclass
class CatalogLoaded(Message):
    """The selected database's schemas, relations and columns, for completion."""

    database: str
    catalog: dict[str, dict[str, list[str]]]


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


@dataclass
class RunEnded(Message):
    """The run's thread finished every statement it was going to run."""

    stopped: bool
    """Whether it stopped early (an error, or the operator cancelled)."""


@dataclass
class ExportFinished(Message):
    """A result was saved to a file."""

    path: str
    rows: int
