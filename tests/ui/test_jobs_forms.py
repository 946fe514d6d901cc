"""The Jobs pane's writes beyond state changes: create a job, set fields, submit and cancel
batch jobs, and the truthful report of a state change the server refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Button, Input, Select

from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread
from console.ui.confirm import ConfirmScreen
from console.ui.jobs.dialogs import StatePicker
from console.ui.jobs.forms import CreateJobScreen, FieldPrompt, SubmitBatchScreen
from console.ui.jobs.table import BatchJobTable, JobTable
from console.ui.panes.jobs import JobsPane
from tests.ui.test_jobs_pane import OPTIONS, PASSWORD, JobsApp, notes, settle


@pytest.fixture
def fresh() -> Iterator[ServerThread]:
    with ServerThread(build_app(password=PASSWORD, options=OPTIONS)) as running:
        yield running


def store_of(server: ServerThread) -> Any:
    return server.app.state.balsam.store


async def test_create_dialog_makes_a_job_and_keeps_a_refused_form(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CreateJobScreen)
        form.query_one("#job-app", Select).value = 3
        form.query_one("#job-workdir", Input).value = "/absolute/not/allowed"
        form.query_one("#job-params", Input).value = "system=H2O steps=10"
        form.query_one("#job-tags", Input).value = "exp:pane"
        form.query_one("#job-nodes", Input).value = "2"
        form.query_one("#job-create", Button).press()  # a click may hit the error line
        await settle(pilot)
        assert app.screen is form and "relative path" in str(
            form.query_one(".form--error").render()
        )
        form.query_one("#job-workdir", Input).value = "pane/new"
        form.query_one("#job-create", Button).press()  # a click may hit the error line
        await settle(pilot)
        assert not isinstance(app.screen, CreateJobScreen)
    made = [j for j in store_of(fresh).jobs.values() if j["workdir"] == "pane/new"]
    assert len(made) == 1
    assert (made[0]["parameters"], made[0]["tags"], made[0]["num_nodes"]) == (
        {"system": "H2O", "steps": "10"},
        {"exp": "pane"},
        2,
    )
    assert f"Created job {made[0]['id']}" in notes(app)


async def test_field_edit_of_marked_jobs_asks_then_reports(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(JobsPane).apply_filter("state=FAILED order=id")
        await settle(pilot)
        marked = list(app.query_one(JobTable).jobs)[:2]
        await pilot.press("space", "down", "space", "f")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, FieldPrompt)
        prompt.query_one(Input).value = "colour=red"
        await pilot.press("enter")
        assert app.screen is prompt and "no updatable field" in str(
            prompt.query_one(".form--error").render()
        )
        prompt.query_one(Input).value = "num_nodes=16 wall_time_min=45"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Set num_nodes=16 wall_time_min=45 on 2 jobs (2 marked jobs)?" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert "2 requested, 2 changed" in notes(app)
    assert [
        (store_of(fresh).jobs[i]["num_nodes"], store_of(fresh).jobs[i]["wall_time_min"])
        for i in marked
    ] == [(16, 45)] * 2


async def test_state_the_server_keeps_is_reported_as_kept(fresh: ServerThread) -> None:
    """The issue's case in the pane: READY asked of staged-in jobs, the server keeps them."""
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(JobsPane).apply_filter("state=STAGED_IN order=id")
        await settle(pilot)
        marked = list(app.query_one(JobTable).jobs)[:3]
        await pilot.press("space", "down", "space", "down", "space", "e")
        await settle(pilot)
        assert isinstance(app.screen, StatePicker)
        await pilot.press("down", "down", "enter")  # READY
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "3 requested, 0 changed: the server kept them in STAGED_IN" in notes(app)
    assert all(store_of(fresh).jobs[i]["state"] == "STAGED_IN" for i in marked)


async def test_submit_then_cancel_a_batch_job(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SubmitBatchScreen)
        form.query_one("#batch-site", Select).value = 2
        await settle(pilot)
        assert "debug, default" in form.query_one("#batch-queue", Input).placeholder
        for selector, value in (
            ("#batch-queue", "debug"),
            ("#batch-project", "materials"),
            ("#batch-nodes", "999"),
            ("#batch-wall", "30"),
            ("#batch-tags", "exp:B"),
        ):
            form.query_one(selector, Input).value = value
        form.query_one("#batch-submit", Button).press()  # a click may hit the error line
        await settle(pilot)
        assert app.screen is form and "at most 64 nodes" in str(
            form.query_one(".form--error").render()
        )
        form.query_one("#batch-nodes", Input).value = "16"
        form.query_one("#batch-submit", Button).press()  # a click may hit the error line
        await settle(pilot)
        (made,) = [
            b for b in store_of(fresh).batch_jobs.values() if b["filter_tags"] == {"exp": "B"}
        ]
        assert (made["site_id"], made["num_nodes"], made["state"]) == (2, 16, "pending_submission")
        table = app.query_one(BatchJobTable)
        assert made["id"] in table.shown
        table.move_cursor(row=list(table.shown).index(made["id"]))
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and f"Cancel batch job {made['id']}" in (
            app.screen.message
        )
        await pilot.press("y")
        await settle(pilot)
        assert f"Batch job {made['id']}: cancel requested" in notes(app)
    assert store_of(fresh).batch_jobs[made["id"]]["state"] == "pending_deletion"


async def test_read_only_profile_opens_no_form(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, CreateJobScreen) and "read-only" in notes(app)
