"""A live pane whose service goes away says so once, in its status line, and comes back.

The Fleets pane refreshes every 0.1 s against the module's balena stand-in; the stand-in
is stopped (its port refuses connections) and started again on the same port, as
``sandbox stop`` / ``sandbox start`` do. No notification may pile up meanwhile.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App

from console.backends.balena import BalenaClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.serve import ServerThread
from console.ui.panes.fleets import FleetsPane
from console.ui.widgets.status_line import StatusLine
from tests.pilot import settle, wait_for
from tests.ui.hosts import PaneApp


def notifications(app: App[None]) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_refresh_that_keeps_failing_is_said_once_then_replaced_by_data(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    profile = Profile("uistatus", ProfileSettings(sandbox=True), tmp_path)
    pane = FleetsPane(Clients(profile, balena=balena_client), refresh_seconds=0.1)
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = pane.query_one(StatusLine)
        assert "fleets" in str(status.render())
        balena_server.stop()
        try:
            await wait_for(pilot, lambda: status.failure is not None
                           and status.failure.attempts >= 3)
            said = str(status.render())
            assert "cannot reach balena API" in said
            assert re.search(r"failing since \d\d:\d\d:\d\d, \d+ attempts", said)
            assert "Rate limited" not in said
            assert "sandbox start`" in said  # what to do, on a sandbox profile
            assert status.has_class("-failing")
            assert notifications(pilot.app) == []  # no toast per failed refresh
        finally:
            balena_server.start()
        await wait_for(pilot, lambda: status.failure is None)
        assert "fleets" in str(status.render()) and not status.has_class("-failing")
        assert notifications(pilot.app) == []


async def test_a_one_off_action_that_fails_is_still_a_notification(
    balena_client: BalenaClient, balena_server: ServerThread, tmp_path: Path
) -> None:
    profile = Profile("uistatus", ProfileSettings(), tmp_path)
    pane = FleetsPane(Clients(profile, balena=balena_client), refresh_seconds=None)
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = pane.query_one(StatusLine)
        balena_server.stop()
        try:
            await pilot.press("n")  # the new-fleet form asks the service for its choices
            await wait_for(pilot, lambda: bool(notifications(pilot.app)))
        finally:
            balena_server.start()
        assert len(notifications(pilot.app)) == 1
        assert status.failure is None and "fleets" in str(status.render())


async def test_the_panes_own_text_waits_behind_a_failure(tmp_path: Path) -> None:
    status = StatusLine("loading…")
    async with App[None]().run_test(size=(80, 24)) as pilot:
        await pilot.app.mount(status)
        status.fail("cannot reach it", "retrying")
        status.update("12 fleets")
        assert str(status.render()).startswith("⚠ cannot reach it · failing since")
        status.fail("cannot reach it", "retrying")
        assert ", 2 attempts · retrying" in str(status.render())
        status.recovered()
        await pilot.pause()
        assert str(status.render()) == "12 fleets"
