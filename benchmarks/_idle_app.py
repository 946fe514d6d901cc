"""The apps ``benchmarks/idle.py`` runs in a pty: the console on one live pane, or a bare peer.

Each runs in its own process with the real Linux driver writing to the pty, so
the parent counts exactly the bytes an SSH session would carry. When the pane
has drawn its data the app touches the ``ready`` file; the parent measures
from then on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer

BALENA_TOKEN_ENV = "IDLE_BALENA_TOKEN"
BALSAM_PASSWORD_ENV = "IDLE_BALSAM_PASSWORD"
PROFILE = "idle"
FOREVER = {"logs-stream"}
"""Worker groups that run as long as the pane (following a stream)."""


class BareTable(App[None]):
    """The peer: a static table and a footer, nothing live."""

    def __init__(self, ready: Path) -> None:
        super().__init__()
        self.ready = ready

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Id", "Name", "Fleet", "Status", "Release", "Seen")
        for i in range(200):
            table.add_row(i, f"device-{i:04}", "acme/gateways", "online", "1.3.0",
                          "2026-11-23 12:00")
        table.focus()
        self.call_after_refresh(self.ready.touch)


def make_profile(balena_url: str, balsam_url: str) -> None:
    """Write the ``idle`` profile: the two stand-ins, secrets named by environment variables."""
    from console import profiles
    from console.profiles import BalenaSettings, BalsamSettings, ProfileSettings

    settings = ProfileSettings(
        color="orange",
        balena=BalenaSettings(url=balena_url, token_env=BALENA_TOKEN_ENV),
        balsam=BalsamSettings(url=balsam_url, username="operator",
                              password_env=BALSAM_PASSWORD_ENV),
    )
    profiles.save_settings(PROFILE, settings)


def console_app(pane_id: str, ready: Path) -> App[None]:
    """The console on the ``idle`` profile, showing ``pane_id`` with its live refresh on."""
    from console import profiles
    from console.ui.app import FleetConsole

    class IdleConsole(FleetConsole):
        def on_ready(self) -> None:
            pane = self.workspace.show(pane_id)
            if pane_id == "logs":
                self.follow_two(pane)
            self._ready_when(_loaded(pane_id, pane))

        @work(exclusive=True, group="idle-follow", description="Choosing devices",
              exit_on_error=False)
        async def follow_two(self, pane: object) -> None:
            client = await self.clients.balena()
            page = await client.devices.list(top=2)
            pane.tail({d.uuid: d.name for d in page.devices})  # type: ignore[attr-defined]

        def _ready_when(self, loaded: Callable[[], bool]) -> None:
            def check() -> None:
                # every pane's first load done too: a hidden pane's late first draw
                # relayouts the screen once, which is start-up, not idling
                busy = [w for w in self.workers if w.is_running and w.group not in FOREVER]
                if loaded() and not busy:
                    timer.stop()
                    self.call_after_refresh(ready.touch)

            timer = self.set_interval(0.2, check, name="idle-ready")

    return IdleConsole(profiles.load(PROFILE), start_services=False)


def _loaded(pane_id: str, pane: object) -> Callable[[], bool]:
    """What says the pane has drawn what it shows."""
    if pane_id == "devices":
        return lambda: bool(pane.table.devices)  # type: ignore[attr-defined]
    if pane_id == "jobs":
        return lambda: bool(pane.query_one("#jobs-chart").history)  # type: ignore[attr-defined]
    return lambda: bool(pane.session and pane.session.counters.received)  # type: ignore[attr-defined]


def run_child(case: str, ready: Path, balena_url: str, balsam_url: str) -> None:
    """Run one case until the parent ends the process."""
    if case == "bare":
        BareTable(ready).run()
        return
    make_profile(balena_url, balsam_url)
    os.environ.setdefault("FLEET_CONSOLE_PROFILE", PROFILE)
    console_app(case, ready).run()
