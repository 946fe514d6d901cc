"""The help and the command palette as an operator sees them, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot

from console import profiles
from console.profiles import PostgresSettings, ProfileSettings
from console.ui.app import FleetConsole
from console.ui.help import HelpScreen
from tests.pilot import settle_quietly as settle
from tests.pilot import wait_for

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
PROFILE = "snap-shell"


@pytest.fixture(scope="module")
def console_profile() -> str:
    """Nothing to reach: the shell alone, on a pane with keys of its own (Databases)."""
    if PROFILE not in profiles.names():
        profiles.add(PROFILE, ProfileSettings(
            color="magenta", description="snapshots",
            postgres=PostgresSettings(host="/nonexistent-socket-dir", connect_timeout=1)))
    return PROFILE


def make_app(name: str) -> FleetConsole:
    return FleetConsole(profiles.load(name), start_services=False, theme="fleet-dark")


class TestShell:
    @SIZES
    def test_help(self, snap_compare: Any, console_profile: str, size: tuple[int, int]) -> None:
        async def help_open(pilot: Pilot[Any]) -> None:
            await pilot.app.workspace.open("databases")
            await settle(pilot)
            pilot.app.action_help()
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
            await settle(pilot)

        assert snap_compare(make_app(console_profile), terminal_size=size, run_before=help_open)

    @SIZES
    def test_palette(self, snap_compare: Any, console_profile: str,
                     size: tuple[int, int]) -> None:
        async def palette_open(pilot: Pilot[Any]) -> None:
            await pilot.app.workspace.open("databases")
            await settle(pilot)
            pilot.app.action_command_palette()
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
            await pilot.press(*"drop")
            await settle(pilot)

        assert snap_compare(make_app(console_profile), terminal_size=size,
                            run_before=palette_open)
