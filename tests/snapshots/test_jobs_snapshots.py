"""Snapshots of the Jobs pane at 80x24 and 120x40 against a seeded, still stand-in.

The stand-in's simulator is off and its clock fixed (``epoch``), so every count,
row and time on screen is the same on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from console.backends.balsam import BalsamClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.serve import ServerThread
from console.ui.panes.jobs import JobsPane
from tests.conftest import BALSAM_OPTIONS, BALSAM_PASSWORD
from tests.pilot import settle_quietly as settle

PASSWORD = BALSAM_PASSWORD
OPTIONS = BALSAM_OPTIONS
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


class JobsApp(App[None]):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        profile = Profile("snap", ProfileSettings(), Path("/nonexistent"))
        client = BalsamClient(self.url, username="operator", password=PASSWORD)
        yield JobsPane(Clients(profile, balsam=client), refresh=None)


class TestJobsPane:
    @SIZES
    def test_summary(
        self, snap_compare: Any, balsam_server: ServerThread, size: tuple[int, int]
    ) -> None:
        assert snap_compare(JobsApp(balsam_server.url), terminal_size=size, run_before=settle)

    @SIZES
    def test_filtered_table(
        self, snap_compare: Any, balsam_server: ServerThread, size: tuple[int, int]
    ) -> None:
        async def filtered(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.query_one(JobsPane).apply_filter("state=FAILED,RUN_ERROR order=id")
            await settle(pilot)
            await pilot.press("space")

        assert snap_compare(JobsApp(balsam_server.url), terminal_size=size, run_before=filtered)

    @SIZES
    def test_job_detail(
        self, snap_compare: Any, balsam_server: ServerThread, size: tuple[int, int]
    ) -> None:
        async def detail(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            pilot.app.query_one(JobsPane).apply_filter("state=JOB_FINISHED order=id")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(JobsApp(balsam_server.url), terminal_size=size, run_before=detail)
