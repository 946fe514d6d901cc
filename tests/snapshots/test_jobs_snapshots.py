"""Snapshots of the Jobs pane at 80x24 and 120x40 against a seeded, still stand-in.

The stand-in's simulator is off and its clock fixed (``epoch``), so every count,
row and time on screen is the same on every run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from console.backends.balsam import BalsamClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread
from console.ui.panes.jobs import JobsPane

PASSWORD = "snapshot-password"
OPTIONS = {"simulate": False, "jobs": 400, "epoch": "2026-11-23T12:00:00+00:00"}
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(build_app(password=PASSWORD, options=OPTIONS)) as running:
        yield running


class JobsApp(App[None]):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        profile = Profile("snap", ProfileSettings(), Path("/nonexistent"))
        client = BalsamClient(self.url, username="operator", password=PASSWORD)
        yield JobsPane(Clients(profile, balsam=client), refresh=None)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs, including workers started by finishing ones."""
    for _ in range(10):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):  # replaced by a newer load: fine
            await pilot.app.workers.wait_for_complete()
        if all(worker.is_finished for worker in pilot.app.workers):
            break
    await pilot.pause(0.1)


class TestJobsPane:
    @SIZES
    def test_summary(self, snap_compare: Any, server: ServerThread, size: tuple[int, int]) -> None:
        assert snap_compare(JobsApp(server.url), terminal_size=size, run_before=settle)

    @SIZES
    def test_filtered_table(
        self, snap_compare: Any, server: ServerThread, size: tuple[int, int]
    ) -> None:
        async def filtered(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.query_one(JobsPane).apply_filter("state=FAILED,RUN_ERROR order=id")
            await settle(pilot)
            await pilot.press("space")

        assert snap_compare(JobsApp(server.url), terminal_size=size, run_before=filtered)

    @SIZES
    def test_job_detail(
        self, snap_compare: Any, server: ServerThread, size: tuple[int, int]
    ) -> None:
        async def detail(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.query_one(JobsPane).apply_filter("state=JOB_FINISHED order=id")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(JobsApp(server.url), terminal_size=size, run_before=detail)
