"""The SQL pane driven by the pilot against the real local PostgreSQL."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.worker import WorkerState

from console import profiles
from console.backends.postgres import PostgresClient
from console.profiles import history
from console.ui.app import FleetConsole
from console.ui.panes.sql import SqlPane
from console.ui.sql.history_screen import HistoryScreen
from console.ui.sql.runner import FIRST_BATCH
from console.ui.widgets.prompts import TextPrompt
from tests.conftest import scratch_database
from tests.pilot import wait_for

DB = "ui_sql_tests"
ROWS = 3000
SIZE = (100, 30)
EMPTY_SCHEMA = "ui_warehouse"
"""A schema with no tables yet: only its name can complete."""


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    """A database of its own, with a table of ROWS items."""
    with scratch_database(
        DB,
        "create table items (id int primary key, name text, price numeric(12, 2))",
        f"insert into items select g, 'item-' || g, g * 1.25 from generate_series(1, {ROWS}) g",
        f"create schema {EMPTY_SCHEMA}",
    ) as client:
        yield client


def make_app() -> FleetConsole:
    return FleetConsole(profiles.load("local"), start_services=False)


async def open_sql(pilot) -> SqlPane:  # type: ignore[no-untyped-def]
    """Show the SQL pane on the test database and wait for its catalog."""
    await pilot.app.workspace.open("sql")
    pane = pilot.app.workspace.pane("sql")
    assert isinstance(pane, SqlPane)
    pane.use_database(DB)
    await wait_for(pilot, lambda: pane.editor.catalog is not None)
    return pane


async def run(pilot, pane: SqlPane, sql: str, key: str = "ctrl+r",  # type: ignore[no-untyped-def]
              cursor: tuple[int, int] = (0, 0)) -> None:
    pane.editor.text = sql
    pane.editor.cursor_location = cursor
    pane.editor.focus()
    await pilot.press(key)
    await wait_for(pilot, lambda: not pane.running)


def sleeping(client: PostgresClient) -> bool:
    """Whether the server is running a ``pg_sleep`` in the test database right now."""
    run = client.run(DB, "select count(*) from pg_stat_activity "
                         "where wait_event = 'PgSleep' and datname = current_database()")
    return bool(run.first_rows[0][0])


async def start_sleep(pilot, pane: SqlPane, client: PostgresClient) -> None:  # type: ignore[no-untyped-def]
    """Run ``select pg_sleep(30)`` and return once the server is sleeping in it."""
    pane.editor.text = "select pg_sleep(30)"
    pane.editor.cursor_location = (0, 0)
    pane.editor.focus()
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: sleeping(client))


async def test_query_shows_first_rows_and_status(client: PostgresClient) -> None:
    """The first batch appears with its columns, and the status says more rows wait."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name, price from items order by id")
        view = pane.results.views[0]
        assert view.grid is not None
        assert view.grid.row_count == FIRST_BATCH
        assert view.grid.get_row_at(0) == [1, "item-1", "1.25"]
        assert "more on scroll" in view.status


async def test_scrolling_to_the_end_streams_the_rest(client: PostgresClient) -> None:
    """Moving to the last row fetches pages until every row is there."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id from items order by id")
        grid = pane.results.views[0].grid
        assert grid is not None
        grid.focus()
        for _ in range(5):
            await pilot.press("ctrl+end")
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: not grid.more)
        assert grid.row_count == ROWS
        assert grid.get_row_at(ROWS - 1) == [ROWS]
        status = pane.results.views[0].status
        assert status.startswith(f"{ROWS:,} rows")


async def test_run_all_keeps_each_result(client: PostgresClient) -> None:
    """F5 runs every statement in order; each result is kept and `]` steps through them."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 1 as a;\nselect 'two' as b;\nselect count(*) from items",
                  key="f5")
        views = pane.results.views
        assert [v.grid.get_row_at(0) for v in views if v.grid] == [[1], ["two"], [ROWS]]
        assert pane.results.current is views[-1]
        views[-1].grid.focus()
        await pilot.press("right_square_bracket")
        assert pane.results.current is views[0]


async def test_statement_without_rows_shows_its_status(client: PostgresClient) -> None:
    """DDL and DML show the server's status instead of a grid."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "create temporary table t (x int);\n"
                               "insert into t select generate_series(1, 3)", key="f5")
        statuses = [v.status for v in pane.results.views]
        assert statuses[0].startswith("CREATE TABLE")
        assert statuses[1].startswith("INSERT 0 3")


async def test_cancel_sleep_gives_control_back(client: PostgresClient) -> None:
    """ctrl+t cancels `select pg_sleep(30)`: the worker ends cancelled and typing still works."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = "select pg_sleep(30)"
        pane.editor.focus()
        await pilot.press("ctrl+r")
        worker = pane.runs.worker
        assert worker is not None
        await wait_for(pilot, lambda: pane.runner._current is not None)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: not pane.running)
        assert worker.state is WorkerState.CANCELLED
        view = pane.results.views[0]
        assert view.has_class("-error")
        assert "cancelled" in view.status
        pane.editor.cursor_location = (0, len(pane.editor.text))
        await pilot.press("space", "x")
        assert pane.editor.text.endswith(" x")
        await run(pilot, pane, "select 7 as after_cancel")
        assert pane.results.views[0].grid.get_row_at(0) == [7]


async def test_editor_takes_typing_while_a_query_runs(client: PostgresClient) -> None:
    """Keys reach the editor while the server sleeps in a statement; then ctrl+t cancels it."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await start_sleep(pilot, pane, client)
        pane.editor.cursor_location = (0, len("select pg_sleep(30)"))
        await pilot.press(*" -- typed meanwhile")
        assert pane.running and sleeping(client)  # still running
        assert pane.editor.text == "select pg_sleep(30) -- typed meanwhile"
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: not pane.running)
        assert "cancelled" in pane.results.views[0].status


async def test_error_marks_its_position(client: PostgresClient) -> None:
    """A bad column is selected in the editor and its line and column are named."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 1;\nselect nosuch from items;", cursor=(1, 3))
        assert pane.editor.selection.start == (1, 7)
        assert pane.editor.selected_text == "n"
        message = pane.results.views[0].message
        assert "nosuch" in message and "line 2, column 8" in message


async def test_selection_runs_and_positions_count_from_it(client: PostgresClient) -> None:
    """Running a selection maps the error position back into the whole buffer."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = "select 1;\nselect 2, bogus(1);"
        pane.editor.select_line(1)
        pane.editor.focus()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not pane.running)
        assert pane.editor.selection.start == (1, 10)


async def test_history_recalls_a_statement(client: PostgresClient) -> None:
    """ctrl+l searches the profile's history; Enter puts the statement back in the editor."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 42 as recalled_answer")
        pane.editor.text = ""
        pane.editor.focus()
        await pilot.press("ctrl+l")
        assert isinstance(pilot.app.screen, HistoryScreen)
        await pilot.press(*"recalled_answer", "enter")
        assert pane.editor.text == "select 42 as recalled_answer"


async def test_history_recall_replaces_the_buffer_and_undo_brings_it_back(
    client: PostgresClient,
) -> None:
    """A recalled statement takes the buffer's place (not appended); ctrl+z restores the text."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 43 as replaced_answer")
        pane.editor.text = "select 'work in progress'"
        pane.editor.focus()
        await pilot.press("ctrl+l")
        await pilot.press(*"replaced_answer", "enter")
        assert pane.editor.text == "select 43 as replaced_answer"
        await pilot.press("ctrl+z")
        assert pane.editor.text == "select 'work in progress'"


async def test_ctrl_j_runs_and_f2_moves_between_editor_and_result(
    client: PostgresClient,
) -> None:
    """ctrl+j runs as ctrl+r does (harlequin's key); f2 goes to the rows and back."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = "select id from items order by id limit 3"
        pane.editor.focus()
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: not pane.running and bool(pane.results.views))
        grid = pane.results.views[0].grid
        assert grid is not None and grid.get_row_at(0) == [1]
        await pilot.press("f2")
        await pilot.pause()
        assert grid.has_focus
        await pilot.press("G")
        assert grid.cursor_row == 2
        await pilot.press("f2")
        await pilot.pause()
        assert pane.editor.has_focus
        pane.editor.text = "select 1 as one; select 2 as two"
        await pilot.press("f5")  # from the editor too: every statement of the buffer
        await wait_for(pilot, lambda: not pane.running and len(pane.results.views) == 2)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
async def test_full_disk_for_history_is_a_warning(client: PostgresClient) -> None:
    """When the history cannot be written the query still shows, with a warning."""
    path = history.History("local").path
    saved = path.with_name("saved-history.jsonl")
    if path.exists():
        path.rename(saved)
    os.symlink("/dev/full", path)
    try:
        async with make_app().run_test(size=SIZE) as pilot:
            pane = await open_sql(pilot)
            await run(pilot, pane, "select 5 as despite_full_disk")
            await pilot.pause()
            assert pane.results.views[0].grid.get_row_at(0) == [5]
            warnings = [n for n in pilot.app._notifications if n.title == "Not saved"]
            assert warnings and warnings[0].severity == "warning"
    finally:
        path.unlink()
        if saved.exists():
            saved.rename(path)


async def test_buffer_survives_a_restart(client: PostgresClient) -> None:
    """What is typed is saved for the profile and comes back in a new console."""
    text = "select 'kept across restarts'"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = text
        await wait_for(pilot, lambda: history.load_buffer("local") == text)
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await pilot.app.workspace.open("sql")
        assert isinstance(pane, SqlPane)
        assert pane.editor.text == text


async def test_copy_cell_and_row(client: PostgresClient) -> None:
    """`y` copies the cell, `Y` the row, tab-separated."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name, price from items where id = 2")
        grid = pane.results.views[0].grid
        grid.focus()
        await pilot.press("right", "y")
        assert pilot.app.clipboard == "item-2"
        await pilot.press("Y")
        assert pilot.app.clipboard == "2\titem-2\t2.50"


async def test_save_result_as_json(client: PostgresClient, tmp_path: Path) -> None:
    """ctrl+s writes the shown result's rows to the named file."""
    target = tmp_path / "items.json"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name from items where id <= 3 order by id")
        await pilot.press("ctrl+s")
        assert isinstance(pilot.app.screen, TextPrompt)
        prompt = pilot.app.screen.query_one("#prompt-input")
        prompt.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists())
    assert json.loads(target.read_text()) == [
        {"id": 1, "name": "item-1"}, {"id": 2, "name": "item-2"}, {"id": 3, "name": "item-3"}]


async def test_completion_from_the_catalog(client: PostgresClient) -> None:
    """Table names complete from the database's catalog: ghost text, and the list on ctrl+space."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = ""
        pane.editor.focus()
        await pilot.press(*"select * from ite")
        assert pane.editor.suggestion == "ms"
        await pilot.press("ctrl+space")
        listing = pane.query_one("#completions")
        assert listing.display
        await pilot.press("enter")
        assert pane.editor.text == "select * from items"
        assert not listing.display


async def test_save_result_as_csv(client: PostgresClient, tmp_path: Path) -> None:
    """ctrl+s to a .csv file writes a header and every row, quoted where CSV needs it."""
    target = tmp_path / "items.csv"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name, price, 'a, \"b\"' as note from items "
                               "where id <= 3 order by id")
        await pilot.press("ctrl+s")
        assert isinstance(pilot.app.screen, TextPrompt)
        pilot.app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.title == "Save result"
                                          for n in pilot.app._notifications))
    with target.open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["id", "name", "price", "note"],
            ["1", "item-1", "1.25", 'a, "b"'],
            ["2", "item-2", "2.50", 'a, "b"'],
            ["3", "item-3", "3.75", 'a, "b"'],
        ]


async def test_save_result_as_parquet_keeps_the_types(client: PostgresClient,
                                                      tmp_path: Path) -> None:
    """ctrl+s to a .parquet file writes every row of the query with Arrow types, not text."""
    import pyarrow.parquet as pq

    target = tmp_path / "items.parquet"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name, price from items order by id")
        await pilot.press("ctrl+s")
        assert isinstance(pilot.app.screen, TextPrompt)
        pilot.app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.title == "Save result"
                                          for n in pilot.app._notifications))
    table = pq.read_table(target)
    assert table.num_rows == ROWS  # every row, not only the page on screen
    assert str(table.schema.field("id").type) == "int32"
    assert str(table.schema.field("price").type).startswith("decimal128(12, 2)")
    assert table.column("name")[0].as_py() == "item-1"


async def test_completion_of_a_schema_without_tables(client: PostgresClient) -> None:
    """A schema completes by its name alone, even before it holds a table."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        assert pane.editor.catalog is not None and EMPTY_SCHEMA in pane.editor.catalog
        pane.editor.text = ""
        pane.editor.focus()
        await pilot.press(*"select * from ui_ware")
        assert pane.editor.suggestion == "house"
        await pilot.press("ctrl+space", "enter")
        assert pane.editor.text == f"select * from {EMPTY_SCHEMA}"


def shown_filter(pane: SqlPane) -> str | None:
    """The filter of the result on show, once no query runs (``None``: none shown yet)."""
    view = pane.results.current
    return None if view is None or pane.running else view.row_filter


async def test_slash_filters_rows_on_the_server_and_escape_restores(
        client: PostgresClient) -> None:
    """`/item-2` re-runs the query filtered: 1,111 of 3,000 rows, streamed page by page;
    the header names the filter; Escape brings every row back."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name from items order by id")
        pane.results.views[0].grid.focus()
        await pilot.press("slash", *"item-2")
        await wait_for(pilot, lambda: shown_filter(pane) == "item-2")
        grid = pane.results.views[0].grid
        assert grid.row_count == FIRST_BATCH and grid.more  # the rest waits on the server
        assert 'filter "item-2"' in str(pane.query_one("#results-title").render())
        grid.focus()
        for _ in range(8):
            await pilot.press("ctrl+end")
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: not grid.more)
        names = [grid.get_row_at(i)[1] for i in range(grid.row_count)]
        assert len(names) == 1 + 10 + 100 + 1000
        assert all("item-2" in name for name in names)
        await pilot.press("slash", "escape")
        await wait_for(pilot, lambda: shown_filter(pane) == "")
        restored = pane.results.views[0].grid
        assert restored.get_row_at(1) == [2, "item-2"] and restored.more
        assert "filter" not in str(pane.query_one("#results-title").render())


async def test_a_filtered_result_saves_only_its_rows(client: PostgresClient,
                                                     tmp_path: Path) -> None:
    target = tmp_path / "filtered.csv"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select id, name from items order by id")
        pane.results.views[0].grid.focus()
        await pilot.press("slash", *"item-300", "enter")
        await wait_for(pilot, lambda: shown_filter(pane) == "item-300")
        await pilot.press("ctrl+s")
        pilot.app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists())
    assert target.read_text().splitlines() == ["id,name", "300,item-300", "3000,item-3000"]


async def test_filter_refuses_a_result_that_is_not_a_query(client: PostgresClient) -> None:
    """SHOW returns rows but cannot be wrapped in a query: `/` says so and changes nothing."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "show server_encoding")
        view = pane.results.views[0]
        view.grid.focus()
        await pilot.press("slash", *"utf")
        await wait_for(pilot, lambda: any(n.title == "Filter" for n in pilot.app._notifications))
        refusals = [n.message for n in pilot.app._notifications if n.title == "Filter"]
        assert all("this result came from SHOW" in message for message in refusals)
        assert pane.results.views[0] is view and view.row_filter is None


def start_server_elsewhere() -> None:
    """Bring the local server back from another process, as an operator's shell would."""
    code = "from console.sandbox import control; control.ensure_postgres('local')"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, env=os.environ.copy())


async def test_killed_server_is_reported_and_reconnected(client: PostgresClient) -> None:
    """With the server down a query says so; once it is back the next query works."""
    from console.sandbox import control

    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 1 as before_kill")
        control.postgres("local").stop()
        try:
            await run(pilot, pane, "select 2 as while_down")
            view = pane.results.views[0]
            assert view.has_class("-error")
            assert "unavailable" in view.status.lower()
        finally:
            start_server_elsewhere()
        await run(pilot, pane, "select 3 as after_restart")
        assert pane.results.views[0].grid.get_row_at(0) == [3]


def kill_server() -> None:
    """Kill the local server as a crash would: SIGQUIT is PostgreSQL's immediate shutdown,
    so every session ends at once and clients get no goodbye."""
    import psutil

    from console.sandbox import control

    pid = control.postgres("local").state().pid
    assert pid is not None
    process = psutil.Process(pid)
    process.send_signal(signal.SIGQUIT)
    process.wait(30)


async def test_server_killed_mid_query_is_reported_and_the_pane_recovers(
        client: PostgresClient) -> None:
    """The server dies under `pg_sleep(30)`: the pane says so, keeps working, and runs
    queries again once the server is back."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await start_sleep(pilot, pane, client)
        kill_server()
        try:
            await wait_for(pilot, lambda: not pane.running)
            view = pane.results.views[0]
            assert view.has_class("-error")
            assert "unavailable" in view.status.lower()
            assert "server closed the connection" in view.message
            assert any(n.severity == "error" for n in pilot.app._notifications)
            pane.editor.cursor_location = (0, len(pane.editor.text))
            await pilot.press(*" -- still typing")
            assert pane.editor.text.endswith("-- still typing")
            await run(pilot, pane, "select 2 as while_down")
            assert "unavailable" in pane.results.views[0].status.lower()
        finally:
            start_server_elsewhere()
        await run(pilot, pane, "select 3 as after_restart")
        assert pane.results.views[0].grid.get_row_at(0) == [3]


async def test_unknown_database_is_reported_and_the_pane_recovers(client: PostgresClient) -> None:
    """`:sql nosuchdb` says the database does not exist; switching back runs queries again."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await pilot.press("escape", *":sql ui_no_such_db", "enter")
        await wait_for(pilot, lambda: pane.database == "ui_no_such_db")
        await wait_for(pilot, lambda: any("ui_no_such_db" in n.message
                                          for n in pilot.app._notifications))
        await run(pilot, pane, "select 1")
        assert pane.results.views[0].has_class("-error")
        assert "ui_no_such_db" in pane.results.views[0].message
        pane.use_database(DB)
        await run(pilot, pane, "select 8 as back")
        assert pane.results.views[0].grid.get_row_at(0) == [8]


async def test_the_command_line_completes_commands_profiles_and_databases(
    client: PostgresClient,
) -> None:
    """`:` completes pane names, profile names and the databases of :db and :sql."""
    from console.ui.command_line import CommandLine
    from console.ui.panes.databases import DatabasesPane

    async with make_app().run_test(size=SIZE) as pilot:
        databases = await pilot.app.workspace.open("databases")
        assert isinstance(databases, DatabasesPane)
        await wait_for(pilot, lambda: DB in databases.table.rows)
        line = pilot.app.query_one(CommandLine)

        async def completed(typed: str) -> str:
            pilot.app.action_command_line()  # `:` itself would type into the SQL editor
            await pilot.press(*typed)
            await wait_for(pilot, lambda: line._suggestion != "", rounds=100)
            await pilot.press("right")
            value = line.value
            await pilot.press("escape")
            return value

        assert await completed("datab") == "databases"
        assert await completed("profile loc") == "profile local"
        assert await completed("db ui_sql_t") == f"db {DB}"
        pane = await open_sql(pilot)
        pane.command_words()  # the first ask lists every target quietly
        await wait_for(pilot, lambda: DB in pane.targets.known)
        assert await completed("sql ui_sql_t") == f"sql {DB}"
