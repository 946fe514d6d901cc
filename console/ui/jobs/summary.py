"""Job counts by state (overall, per site, per app) with the change since the last look."""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import DataTable

from console.backends.balsam import JOB_STATES, StateCounts
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

    def show(self, counts: StateCounts, baseline: StateCounts | None) -> None:
        """Fill the table from ``counts``; changes are against ``baseline``."""
        groups = self._groups(counts)
        before = self._groups(baseline) if baseline is not None else {}
        labels = list(groups)
        if labels != self._columns:
            self.clear(columns=True)
            self.add_column("State", key="state")
            for label in labels:
                self.add_column(label, key=label)
            self._columns = labels
        for state in JOB_STATES:
            cells = [
                with_delta(groups[g][state], groups[g][state] - before.get(g, groups[g])[state])
                for g in labels
            ]
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

    @staticmethod
    def _groups(counts: StateCounts) -> dict[str, Mapping[str, int]]:
        groups: dict[str, Mapping[str, int]] = {"All": counts.by_state()}
        for site in counts.sites:
            groups[f"@{site.name}"] = counts.by_state(counts.apps_of(site.id))
        for app in counts.apps:
            groups[app.name] = counts.by_state({app.id})
        return groups
