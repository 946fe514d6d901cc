"""Job counts by state (overall, per site, per app) with the change since the last look."""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import DataTable

from console.backends.balsam import JOB_STATES, StateCounts
from console.ui.jobs.since import groups_of
from console.ui.widgets.table_keys import TableKeys


def with_delta(count: int, change: int) -> str:
    """Render a count and its change, e.g. ``"412 +3"`` (nothing when unchanged)."""
    return f"{count} {change:+d}" if change else str(count)


class StateSummary(TableKeys, DataTable[str]):
    """One row per state; columns: all jobs, then each site, then each app."""

    BINDINGS = TableKeys.BINDINGS

    DEFAULT_CSS = """
    StateSummary { height: auto; max-height: 17; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns: list[str] = []

    def show(self, counts: StateCounts,
             baseline: Mapping[str, Mapping[str, int]] | None) -> None:
        """Fill the table from ``counts``; changes are against ``baseline`` (per group)."""
        groups = groups_of(counts)
        before = baseline or {}
        labels = list(groups)
        if labels != self._columns:
            self.clear(columns=True)
            self.add_column("State", key="state")
            for label in labels:
                self.add_column(label, key=label)
            self._columns = labels
        for state in JOB_STATES:
            cells = []
            for g in labels:
                now = groups[g][state]
                # a group or state missing from the look (a new app) shows no change
                cells.append(with_delta(now, now - before.get(g, {}).get(state, now)))
            self._put(state, cells)

    def _put(self, state: str, cells: list[str]) -> None:
        if state in self.rows:
            # only cells that changed: each update repaints the table, and the pane
            # refreshes every few seconds whether or not a count moved
            for label, cell in zip(self._columns, cells):
                if self.get_cell(state, label) != cell:
                    self.update_cell(state, label, cell, update_width=True)
        else:
            self.add_row(state, *cells, key=state)
