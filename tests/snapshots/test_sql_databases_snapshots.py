"""Snapshots of the SQL and Databases panes in the real app, at 80x24 and 120x40.

Deterministic: a database of fixed rows of its own, the cursor blink frozen,
elapsed times and database sizes shown as fixed figures, notifications
cleared, every worker awaited before the picture is taken.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from console import profiles
from console.backends.postgres import PostgresClient
from console.ui.app import FleetConsole
from console.ui.databases import database_table
from console.ui.panes.databases import DatabasesPane
from console.ui.panes.sql import SqlPane
from console.ui.sql import result_table
from tests.conftest import scratch_database

DB = "ui_snapshots"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
QUERY = """-- devices that reported in, by fleet
select id, name, fleet, online, firmware, uptime_h
from devices
order by fleet, id;"""


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    """The snapshot database: 40 devices whose every value is fixed."""
    with scratch_database(
        DB,
        "create table devices (id int primary key, name text not null, fleet text, "
        "online boolean, firmware text, uptime_h numeric(8, 1))",
        "insert into devices select g, 'sensor-' || lpad(g::text, 3, '0'), "
        "(array['greenhouse', 'warehouse', 'dock'])[1 + g % 3], g % 4 <> 0, "
        "'v2.' || (g % 5), round((g * 7.3)::numeric, 1) from generate_series(1, 40) g",
        "create view online_devices as select * from devices where online",
    ) as client:
        yield client


@pytest.fixture(autouse=True)
def fixed_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show every duration as 3 ms and every database size as 7.3 MB.

    Both vary from run to run (a database's size moves by a few kB with the
    server's own bookkeeping); the columns and their places are what is pinned.
    """
    monkeypatch.setattr(result_table, "elapsed_text", lambda seconds: "3 ms")
    monkeypatch.setattr(database_table, "human_size",
                        lambda size: "—" if size is None else "7.3 MB")


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs, including workers started by finishing ones."""
    for _ in range(20):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        if all(worker.is_finished for worker in pilot.app.workers):
            break
    await pilot.pause(0.1)
    pilot.app.clear_notifications()
    await pilot.pause()


def make_app() -> FleetConsole:
    return FleetConsole(profiles.load("local"), start_services=False)


class TestSqlPane:
    @SIZES
    def test_results(self, snap_compare: Any, client: PostgresClient,
                     size: tuple[int, int]) -> None:
        async def run_query(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.workspace.show("sql")
            pane = pilot.app.workspace.pane("sql")
            assert isinstance(pane, SqlPane)
            pane.editor.cursor_blink = False
            pane.use_database(DB)
            pane.editor.text = QUERY
            pane.editor.cursor_location = (1, 0)
            await settle(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert pane.results.views and pane.results.views[0].grid is not None

        assert snap_compare(make_app(), terminal_size=size, run_before=run_query)


class TestDatabasesPane:
    @SIZES
    def test_list_and_catalog(self, snap_compare: Any, client: PostgresClient,
                              size: tuple[int, int]) -> None:
        async def browse(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.workspace.show("databases")
            pane = pilot.app.workspace.pane("databases")
            assert isinstance(pane, DatabasesPane)
            pane.apply_filter(DB)
            await settle(pilot)
            tree = pane.tree
            tree.root.expand()
            await settle(pilot)
            public = next(n for n in tree.root.children if str(n.label) == "public")
            public.expand()
            await settle(pilot)
            public.children[0].expand()
            await settle(pilot)
            tree.focus()
            tree.move_cursor(public.children[0])
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=browse)
