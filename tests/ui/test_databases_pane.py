"""The Databases pane driven by the pilot against the real local PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg2
import pytest
from textual.widgets import Checkbox, Input

from console import profiles
from console.backends.postgres import PostgresClient
from console.clients import Clients
from console.ui.app import FleetConsole
from console.ui.confirm import ConfirmScreen
from console.ui.databases.database_table import human_size
from console.ui.panes.databases import DatabasesPane
from console.ui.widgets.prompts import TextPrompt
from tests.pilot import wait_for

PREFIX = "ui_dbpane"
MAIN = f"{PREFIX}_main"
SIZE = (100, 30)


def names(client: PostgresClient) -> set[str]:
    return {d.name for d in client.list_databases()}


def drop_ours(client: PostgresClient) -> None:
    for name in names(client):
        if name.startswith(PREFIX):
            client.drop_database(name, force=True)


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    """Databases of this module only, the main one with a table and a view."""
    client = Clients(profiles.load("local")).postgres()
    drop_ours(client)
    client.create_database(MAIN)
    client.run(MAIN, "create table items (id int primary key, label text)").close()
    client.run(MAIN, "create view v_items as select id from items").close()
    yield client
    drop_ours(client)
    client.close()


def make_app() -> FleetConsole:
    return FleetConsole(profiles.load("local"), start_services=False)


async def open_pane(pilot, select: str = MAIN) -> DatabasesPane:  # type: ignore[no-untyped-def]
    await pilot.app.workspace.open("databases")
    pane = pilot.app.workspace.pane("databases")
    assert isinstance(pane, DatabasesPane)
    await wait_for(pilot, lambda: select in pane.table.rows)
    pane.run_command(select)
    pane.table.focus()
    await wait_for(pilot, lambda: pane.tree.root.data is not None
                   and pane.tree.root.data.database == select)
    return pane


async def test_list_shows_owner_size_and_encoding(client: PostgresClient) -> None:
    """Each database is listed with its owner, a human size and its encoding."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        row = [str(cell) for cell in pane.table.get_row(MAIN)]
        info = next(d for d in client.list_databases() if d.name == MAIN)
        assert row == [MAIN, info.owner, human_size(info.size_bytes), info.encoding]
        assert row[2].endswith("MB")


async def test_create_through_the_dialog(client: PostgresClient) -> None:
    """`n` asks for a name and creates the database, then selects it."""
    new = f"{PREFIX}_created"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("n")
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press(*new, "enter")
        await wait_for(pilot, lambda: pane.table.selected == new)
    assert new in names(client)


async def test_rename_through_the_dialog(client: PostgresClient) -> None:
    """`r` offers the current name; the database gets the new one."""
    old, new = f"{PREFIX}_old", f"{PREFIX}_renamed"
    client.create_database(old)
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, old)
        await pilot.press("r")
        field = pilot.app.screen.query_one(Input)
        assert field.value == old
        field.value = new
        await pilot.press("enter")
        await wait_for(pilot, lambda: pane.table.selected == new)
    assert new in names(client) and old not in names(client)


async def test_drop_asks_naming_the_database(client: PostgresClient) -> None:
    """`d` names the database in the question; `n` keeps it, `y` drops it."""
    doomed = f"{PREFIX}_doomed"
    client.create_database(doomed)
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, doomed)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        assert f'"{doomed}"' in pilot.app.screen.message
        assert not pilot.app.screen.query(Checkbox)  # nobody connected: no force offered
        await pilot.press("n")
        assert doomed in names(client)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: doomed not in pane.table.rows)
    assert doomed not in names(client)


async def test_drop_in_use_offers_force(client: PostgresClient, local_pg) -> None:  # type: ignore[no-untyped-def]
    """A database someone is connected to can be dropped by ticking the force option."""
    busy = f"{PREFIX}_busy"
    client.create_database(busy)
    other = psycopg2.connect(dbname=busy, user="postgres", host=local_pg.socket_dir)
    try:
        async with make_app().run_test(size=SIZE) as pilot:
            pane = await open_pane(pilot, busy)
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
            force = pilot.app.screen.query_one(Checkbox)
            assert "1 open connection" in str(force.label)
            force.value = True
            await pilot.press("y")
            await wait_for(pilot, lambda: busy not in pane.table.rows)
        assert busy not in names(client)
    finally:
        other.close()


async def test_catalog_tree_loads_lazily(client: PostgresClient) -> None:
    """Expanding database, schema and table reads schemas, relations and typed columns."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        tree = pane.tree
        assert [str(n.label) for n in tree.root.children] == []
        tree.root.expand()
        await wait_for(pilot, lambda: "public" in [str(n.label) for n in tree.root.children])
        public = next(n for n in tree.root.children if str(n.label) == "public")
        public.expand()
        await wait_for(pilot, lambda: len(public.children) == 2
                       and "loading" not in str(public.children[0].label))
        assert [str(n.label) for n in public.children] == ["items  (table)", "v_items  (view)"]
        items = public.children[0]
        items.expand()
        await wait_for(pilot, lambda: len(items.children) == 2)
        assert [str(n.label) for n in items.children] == ["id  integer not null", "label  text"]


async def test_filter_narrows_the_list(client: PostgresClient) -> None:
    """`/` keeps only the databases whose name holds the text."""
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("slash", *"dbpane_ma")
        await pilot.pause()
        assert list(pane.table.rows) == [MAIN]
        await pilot.press("escape")
        await pilot.pause()
        assert len(pane.table.rows) > 1


async def test_open_in_sql_switches_pane_and_database(client: PostgresClient) -> None:
    """`s` opens the SQL pane on the selected database."""
    async with make_app().run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert pilot.app.workspace.tabs.active == "tab-sql"
        assert pilot.app.workspace.pane("sql").database == MAIN


@pytest.mark.parametrize(
    ("size", "shown"),
    [(None, "—"), (0, "0 bytes"), (1023, "1023 bytes"), (7_550_000, "7.2 MB"),
     (3 * 1024**3, "3.0 GB")],
)
def test_human_size(size: int | None, shown: str) -> None:
    """Sizes read like pg_size_pretty; an unreadable size is a dash."""
    assert human_size(size) == shown
