"""The Databases pane's import dialog, data jobs list, export and Roles view, by the pilot."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from textual.widgets import Input

from console import profiles
from console.backends.datajobs import ColumnType, DataJobs, JobState
from console.backends.postgres import ImportRequest, PostgresClient, Roles, import_data
from console.sandbox.serve import ServerThread
from console.ui.app import FleetConsole
from console.ui.confirm import ConfirmScreen
from console.ui.databases.import_dialog import ImportDialog
from console.ui.databases.preview_table import ImportPreview
from console.ui.databases.roles_view import KeyScreen
from console.ui.panes.databases import DatabasesPane
from console.ui.widgets.prompts import ChoiceScreen, TextPrompt
from tests.conftest import scratch_database
from tests.pilot import wait_for

DB = "ui_data_jobs"
SIZE = (120, 36)
STOP = threading.Event()


async def stalled(request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        yield b"n\n" + b"".join(f"{i}\n".encode() for i in range(100))
        while not STOP.is_set():
            await asyncio.sleep(0.05)

    return StreamingResponse(body(), media_type="text/csv")


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB, "create table sensors (id int, label text)",
                          "insert into sensors values (1, 'a'), (2, 'b')") as client:
        yield client


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(Starlette(routes=[Route("/stalled.csv", stalled)])) as running:
        yield running
        STOP.set()


async def open_pane(pilot: Any) -> DatabasesPane:
    pane = await pilot.app.workspace.open("databases")
    assert isinstance(pane, DatabasesPane)
    await wait_for(pilot, lambda: DB in pane.table.rows)
    pane.run_command(DB)
    pane.table.focus()
    await pilot.pause()
    return pane


def fetch(client: PostgresClient, query: str) -> list[tuple[Any, ...]]:
    with client.run(DB, query) as run:
        return run.first_rows


def make_app() -> FleetConsole:
    return FleetConsole(profiles.load("local"), start_services=False)


async def test_import_dialog_previews_retypes_and_imports(client: PostgresClient,
                                                          tmp_path: Path) -> None:
    """i opens the dialog; Enter previews; t changes a type; ctrl+s runs the job."""
    source = tmp_path / "meter_readings.csv"
    source.write_text("id,reading,taken\n1,007,2026-01-01\n2,12,2026-01-02\n")
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("i")
        dialog = pilot.app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#import-source", Input).value = str(source)
        await pilot.press("enter")
        preview = dialog.query_one(ImportPreview)
        await wait_for(pilot, lambda: len(preview.columns_now) == 3)
        assert [c.type for c in preview.columns_now] == [ColumnType.INTEGER, ColumnType.TEXT,
                                                         ColumnType.DATE]
        assert dialog.query_one("#import-table", Input).value == "meter_readings"
        preview.move_cursor(column=2)
        await pilot.press("t")  # date → timestamptz
        assert preview.columns_now[2].type is ColumnType.TIMESTAMPTZ
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ImportDialog))
        await wait_for(pilot, lambda: any(j.target.endswith("meter_readings") and
                                          not j.state.active for j in pane.data_jobs.list()))
        await pilot.press("J")
        await wait_for(pilot, lambda: pane.jobs_view.table.row_count > 0)
        newest = next(iter(pane.jobs_view.table.jobs.values()))
        assert newest.state is JobState.DONE and newest.rows == 2
    assert fetch(client, "select format_type(atttypid, null) from pg_attribute where attrelid = "
                         "'meter_readings'::regclass and attnum = 3") == [
        ("timestamp with time zone",)]
    assert fetch(client, "select reading from meter_readings order by id") == [("007",), ("12",)]


async def test_a_file_that_cannot_be_read_is_said_in_the_dialog(client: PostgresClient) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("i")
        dialog = pilot.app.screen
        dialog.query_one("#import-source", Input).value = "/no/such/file.csv"
        await pilot.press("enter")
        error = dialog.query_one(".dialog--error")
        await wait_for(pilot, lambda: "no file" in str(error.render()))
        assert isinstance(pilot.app.screen, ImportDialog)  # still open, values kept


async def test_jobs_list_cancels_a_running_import(client: PostgresClient,
                                                  server: ServerThread) -> None:
    """A job stalled on a slow URL shows PROCESSING; c cancels it; it ends FAILED."""
    jobs = DataJobs.of("local")
    started: list[Any] = []
    thread = threading.Thread(target=lambda: import_data(
        client, ImportRequest(f"{server.url}/stalled.csv", DB, "stalled"), jobs,
        on_start=started.append))
    thread.start()
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await wait_for(pilot, lambda: started and started[0].job.rows > 0)
        job_id = started[0].job.id
        await pilot.press("J")
        table = pane.jobs_view.table
        await wait_for(pilot, lambda: job_id in table.jobs
                       and table.jobs[job_id].state is JobState.PROCESSING)
        table.move_cursor(row=table.get_row_index(job_id))
        await pilot.press("c")
        await wait_for(pilot, lambda: table.jobs.get(job_id) is not None
                       and table.jobs[job_id].state is JobState.FAILED)
        assert "cancelled" in table.jobs[job_id].reason
        await pilot.press("escape")
        assert pane.view == "db-main"
    thread.join(timeout=30)
    assert fetch(client, "select to_regclass('stalled') is null") == [(True,)]


async def test_export_the_table_under_the_catalog_cursor(client: PostgresClient,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "sensors.parquet"
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await wait_for(pilot, lambda: pane.tree.root.data is not None
                       and pane.tree.root.data.database == DB)
        pane.tree.root.expand()
        await wait_for(pilot, lambda: any(str(n.label) == "public"
                                          for n in pane.tree.root.children))
        public = next(n for n in pane.tree.root.children if str(n.label) == "public")
        public.expand()
        await wait_for(pilot, lambda: any("sensors" in str(n.label) for n in public.children))
        pane.tree.focus()
        pane.tree.move_cursor(next(n for n in public.children if "sensors" in str(n.label)))
        await pilot.press("x")
        assert isinstance(pilot.app.screen, ChoiceScreen)
        await pilot.press("down", "down", "down", "enter")  # csv, json, xlsx, parquet
        prompt = pilot.app.screen
        assert isinstance(prompt, TextPrompt)
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
    import pyarrow.parquet as pq

    assert pq.read_table(target).num_rows == 2


async def test_roles_view_creates_shows_the_key_once_keeps_it_and_drops(
        client: PostgresClient) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: "postgres" in pane.roles_view.table.rows)
        await pilot.press("n")
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press(*"ui_svc_role", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, KeyScreen))
        password = pilot.app.screen.key.password
        await pilot.press("k")
        await wait_for(pilot, lambda: profiles.load("local").secret("roles", "ui_svc_role")
                       == password)
        await wait_for(pilot, lambda: "ui_svc_role" in pane.roles_view.table.rows)
        table = pane.roles_view.table
        table.move_cursor(row=table.get_row_index("ui_svc_role"))
        await pilot.press("a")
        assert isinstance(pilot.app.screen, TextPrompt)
        pilot.app.screen.query_one(Input).value = f"{DB} read"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(g.role == "ui_svc_role" and g.access == "read"
                                          for g in Roles(client).grants([DB])))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "ui_svc_role" not in pane.roles_view.table.rows)
    assert not any(r.name == "ui_svc_role" for r in Roles(client).list())
