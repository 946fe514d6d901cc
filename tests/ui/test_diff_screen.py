"""``:diff PROFILE`` driven by the pilot, from the SQL, Devices and Jobs panes of the real app.

The operator's profile (``…-staging``) and the one compared with it
(``…-prod``) reach two databases, two balena stand-ins or two Balsam
stand-ins whose data differ in known ways. Each pair reaches one service
only, so the app opens just the panes a test drives.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from console import profiles
from console.clients import Clients
from console.diff import DIFFER, SAME
from console.ui.app import FleetConsole
from console.ui.diff import DiffScreen, DiffTable
from console.ui.panes.devices import DevicesPane
from console.ui.panes.sql import SqlPane
from console.ui.widgets.status_line import StatusLine
from tests.conftest import scratch_database
from tests.diff_env import Pair, Services, balena_pair, balsam_pair, profile_pair
from tests.pilot import settle, wait_for

SIZE = (120, 40)
STAGING = ("create table items (id int primary key, name text, qty int)",
           "insert into items values (1, 'apple', 3), (2, 'pear', 5), (4, 'kiwi', 7)")
PRODUCTION = ("create table items (id int primary key, name text, qty int)",
              "insert into items values (1, 'apple', 3), (2, 'pear', 6), (5, 'plum', 1)")


@pytest.fixture(scope="module")
def pair(local_pg: object) -> Iterator[Pair]:
    """Profiles ``diffui-staging`` and ``diffui-prod`` on two databases."""
    socket_dir = str(local_pg.socket_dir)  # type: ignore[attr-defined]
    with scratch_database("diff_ui_staging", *STAGING), \
            scratch_database("diff_ui_prod", *PRODUCTION), \
            profile_pair("diffui", Services(socket_dir, "diff_ui_staging"),
                         Services(socket_dir, "diff_ui_prod")) as found:
        yield found


@pytest.fixture(scope="module")
def fleets() -> Iterator[Pair]:
    """Profiles ``diffuidev-staging`` and ``diffuidev-prod`` on two balena stand-ins."""
    with balena_pair() as (one, two), profile_pair(
            "diffuidev", Services(balena_url=one.url), Services(balena_url=two.url)) as found:
        yield found


@pytest.fixture(scope="module")
def sites() -> Iterator[Pair]:
    """Profiles ``diffuijobs-staging`` and ``diffuijobs-prod`` on two Balsam stand-ins."""
    with balsam_pair() as (one, two), profile_pair(
            "diffuijobs", Services(balsam_url=one.url), Services(balsam_url=two.url)) as found:
        yield found


def console_on(pair: Pair) -> FleetConsole:
    return FleetConsole(profiles.load(pair.a), start_services=False)


async def command(pilot: Pilot[Any], text: str) -> None:
    """Type ``:text`` on the command line (opened as `:` does where the focus is no editor)."""
    pilot.app.action_command_line()
    await pilot.press(*text, "enter")


async def open_diff(pilot: Pilot[Any], other: str) -> DiffScreen:
    await command(pilot, f"diff {other}")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen)
                   and app.screen.comparison is not None)
    assert isinstance(app.screen, DiffScreen)
    return app.screen


def summary(screen: DiffScreen) -> str:
    return str(screen.query_one("#diff-summary", StatusLine).render())


def tables(screen: DiffScreen) -> tuple[DiffTable, DiffTable]:
    return screen.query_one("#diff-a", DiffTable), screen.query_one("#diff-b", DiffTable)


async def sql_screen(pilot: Pilot[Any], pair: Pair, sql: str) -> DiffScreen:
    await pilot.press("6")
    pane = pilot.app.query_one(SqlPane)
    pane.editor.text = sql
    return await open_diff(pilot, pair.b)


async def test_sql_statement_at_the_cursor_on_both_profiles(pair: Pair) -> None:
    async with console_on(pair).run_test(size=SIZE) as pilot:
        screen = await sql_screen(pilot, pair, "select 1;\nselect * from items")
        assert screen.request.sql == "select 1"  # the cursor is on the first statement
        pilot.app.pop_screen()
        pilot.app.query_one(SqlPane).editor.cursor_location = (1, 3)
        screen = await open_diff(pilot, pair.b)
        assert screen.request.sql == "select * from items"
        assert summary(screen).startswith(
            "1 only in diffui-staging · 1 only in diffui-prod · 1 differ · 1 the same")
        assert "matched by primary key (id)" in str(screen.query_one("#diff-notes").render())


async def test_sql_rows_and_cells_are_marked_on_each_side(pair: Pair) -> None:
    async with console_on(pair).run_test(size=SIZE) as pilot:
        screen = await sql_screen(pilot, pair, "select * from items")
        left, right = tables(screen)
        changed = left.get_component_rich_style("diff-table--changed", partial=True)
        marks = [(str(left.get_cell_at((r, 0))), str(right.get_cell_at((r, 0))))
                 for r in range(left.row_count)]
        assert marks == [("~", "~"), ("+", "-"), ("-", "+")]
        assert str(left.get_cell_at((0, 3))) == "5"
        assert str(right.get_cell_at((0, 2))) == "6 (+1)"  # the key shows on the left only
        assert left.get_cell_at((0, 3)).style == changed
        assert left.get_cell_at((0, 2)).style != changed  # an equal cell of a changed row
        assert str(left.get_cell_at((2, 1))) == "5"  # only in prod: its key, dimmed, on the left
        badges = [str(b.render()) for b in screen.query(".diff-badge")]
        assert badges == [" ● diffui-staging:diff_ui_staging ", " ● diffui-prod:diff_ui_prod "]
        colours = [b.has_class("-color-yellow") for b in screen.query(".diff-badge")]
        assert colours == [True, False]


async def test_closing_returns_to_the_pane_and_closes_the_second_profile(pair: Pair) -> None:
    async with console_on(pair).run_test(size=SIZE) as pilot:
        screen = await sql_screen(pilot, pair, "select * from items")
        assert screen.b._made  # the second profile's PostgreSQL client was made
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, DiffScreen)
        assert not screen.b._made
        assert pilot.app.clients._made  # the operator's own registry stays open


async def test_refresh_compares_again(pair: Pair) -> None:
    async with console_on(pair).run_test(size=SIZE) as pilot:
        screen = await sql_screen(pilot, pair, "select * from items")
        prod = Clients(profiles.load(pair.b)).postgres()
        prod.run("diff_ui_prod", "insert into items values (6, 'lime', 2)").close()
        try:
            await pilot.press("r")
            await wait_for(pilot, lambda: "2 only in diffui-prod" in summary(screen))
        finally:
            prod.run("diff_ui_prod", "delete from items where id = 6").close()
            prod.close()
        assert tables(screen)[0].row_count == 4


async def test_devices_diff_uses_the_panes_filter(fleets: Pair) -> None:
    pair = fleets
    async with console_on(pair).run_test(size=SIZE) as pilot:
        await pilot.press("2")
        pilot.app.query_one(DevicesPane).apply_filter("fleet=acme/gateways")
        await settle(pilot)
        screen = await open_diff(pilot, pair.b)
        assert screen.request.filter_text == "fleet=acme/gateways"
        assert summary(screen).startswith(
            "1 only in diffuidev-staging · 1 only in diffuidev-prod · 3 differ · 11 the same")
        left, right = tables(screen)
        names = [str(left.get_cell_at((r, 1))) for r in range(left.row_count)]
        assert names == ["gw-001", "gw-002", "gw-003", "gw-004", "gw-900"]
        os_column = right.shown.index(screen.comparison.columns.index("os")) + 1  # type: ignore[union-attr]
        assert str(right.get_cell_at((0, os_column))) == "balenaOS 6.1.0"


async def test_jobs_summary_jumps_between_differences(sites: Pair) -> None:
    async with console_on(sites).run_test(size=SIZE) as pilot:
        await pilot.press("4")
        screen = await open_diff(pilot, sites.b)
        left, right = tables(screen)
        rows = left.rows_shown
        assert rows[0].state == SAME  # CREATED: none on either side
        await pilot.press("n")
        first = left.cursor_row
        assert first > 0 and rows[first].state == DIFFER
        assert right.cursor_row == first  # both sides move together
        await pilot.press("n")
        assert left.cursor_row > first and rows[left.cursor_row].state == DIFFER
        await pilot.press("p")
        assert left.cursor_row == first


async def test_a_failing_side_is_said_on_the_screen(pair: Pair) -> None:
    with profile_pair("diffui-bare", Services(), Services()) as bare:
        async with console_on(pair).run_test(size=SIZE) as pilot:
            await pilot.press("6")
            pilot.app.query_one(SqlPane).editor.text = "select 1"
            await command(pilot, f"diff {bare.b}")
            screen = pilot.app.screen
            assert isinstance(screen, DiffScreen)
            await wait_for(pilot, lambda: "comparison failed" in summary(screen))
            assert "diffui-bare-prod" in summary(screen)
            assert "[postgres]" in summary(screen)


async def test_bad_diff_commands_are_explained(pair: Pair) -> None:
    """No profile, an unknown one, or a pane with nothing to compare: said, nothing opens."""
    async with console_on(pair).run_test(size=SIZE) as pilot:
        await pilot.press("6")
        for typed, words in [("diff", "Usage: :diff PROFILE"),
                             ("diff nosuchprofile", "no profile named 'nosuchprofile'")]:
            await command(pilot, typed)
            await said(pilot, words)
            assert not isinstance(pilot.app.screen, DiffScreen)
        await pilot.app.workspace.open("databases")  # keys would type into the SQL editor
        await command(pilot, f"diff {pair.b}")
        await said(pilot, "Nothing to compare in the Databases pane")
        assert not isinstance(pilot.app.screen, DiffScreen)


async def said(pilot: Pilot[Any], words: str) -> None:
    """Wait for a notification holding ``words`` (watched, as a slow run may expire it)."""
    await wait_for(pilot, lambda: any(words in str(n.message)
                                      for n in pilot.app._notifications))
