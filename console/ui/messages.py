"""Messages that workers post to their panes: each names a fact that just happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from console.backends.postgres import Column, DatabaseInfo, Relation
    from console.ui.sql_runner import Outcome


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
class SchemasLoaded(Message):
    """The schemas of one database, for the catalog tree."""

    database: str
    schemas: list[str]


@dataclass
class RelationsLoaded(Message):
    """The tables and views of one schema, for the catalog tree."""

    database: str
    schema: str
    relations: list[Relation]


@dataclass
class ColumnsLoaded(Message):
    """The columns of one relation, for the catalog tree."""

    database: str
    schema: str
    relation: str
    columns: list[Column]


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
