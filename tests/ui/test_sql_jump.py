"""``G`` and ``ctrl+end`` in a streamed result reach its last row in one key press.

Before, ``G`` went to the last row fetched so far and each press fetched one more
page of 5,000: 205 presses to the end of a million rows. Now the rest is read in one
worker pass and the history learns how many rows the query really returned.
"""

from __future__ import annotations

from textual.pilot import Pilot

from console import profiles
from console.profiles import history
from console.ui.app import FleetConsole
from console.ui.panes.sql import SqlPane
from console.ui.sql.results import ResultGrid
from console.ui.sql.runner import FIRST_BATCH, TO_END_PAGE
from tests.pilot import wait_for

ROWS = 2 * TO_END_PAGE + 1234
"""More than two of the jump's pages, so the rest arrives in several batches."""
QUERY = f"select g, 'row ' || g as label from generate_series(1, {ROWS}) g"


async def streamed_result(pilot: Pilot[None], sql: str) -> tuple[SqlPane, ResultGrid]:
    pane = await pilot.app.workspace.open("sql")  # type: ignore[attr-defined]
    assert isinstance(pane, SqlPane)
    pane.use_database("postgres")
    pane.editor.text = sql
    pane.editor.cursor_location = (0, 0)
    pane.editor.focus()
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: not pane.running and bool(pane.results.views))
    grid = pane.results.views[0].grid
    assert grid is not None and grid.row_count == FIRST_BATCH and grid.more
    grid.focus()
    return pane, grid


async def test_G_and_ctrl_end_read_to_the_last_row_and_the_history_gets_the_count(
        local_pg: object) -> None:
    async with FleetConsole(profiles.load("local"), start_services=False).run_test(
            size=(80, 24)) as pilot:
        pane, grid = await streamed_result(pilot, QUERY)
        [entry] = [e for e in history.History("local").entries()[:1] if e.sql == QUERY]
        assert entry.rowcount is None  # rows still to come: not known yet
        await pilot.press("G")
        await wait_for(pilot, lambda: not grid.more, rounds=3000)
        await pilot.pause()
        assert grid.row_count == ROWS
        assert grid.cursor_row == ROWS - 1
        assert grid.get_row_at(grid.cursor_row) == [ROWS, f"row {ROWS}"]
        assert pane.results.views[0].status.startswith(f"{ROWS:,} rows")
        assert history.History("local").entries()[0].rowcount == ROWS
        await pilot.press("g")
        assert grid.cursor_row == 0

        _, grid = await streamed_result(pilot, QUERY + " order by g desc")
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: not grid.more, rounds=3000)
        await pilot.pause()
        assert grid.row_count == ROWS
        assert grid.cursor_coordinate == (ROWS - 1, 1)
        assert grid.get_row_at(ROWS - 1) == [1, "row 1"]
