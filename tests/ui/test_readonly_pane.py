"""The SQL pane under attack on a read-only profile, and its guards on a writable one.

Every attack of ``tests/readonly_attacks.py`` is typed into the editor and run
whole (f5); each must end in an error view that says read-only, and leave the
fingerprinted table as it was. A protected profile asks for its name before a
destructive statement; a NUL byte in the editor runs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from console import profiles
from console.backends.postgres import PostgresClient
from console.profiles import PostgresSettings, ProfileSettings
from console.ui.app import FleetConsole
from console.ui.confirm import ConfirmScreen
from console.ui.panes.sql import SqlPane
from tests.conftest import scratch_database
from tests.pilot import wait_for
from tests.readonly_attacks import ATTACKS, ROWS, SETUP, fingerprint

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
DB = f"ro_pane_{WORKER}"
READ_ONLY = f"ro-pane-{WORKER}"
PROTECTED = f"guarded-pane-{WORKER}"
SIZE = (100, 30)


@pytest.fixture(scope="module")
def owner(local_pg: Any) -> Iterator[PostgresClient]:
    for name, settings in (
        (READ_ONLY, ProfileSettings(read_only=True,
                                    postgres=PostgresSettings(host=local_pg.socket_dir))),
        (PROTECTED, ProfileSettings(protected=True,
                                    postgres=PostgresSettings(host=local_pg.socket_dir))),
    ):
        if name not in profiles.names():
            profiles.add(name, settings)
    with scratch_database(DB, *SETUP, "create table victim (id int)",
                          "insert into victim values (1), (2)") as client:
        yield client


async def open_sql(pilot: Any) -> SqlPane:
    pane = await pilot.app.workspace.open("sql")
    assert isinstance(pane, SqlPane)
    pane.use_database(DB)
    await wait_for(pilot, lambda: pane.editor.catalog is not None)
    return pane


async def run_all(pilot: Any, pane: SqlPane, sql: str) -> None:
    pane.editor.text = sql
    pane.editor.focus()
    await pilot.press("f5")
    await wait_for(pilot, lambda: not pane.running)


def app_on(name: str) -> FleetConsole:
    return FleetConsole(profiles.load(name), start_services=False)


async def test_every_attack_through_the_pane_changes_nothing(owner: PostgresClient) -> None:
    before = fingerprint(owner, DB)
    async with app_on(READ_ONLY).run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        for name, sql in ATTACKS:
            await run_all(pilot, pane, sql)
            last = pane.results.views[-1]
            assert last.has_class("-error"), name
            assert "read-only" in last.message, (name, last.message)
            assert fingerprint(owner, DB) == before, name
        await run_all(pilot, pane, "select count(*) from t")  # reading still works
        grid = pane.results.views[-1].grid
        assert grid is not None and grid.get_row_at(0) == [ROWS]


async def test_protected_profile_needs_the_typed_name(owner: PostgresClient) -> None:
    async with app_on(PROTECTED).run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = "delete from victim"
        pane.editor.focus()
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        screen = pilot.app.screen
        assert "deletes every row of victim" in screen.message
        await pilot.press("y", "enter")  # `y` types into the name field: not enough
        await pilot.pause(0.1)
        assert pilot.app.screen is screen
        assert owner.run(DB, "select count(*) from victim").first_rows == [(2,)]
        await pilot.press("backspace", *PROTECTED, "enter")
        await wait_for(pilot, lambda: pilot.app.screen is not screen)
        await wait_for(pilot, lambda: not pane.running and bool(pane.results.views))
    assert owner.run(DB, "select count(*) from victim").first_rows == [(0,)]


async def test_destructive_sql_is_not_run_when_cancelled(owner: PostgresClient) -> None:
    async with app_on(PROTECTED).run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = "truncate t"
        pane.editor.focus()
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not pane.running and not pane.results.views
    assert owner.run(DB, "select count(*) from t").first_rows == [(ROWS,)]


async def test_nul_byte_in_the_editor_runs_nothing(owner: PostgresClient) -> None:
    async with app_on(PROTECTED).run_test(size=SIZE) as pilot:
        pane = await open_sql(pilot)
        pane.editor.text = "select 1;\ndelete from t \x00where id = 1"
        pane.editor.focus()
        await pilot.press("f5")
        await pilot.pause(0.2)
        assert not pane.running and not pane.results.views
        assert any("NUL byte" in n.message for n in pilot.app._notifications)
    assert owner.run(DB, "select count(*) from t").first_rows == [(ROWS,)]


async def test_picker_lists_a_profile_with_bad_bytes_as_unreadable(owner: PostgresClient) -> None:
    """`ctrl+o` with a \\xff byte in one credentials file once dumped its passwords."""
    from console.profiles import locations
    from console.ui.profile_picker import ProfilePicker

    name = f"bad-bytes-{WORKER}"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings())
    path = locations.credentials_file(name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b'[postgres]\npassword = "leaked-pw-\xff"\n')
    os.close(fd)
    async with app_on(PROTECTED).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProfilePicker))
        labels = [c.label() for c in pilot.app.screen.choices if c.name == name]
        assert labels and "cannot be read" in labels[0]
        await pilot.press("escape")
        await pilot.app.switch_profile(name)  # choosing it says what is wrong, stays put
        await pilot.pause(0.1)
        assert pilot.app.profile.name == PROTECTED
        messages = " ".join(n.message for n in pilot.app._notifications)
        assert "not UTF-8" in messages and "leaked-pw" not in messages
