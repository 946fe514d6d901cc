"""What the SQL pane's workers post back to it: each message names a fact that just happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    import pyarrow as pa

    from console.backends.sql import Catalog, Target
    from console.ui.sql.runner import Outcome


@dataclass
class StatementFinished(Message):
    """One statement of a run answered: its first rows, its status, or its error."""

    outcome: Outcome
    base: int
    """Offset of the run's text in the editor buffer (a selection starts mid-buffer)."""


@dataclass
class RunEnded(Message):
    """The run worker stopped: every statement ran, one failed, or it was cancelled."""

    stopped: bool
    """Cancelled before every statement ran."""


@dataclass
class RowsFetched(Message):
    """More rows of a result arrived as the operator scrolled toward its end."""

    result: int
    cells: list[list[Any]]
    last: bool
    """The result's last row is in this page (read in the thread: by the time the page
    is shown, the next fetch may have moved the run on)."""
    batch: pa.RecordBatch | None = None
    """A large page already converted in the thread (the jump to the last row)."""


@dataclass
class HistoryUnsaved(Message):
    """A statement ran but could not be written to the history (e.g. a full disk)."""

    text: str


@dataclass
class CatalogLoaded(Message):
    """The chosen target's schemas, relations and columns, for completion."""

    target: Target
    catalog: Catalog


@dataclass
class TargetsLoaded(Message):
    """Where statements can run: every engine's databases or schemas, for the picker."""

    targets: list[Target]
    failures: list[str]
    """Engines that could not list theirs, with why (the picker still offers the rest)."""
    pick: bool = True
    """Open the picker; ``False`` only refreshes the names ``:sql`` completes."""


@dataclass
class ExportFinished(Message):
    """A result was written to a file."""

    path: str
    rows: int
