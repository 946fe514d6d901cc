"""Snapshots of the SQL pane with a result in each of the console's themes, in colour.

The SQL pane shows the most of a theme at once: the header badge in the
profile's colour, tabs, the editor's highlighting, the result grid's header,
zebra stripes and cursor row, the footer. ``NO_COLOR`` (set for the whole
suite) is lifted here, before the app reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from console import profiles
from console.backends.postgres import PostgresClient
from console.ui.app import FleetConsole
from console.ui.panes.sql import SqlPane
from console.ui.sql import result_table
from tests.conftest import scratch_database
from tests.pilot import settle_quietly as settle
from tests.pilot import wait_for

DB = "ui_theme_snapshots"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
THEMES = pytest.mark.parametrize(
    "theme", ["fleet-dark", "fleet-light", "fleet-contrast", "fleet-solarized"])
QUERY = """-- jobs per site, the failed ones first
select site, state, count(*) as jobs, round(avg(hours), 1) as avg_hours
from jobs group by site, state
order by state = 'FAILED' desc, site, state limit 6;"""


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    """A table of fixed jobs, so every run shows the same rows."""
    with scratch_database(
        DB,
        "create table jobs (id int primary key, site text, state text, hours numeric(6, 2))",
        "insert into jobs select g, (array['theta', 'polaris', 'aurora'])[1 + g % 3], "
        "(array['RUNNING', 'FAILED', 'JOB_FINISHED', 'STAGED_IN'])[1 + g % 4], "
        "(g * 1.7) % 30 from generate_series(1, 120) g",
    ) as client:
        yield client


@pytest.fixture(autouse=True)
def in_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(result_table, "elapsed_text", lambda seconds: "3 ms")


class TestThemes:
    @SIZES
    @THEMES
    def test_sql_result(self, snap_compare: Any, client: PostgresClient, theme: str,
                        size: tuple[int, int]) -> None:
        async def run_query(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pane = await pilot.app.workspace.open("sql")
            assert isinstance(pane, SqlPane)
            pane.editor.cursor_blink = False
            pane.use_database(DB)
            pane.editor.text = QUERY
            pane.editor.cursor_location = (1, 0)
            await settle(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            grid = pane.results.views[0].grid
            assert grid is not None
            grid.move_cursor(row=2)
            await settle(pilot)
            # no focus anywhere: a focused widget's tint arrives a frame or two late, and
            # the theme's colours, not focus, are what these pictures show
            pilot.app.set_focus(None)
            await wait_for(pilot, lambda: pilot.app.focused is None)
            await settle(pilot)

        app = FleetConsole(profiles.load("local"), start_services=False, theme=theme)
        assert snap_compare(app, terminal_size=size, run_before=run_query)
