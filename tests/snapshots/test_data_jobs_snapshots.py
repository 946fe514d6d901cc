"""Snapshots of the import dialog, the data jobs list and the Roles view, at 80x24 and 120x40.

Deterministic: the databases list narrowed to this module's database with a
fixed size, the import source at a fixed path with fixed rows, a job history
of fixed records (a store of its own), one role of this module's own, every
worker awaited and notifications cleared before the picture is taken.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from console import profiles
from console.backends.datajobs import DataJob, DataJobs, JobState, JobStore
from console.backends.postgres import PostgresClient, Roles
from console.ui.app import FleetConsole
from console.ui.databases import database_table
from console.ui.databases.import_dialog import ImportDialog
from console.ui.databases.preview_table import ImportPreview
from console.ui.panes.databases import DatabasesPane
from tests.conftest import scratch_database
from tests.pilot import settle_quietly as settle

DB = "ui_snap_jobs"
ROLE = "snap_reader"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
SOURCE = Path(tempfile.gettempdir()) / "fleet-console-snapshots" / "meter_readings.csv"
JOBS = [
    DataJob(id="5e1f0c2a9b7d", kind="import", fmt="csv", source="/data/meters-2026-01.csv",
            target=f"{DB}.public.meters", database=DB, state=JobState.DONE,
            date_created="2026-01-05T09:12:00Z", rows=1_000_000, bytes=74_000_000, elapsed=4.5),
    DataJob(id="9c3d77e01f24", kind="import", fmt="csv", source="/data/meters-bad.csv",
            target=f"{DB}.public.meters_bad", database=DB, state=JobState.FAILED,
            date_created="2026-01-05T09:10:00Z", rows=200_001, elapsed=1.2,
            error_type="BadQuery", error_line=200_001, error_unit="line",
            error_details='line 200,001, column amount: invalid input syntax for type numeric: '
                          '"12x"'),
    DataJob(id="1a2b3c4d5e6f", kind="export", fmt="parquet", source=f"{DB}.public.meters",
            target="/exports/meters.parquet", database=DB, state=JobState.DONE,
            date_created="2026-01-05T09:00:00Z", rows=1_000_000, elapsed=11.8),
]


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB, "create table meters (id int, reading numeric)") as client:
        roles = Roles(client)
        if ROLE not in [r.name for r in roles.list()]:
            roles.create(ROLE, grants=((DB, "public", "read"),))
        try:
            yield client
        finally:
            roles.drop(ROLE)


@pytest.fixture(autouse=True)
def fixed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fixed database sizes, a fixed input file, and a job history of fixed records."""
    monkeypatch.setattr(database_table, "human_size",
                        lambda size: "—" if size is None else "7.3 MB")
    SOURCE.parent.mkdir(exist_ok=True)
    SOURCE.write_text("id,meter,reading,taken,ok\n"
                      + "".join(f"{i},M-{i:03d},{i * 1.5},2026-01-{i:02d} 08:00:00+00,"
                                f"{'true' if i % 2 else 'false'}\n" for i in range(1, 13)))
    store = JobStore(tmp_path / "jobs.sqlite3")
    for job in JOBS:
        store.save(job)
    monkeypatch.setattr(DataJobs, "of", classmethod(lambda cls, name: DataJobs(name, store)))


async def open_pane(pilot: Pilot[Any]) -> DatabasesPane:
    await settle(pilot)
    pane = await pilot.app.workspace.open("databases")
    assert isinstance(pane, DatabasesPane)
    pane.apply_filter(DB)
    await settle(pilot)
    pane.table.focus()
    return pane


def make_app() -> FleetConsole:
    return FleetConsole(profiles.load("local"), start_services=False)


class TestDataJobs:
    @SIZES
    def test_import_dialog_with_preview(self, snap_compare: Any, client: PostgresClient,
                                        size: tuple[int, int]) -> None:
        async def preview(pilot: Pilot[Any]) -> None:
            await open_pane(pilot)
            await pilot.press("i")
            dialog = pilot.app.screen
            assert isinstance(dialog, ImportDialog)
            dialog.query_one("#import-source", Input).value = str(SOURCE)
            await pilot.press("enter")
            await settle(pilot)
            table = dialog.query_one(ImportPreview)
            assert len(table.columns_now) == 5
            table.move_cursor(column=2)
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=preview)

    @SIZES
    def test_jobs_list(self, snap_compare: Any, client: PostgresClient,
                       size: tuple[int, int]) -> None:
        async def jobs(pilot: Pilot[Any]) -> None:
            pane = await open_pane(pilot)
            await pilot.press("J")
            await settle(pilot)
            table = pane.jobs_view.table
            assert table.row_count == 3
            table.move_cursor(row=1)  # the failed one, its reason below
            pane.follow_jobs(False)  # no refresh while the picture is taken
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=jobs)

    @SIZES
    def test_roles_view(self, snap_compare: Any, client: PostgresClient,
                        size: tuple[int, int]) -> None:
        async def roles(pilot: Pilot[Any]) -> None:
            pane = await open_pane(pilot)
            await pilot.press("o")
            await settle(pilot)
            table = pane.roles_view.table
            assert ROLE in table.rows
            table.move_cursor(row=table.get_row_index(ROLE))
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=roles)
