"""Since last look in the Jobs pane, against the Balsam stand-in over loopback.

The previous look is written with the store (as the pane writes it on leaving), jobs
are moved to FAILED in the stand-in's own state, then the pane opens once: the line
above the summary calls out the new failures and the count changes per state.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from textual.app import App, ComposeResult

from console import profiles
from console.backends.balsam import BalsamClient, summarise
from console.clients import Clients
from console.lastlook.jobs import from_data, to_data
from console.profiles import ProfileSettings, last_look
from console.sandbox.serve import ServerThread
from console.ui.jobs.since import groups_of
from console.ui.jobs.summary import StateSummary
from console.ui.panes.jobs import JobsPane
from console.ui.widgets.status_line import StatusLine
from tests.conftest import BALSAM_PASSWORD
from tests.pilot import settle

_names = itertools.count()


class JobsApp(App[None]):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.profile = profiles.add(f"since-jobs-{next(_names)}", ProfileSettings())
        self.client = BalsamClient(url, username="operator", password=BALSAM_PASSWORD)

    def compose(self) -> ComposeResult:
        yield JobsPane(Clients(self.profile, balsam=self.client), refresh=None)


def since_text(app: App[None]) -> str:
    line = app.query_one("#jobs-since", StatusLine)
    return str(line.render()) if line.display else ""


def saved_failed(profile: str) -> int:
    look = last_look.load(profile, "jobs")
    assert look is not None
    return from_data(look.data)["All"]["FAILED"]  # type: ignore[index]


async def test_first_open_says_nothing_and_quitting_saves_the_counts(
    balsam_server: ServerThread, balsam_client: BalsamClient
) -> None:
    app = JobsApp(balsam_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert since_text(app) == ""
    counts = (await summarise(balsam_client)).by_state()
    assert saved_failed(app.profile.name) == counts["FAILED"]


async def test_reopen_calls_out_jobs_that_failed_since(
    balsam_server: ServerThread, balsam_client: BalsamClient
) -> None:
    store: Any = balsam_server.app.state.balsam.store
    app = JobsApp(balsam_server.url)
    before = groups_of(await summarise(balsam_client))
    last_look.save(app.profile.name, "jobs", to_data(before), taken_at=time.time() - 3 * 3600)
    moved = [i for i, job in store.jobs.items() if job["state"] == "RUNNING"][:2]
    for job_id in moved:
        store.update_job(store.jobs[job_id], {"state": "FAILED"})
    failed = before["All"]["FAILED"] + 2
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert since_text(app) == ("Since last look (3 h ago): ⚠ 2 new failures, "
                                       "\N{MINUS SIGN}2 RUNNING, +2 FAILED · z: seen")
            assert app.query_one(StateSummary).get_cell("FAILED", "All") == f"{failed} +2"
            await pilot.press("z")
            await settle(pilot)
            assert since_text(app) == ""
            assert app.query_one(StateSummary).get_cell("FAILED", "All") == str(failed)
            assert saved_failed(app.profile.name) == failed
    finally:
        for job_id in moved:
            store.update_job(store.jobs[job_id], {"state": "RUNNING"})
