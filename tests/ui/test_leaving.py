"""Quitting or switching profile with a transaction open asks first: commit, roll back, stay.

Against the real local PostgreSQL; what the server holds afterwards is checked
with a connection of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console import profiles
from console.backends.postgres import PostgresClient
from console.profiles import ProfileSettings
from console.ui.app import FleetConsole
from console.ui.leaving import TransactionPrompt
from console.ui.panes.sql import SqlPane
from tests.conftest import scratch_database
from tests.pilot import wait_for
from tests.ui.test_sql_pane import run

DB = "ui_leaving"
SIZE = (100, 30)
OTHER = "leaving-other"


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB, "create table notes (id int primary key)") as client:
        yield client
    if OTHER in profiles.names():
        profiles.remove(OTHER)


@pytest.fixture(autouse=True)
def empty_notes(client: PostgresClient) -> None:
    client.run(DB, "delete from notes").close()


def notes(client: PostgresClient) -> list[tuple[Any, ...]]:
    return client.run(DB, "select id from notes order by id").first_rows


def make_app() -> FleetConsole:
    return FleetConsole(profiles.load("local"), start_services=False)


async def open_sql(pilot: Any) -> SqlPane:
    pane = await pilot.app.workspace.open("sql")
    assert isinstance(pane, SqlPane)
    pane.use_database(DB)
    await wait_for(pilot, lambda: pane.editor.catalog is not None)
    return pane


async def begin_and_insert(pilot: Any, note: int) -> None:
    pane = await open_sql(pilot)
    await run(pilot, pane, "begin")
    await run(pilot, pane, f"insert into notes values ({note})")
    assert pane.open_transactions() == [DB]


async def test_quit_asks_and_stay_keeps_the_transaction(client: PostgresClient) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await begin_and_insert(pilot, 1)
        await pilot.app.action_quit()
        await pilot.pause()
        prompt = pilot.app.screen
        assert isinstance(prompt, TransactionPrompt)
        assert DB in prompt.message and "quit" in prompt.message
        await pilot.press("enter")  # the focus is on Stay: a stray Enter decides nothing
        await pilot.pause()
        assert pilot.app.return_code is None and not isinstance(pilot.app.screen,
                                                                  TransactionPrompt)
        assert notes(client) == []  # still uncommitted, still open
        assert pilot.app.workspace.pane("sql").open_transactions() == [DB]
        await pilot.app.action_quit()
        await pilot.pause()
        await pilot.press("r")  # roll back, then quit
        await wait_for(pilot, lambda: pilot.app.return_code is not None)
    assert notes(client) == []


async def test_commit_then_quit_keeps_the_rows(client: PostgresClient) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await begin_and_insert(pilot, 2)
        await pilot.press("escape")  # out of the editor, where `q` is a key like any other
        await pilot.app.action_quit()
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: pilot.app.return_code is not None)
    assert notes(client) == [(2,)]


async def test_a_failed_block_is_not_reported_as_committed(client: PostgresClient) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await begin_and_insert(pilot, 3)
        pane = pilot.app.workspace.pane("sql")
        await run(pilot, pane, "select 1 / 0")  # the block is now failed: COMMIT rolls back
        await pilot.app.action_quit()
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: any("Not committed" in str(n.message)
                                          for n in pilot.app._notifications))
        assert pilot.app.return_code is None  # it stays: the operator has to know
    assert notes(client) == []


async def test_switching_profile_asks_too(client: PostgresClient) -> None:
    if OTHER not in profiles.names():
        profiles.add(OTHER, ProfileSettings(color="blue"))
    async with make_app().run_test(size=SIZE) as pilot:
        await begin_and_insert(pilot, 4)
        await pilot.app.switch_profile(OTHER)
        await pilot.pause()
        assert isinstance(pilot.app.screen, TransactionPrompt)
        assert pilot.app.profile.name == "local"
        await pilot.press("c")
        await wait_for(pilot, lambda: pilot.app.profile.name == OTHER)
    assert notes(client) == [(4,)]


async def test_nothing_open_quits_at_once(client: PostgresClient) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 1")
        await pilot.app.action_quit()
        await wait_for(pilot, lambda: pilot.app.return_code is not None)


async def test_a_profile_left_is_found_as_it_was(client: PostgresClient) -> None:
    """Switching away and back keeps the pane, its buffer and its results, not a new pane."""
    if OTHER not in profiles.names():
        profiles.add(OTHER, ProfileSettings(color="blue"))
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        await run(pilot, pane, "select 42 as kept")
        local_tabs = pilot.app.workspace
        await pilot.app.switch_profile(OTHER)
        await wait_for(pilot, lambda: pilot.app.profile.name == OTHER)
        assert pilot.app.workspace is not local_tabs and not local_tabs.display
        await pilot.app.switch_profile("local")
        await wait_for(pilot, lambda: pilot.app.profile.name == "local")
        assert pilot.app.workspace is local_tabs and local_tabs.display
        assert pilot.app.workspace.current is pane
        assert pane.editor.text == "select 42 as kept"
        assert pane.results.current is not None
        assert pane.results.current.grid.get_row_at(0) == [42]
        assert pilot.app.clients.profile.name == "local"


async def test_two_consoles_on_two_profiles_write_no_file_in_common(
    client: PostgresClient, fleet_home: Path
) -> None:
    if OTHER not in profiles.names():
        profiles.add(OTHER, ProfileSettings(color="blue"))
    touched = {}
    for name in ("local", OTHER):
        before = _files(fleet_home)
        async with FleetConsole(profiles.load(name), start_services=False).run_test(
            size=SIZE
        ) as pilot:
            pane = await pilot.app.workspace.open("sql")
            if isinstance(pane, SqlPane):  # the other profile has no PostgreSQL
                pane.editor.text = f"select 'typed on {name}'"  # the buffer is saved
            await pilot.app.workspace.open("databases")  # the tab last used is remembered
            await pilot.pause()
        after = _files(fleet_home)
        touched[name] = {path for path, stamp in after.items() if before.get(path) != stamp}
        assert touched[name], name  # the console did write something of its own
    assert not touched["local"] & touched[OTHER]
    for name, paths in touched.items():
        assert all(name in Path(path).relative_to(fleet_home).parts for path in paths), paths


def _files(root: Path) -> dict[str, int]:
    return {str(path): path.stat().st_mtime_ns for path in root.rglob("*")
            if path.is_file() and "sandbox" not in path.parts}
