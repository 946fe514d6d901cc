"""The Jobs pane driven by the pilot against the Balsam stand-in over loopback."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from console.backends.balsam import BalsamClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread
from console.ui.confirm import ConfirmScreen
from console.ui.jobs.chart import StateChart
from console.ui.jobs.dialogs import JobDetailScreen, StatePicker, TagPrompt
from console.ui.jobs.summary import StateSummary
from console.ui.jobs.table import BatchJobTable, JobTable
from console.ui.panes.jobs import JobsPane
from tests.conftest import BALSAM_OPTIONS, BALSAM_PASSWORD
from tests.pilot import settle

PASSWORD = BALSAM_PASSWORD
_PROFILES = itertools.count()
OPTIONS = BALSAM_OPTIONS


@pytest.fixture
def fresh() -> Iterator[ServerThread]:
    """A server of its own, for tests that change jobs."""
    with ServerThread(build_app(password=PASSWORD, options=OPTIONS)) as running:
        yield running


class JobsApp(App[None]):
    def __init__(self, url: str, *, read_only: bool = False) -> None:
        super().__init__()
        self.url = url
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        # a profile of its own: each test starts without a last look of another's jobs
        profile = Profile(f"test-{next(_PROFILES)}", ProfileSettings(read_only=self.read_only),
                          Path("/nonexistent"))
        client = BalsamClient(
            self.url,
            username="operator",
            password=PASSWORD,
            read_only=self.read_only,
            profile="test",
        )
        yield JobsPane(Clients(profile, balsam=client), refresh=None)


def store_of(balsam_server: ServerThread) -> Any:
    return balsam_server.app.state.balsam.store


def in_state(balsam_server: ServerThread, state: str) -> list[int]:
    return [i for i, j in store_of(balsam_server).jobs.items() if j["state"] == state]


def notes(app: App[None]) -> str:
    return " | ".join(n.message for n in app._notifications)


async def test_summary_counts_match_the_server(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = app.query_one(StateSummary)
        assert summary.get_cell("FAILED", "All") == str(len(in_state(balsam_server, "FAILED")))
        assert summary.get_cell("RUNNING", "@polaris") == str(
            sum(
                1
                for i in in_state(balsam_server, "RUNNING")
                if store_of(balsam_server).jobs[i]["app_id"] in (4, 5)
            )
        )


async def test_summary_shows_change_since_last_look(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(in_state(fresh, "FAILED"))
        store = store_of(fresh)
        for job_id in in_state(fresh, "RUNNING")[:3]:
            store.update_job(store.jobs[job_id], {"state": "FAILED"})
        app.query_one(JobsPane).load_summary()
        await settle(pilot)
        assert app.query_one(StateSummary).get_cell("FAILED", "All") == f"{before + 3} +3"
        await pilot.press("z")
        assert app.query_one(StateSummary).get_cell("FAILED", "All") == str(before + 3)


async def test_filter_is_applied_by_the_server(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.query_one(JobsPane)
        pane.apply_filter("state=FAILED tag=exp:A")
        await settle(pilot)
        jobs = list(app.query_one(JobTable).jobs.values())
        expected = [
            i
            for i in in_state(balsam_server, "FAILED")
            if store_of(balsam_server).jobs[i]["tags"]["exp"] == "A"
        ]
        assert sorted(j.id for j in jobs) == sorted(expected)
        assert pane.total == len(expected)
        assert f"of {len(expected)}" in str(app.query_one("#jobs-status").render())


async def test_bad_filter_is_reported_and_keeps_the_table(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = list(app.query_one(JobTable).jobs)
        app.query_one(JobsPane).apply_filter("colour=red")
        await settle(pilot)
        assert "'colour=red' is not a filter" in notes(app)
        assert list(app.query_one(JobTable).jobs) == shown


async def test_paging_and_ordering_are_server_side(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one(JobsPane).apply_filter("order=id")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        ids = list(app.query_one(JobTable).jobs)
        assert ids == sorted(store_of(balsam_server).jobs)[100:200]
        await pilot.press("o")  # id → -id
        await settle(pilot)
        assert next(iter(app.query_one(JobTable).jobs)) == max(store_of(balsam_server).jobs)


async def test_bulk_retry_asks_with_the_count_then_reports(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        failed = len(in_state(fresh, "FAILED"))
        app.query_one(JobsPane).apply_filter("state=FAILED")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Retry {failed} failed" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert in_state(fresh, "FAILED") == []
        assert f"{failed} requested, {failed} retried" in notes(app)
        assert app.query_one(JobsPane).total == 0


async def test_cancelled_delete_changes_nothing(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "space", "down", "space", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Delete 2 jobs" in app.screen.message
        version = store_of(fresh).version
        await pilot.press("n")
        await settle(pilot)
        assert store_of(fresh).version == version and len(store_of(fresh).jobs) == 400


async def test_set_state_of_marked_jobs(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.query_one(JobsPane)
        pane.apply_filter("state=READY order=id")
        await settle(pilot)
        marked = list(app.query_one(JobTable).jobs)[:2]
        await pilot.press("space", "down", "space", "e")
        await settle(pilot)
        assert isinstance(app.screen, StatePicker)
        await pilot.press(*["down"] * 12, "enter")  # JOB_FINISHED
        await settle(pilot)
        assert "Set 2 jobs to JOB_FINISHED" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert [store_of(fresh).jobs[i]["state"] for i in marked] == ["JOB_FINISHED"] * 2
        assert app.query_one(JobTable).selected == set()


async def test_bulk_tag_asks_with_the_count_then_reports(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        failed = sorted(in_state(fresh, "FAILED"))
        app.query_one(JobsPane).apply_filter("state=FAILED")
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, TagPrompt)
        app.screen.query_one(Input).value = "review:yes"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Tag {len(failed)} jobs with review:yes (jobs matching state=FAILED" in (
            app.screen.message
        )
        await pilot.press("y")
        await settle(pilot)
        assert f"{len(failed)} requested, {len(failed)} tagged review:yes" in notes(app)
    async with BalsamClient(fresh.url, username="operator", password=PASSWORD) as client:
        tagged = await client.jobs.filter(tags={"review": "yes"}).all()
    assert sorted(j.id for j in tagged) == failed
    assert all(j.tags["system"] for j in tagged), "the tag is added, the others are kept"


async def test_confirmed_delete_names_the_count_then_reports(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one(JobsPane).apply_filter("state=FAILED order=id")
        await settle(pilot)
        marked = list(app.query_one(JobTable).jobs)[:2]
        await pilot.press("space", "down", "space", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete 2 jobs (2 marked jobs)?" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert "2 requested, 2 deleted" in notes(app)
        assert not set(marked) & set(app.query_one(JobTable).jobs)
    async with BalsamClient(fresh.url, username="operator", password=PASSWORD) as client:
        assert await client.jobs.filter(id=marked).count() == 0
        assert await client.jobs.count() == 398


async def test_delete_by_filter_reports_jobs_a_launcher_holds(fresh: ServerThread) -> None:
    """Running jobs are leased by a launcher: the server keeps them, and the report says so."""
    running = len(in_state(fresh, "RUNNING"))
    app = JobsApp(fresh.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one(JobsPane).apply_filter("state=RUNNING")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert f"Delete {running} jobs" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        said = f"{running} requested, 0 deleted: {running} still there (held by a launcher)"
        assert said in notes(app)
    assert len(in_state(fresh, "RUNNING")) == running > 0


async def test_chart_keeps_a_sample_per_refresh(fresh: ServerThread) -> None:
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chart = app.query_one(StateChart)
        failed, running = chart.history["FAILED"][-1], chart.history["RUNNING"][-1]
        async with BalsamClient(fresh.url, username="operator", password=PASSWORD) as client:
            for _ in range(3):
                ids = await client.jobs.filter(state="RUNNING").order_by("id")[:5].ids()
                await client.jobs.update_ids(ids, {"state": "FAILED"})
                await pilot.press("ctrl+r")
                await settle(pilot)
        assert list(chart.history["FAILED"])[-4:] == [failed + 5 * n for n in range(4)]
        assert list(chart.history["RUNNING"])[-4:] == [running - 5 * n for n in range(4)]
        lines = str(chart.render()).splitlines()
        failed_line = next(line for line in lines if line.startswith("FAILED"))
        running_line = next(line for line in lines if line.startswith("RUNNING"))
        assert "▁▃▆█" in failed_line and failed_line.split()[-1] == str(failed + 15)
        assert "█▆▃▁" in running_line and running_line.split()[-1] == str(running - 15)


async def test_detail_shows_the_event_timeline(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(JobsPane).apply_filter("state=JOB_FINISHED order=id")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        text = str(app.screen.query_one("#jobs-detail-text").render())
        assert "CREATED" in text and "→ JOB_FINISHED" in text and "Events (oldest first)" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, JobDetailScreen)


async def staged_child(url: str) -> tuple[Any, Any, Any]:
    """Create, through the client, a parent and a child with two transfer items and a batch job."""
    async with BalsamClient(url, username="operator", password=PASSWORD) as client:
        app = await client.apps.create(
            site_id=1,
            name="StageBoth",
            transfers={
                "input": {"required": True, "direction": "in", "local_path": "input.dat"},
                "result": {"required": True, "direction": "out", "local_path": "result.xyz"},
            },
        )
        (parent,) = await client.jobs.bulk_create([{"workdir": "detail/parent", "app_id": app.id}])
        (child,) = await client.jobs.bulk_create(
            [
                {
                    "workdir": "detail/child",
                    "app_id": app.id,
                    "parent_ids": [parent.id],
                    "transfers": {
                        "input": {"location_alias": "theta_dtn", "path": "/inputs/h2o.xyz"},
                        "result": {"location_alias": "theta_dtn", "path": "/results/h2o.xyz"},
                    },
                }
            ]
        )
        batch = await client.batch_jobs.create(
            site_id=1, project="chem", queue="debug", num_nodes=4, wall_time_min=30, job_mode="mpi"
        )
        await client.jobs.update_ids([child.id], {"batch_job_id": batch.id})
    return parent, child, batch


async def open_detail(pilot: Pilot[Any], job_id: int) -> str:
    pilot.app.query_one(JobsPane).apply_filter(f"id={job_id}")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, JobDetailScreen)
    text = str(pilot.app.screen.query_one("#jobs-detail-text").render())
    await pilot.press("escape")
    return text


async def test_detail_shows_parents_transfers_and_batch_job(fresh: ServerThread) -> None:
    parent, child, batch = await staged_child(fresh.url)
    app = JobsApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_detail(pilot, child.id)
        parents = text.split("Parents\n")[1].split("\n\n")[0]
        assert parents.split() == [str(parent.id), "STAGED_IN", "detail/parent"]
        assert "in  pending      input.dat ← theta_dtn:/inputs/h2o.xyz" in text
        assert "out awaiting_job result.xyz → theta_dtn:/results/h2o.xyz" in text
        assert f"{batch.id} pending_submission queue=debug nodes=4 not submitted yet" in text
        assert "CREATED → AWAITING_PARENTS" in " ".join(text.split())

        async with BalsamClient(fresh.url, username="operator", password=PASSWORD) as client:
            await client.batch_jobs.delete_one(batch.id)
        gone = await open_detail(pilot, child.id)
        assert f"{batch.id} (no longer on the server)" in gone


async def test_batch_jobs_view_lists_queued_and_running(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        table = app.query_one(BatchJobTable)
        states = {table.get_row_at(i)[6] for i in range(table.row_count)}
        assert states == {"queued", "running"}


async def test_read_only_profile_refuses_before_asking(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        version = store_of(balsam_server).version
        await pilot.press("l", "r")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "read-only" in notes(app)
        assert store_of(balsam_server).version == version


class LiveApp(App[None]):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.client = BalsamClient(url, username="operator", password=PASSWORD)

    def compose(self) -> ComposeResult:
        profile = Profile(f"test-{next(_PROFILES)}", ProfileSettings(), Path("/nonexistent"))
        yield JobsPane(Clients(profile, balsam=self.client), refresh=0.1)


async def test_refresh_runs_while_shown_and_pauses_while_hidden(fresh: ServerThread) -> None:
    app = LiveApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(JobsPane)
        await settle(pilot)
        sent = app.client.requests_sent
        await pilot.pause(0.5)
        assert app.client.requests_sent == sent, "a hidden pane must not poll"
        pane.pane_shown()
        store = store_of(fresh)
        for job_id in in_state(fresh, "RUNNING")[:2]:
            store.update_job(store.jobs[job_id], {"state": "FAILED"})
        failed = len(in_state(fresh, "FAILED"))
        for _ in range(50):
            await pilot.pause(0.1)
            if app.query_one(StateSummary).get_cell("FAILED", "All").startswith(str(failed)):
                break
        assert app.query_one(StateSummary).get_cell("FAILED", "All") == f"{failed} +2"
        pane.pane_hidden()
        await settle(pilot)
        sent = app.client.requests_sent
        await pilot.pause(0.5)
        assert app.client.requests_sent == sent


async def test_enter_on_a_summary_state_lists_its_jobs(balsam_server: ServerThread) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one(StateSummary).focus()
        await pilot.press("down", "down", "enter")  # CREATED, AWAITING_PARENTS, READY
        await settle(pilot)
        pane = app.query_one(JobsPane)
        assert pane.spec.states == ("READY",)
        assert {j.state for j in app.query_one(JobTable).jobs.values()} == {"READY"}
        assert pane.total == len(in_state(balsam_server, "READY"))


async def wait_for(pilot: Pilot[Any], done: Any, ticks: int = 100) -> None:
    """Let the live loop run until ``done()`` holds (bounded; the caller asserts)."""
    for _ in range(ticks):
        if done():
            return
        await pilot.pause(0.05)


async def test_batch_list_refreshes_live_only_while_shown(fresh: ServerThread) -> None:
    app = LiveApp(fresh.url)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(JobsPane)
        chart = app.query_one(StateChart)
        table = app.query_one(BatchJobTable)

        def samples() -> int:  # one per summary refresh
            return len(chart.history.get("FAILED", ()))

        pane.pane_shown()
        await wait_for(pilot, lambda: table.row_count > 0 and samples() > 0)
        create = {"site_id": 1, "queue": "debug", "num_nodes": 8, "wall_time_min": 30}
        first = await app.client.batch_jobs.create(**create)
        before = samples()
        await wait_for(pilot, lambda: samples() >= before + 3)
        assert samples() >= before + 3, "the live loop is running"
        assert first.id not in table.shown, "a hidden batch list is not refreshed"

        await pilot.press("b")
        await wait_for(pilot, lambda: first.id in table.shown)
        assert first.id in table.shown
        second = await app.client.batch_jobs.create(**create)
        await wait_for(pilot, lambda: second.id in table.shown)
        assert table.get_row(str(second.id))[6] == "pending_submission"
        pane.pane_hidden()
