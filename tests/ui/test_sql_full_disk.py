"""The SQL pane on a full disk: saving a result says so, and the pane carries on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.backends.postgres import PostgresClient
from console.ui.panes.sql import SqlPane
from console.ui.widgets.prompts import TextPrompt
from tests.conftest import scratch_database
from tests.disk import fill, listing, small_disk
from tests.ui.test_sql_pane import SIZE, make_app, run, wait_for

DB = "ui_sql_full_disk"


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB) as client:
        yield client


async def test_saving_a_result_to_a_full_disk_says_so(
    client: PostgresClient, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk, leave=4096)
        async with make_app().run_test(size=SIZE) as pilot:
            pane = await pilot.app.workspace.open("sql")
            assert isinstance(pane, SqlPane)
            pane.use_database(DB)
            await wait_for(pilot, lambda: pane.editor.catalog is not None)
            await run(pilot, pane, "select n, repeat('x', 300) from generate_series(1, 500) n")
            await pilot.press("ctrl+s")
            assert isinstance(pilot.app.screen, TextPrompt)
            pilot.app.screen.query_one("#prompt-input").value = str(disk / "result.csv")
            await pilot.press("enter")
            await wait_for(pilot, lambda: any("No space left on device" in str(n.message)
                                              for n in pilot.app._notifications))
            assert listing(disk) == []  # no partial file
            await run(pilot, pane, "select 42 as still_running")
            assert pane.results.current is not None
            assert pane.results.current.grid.get_row_at(0) == [42]
