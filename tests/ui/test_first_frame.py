"""The console draws before it connects: local services start after the first frame, and a
pane's class (and the service client it imports) is loaded only when its tab is built."""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen

from console import profiles
from console.clients import Clients
from console.profiles import PostgresSettings, ProfileSettings
from console.ui.app import FleetConsole
from console.ui.tabs import Registered
from console.ui.unconfigured import UnconfiguredPane

SIZE = (80, 24)


@pytest.fixture(scope="module")
def sandboxed() -> str:
    """A sandbox profile whose services the test never really starts."""
    name = "first-frame-sbx"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(color="cyan", sandbox=True))
    return name


@pytest.fixture(scope="module")
def remote() -> str:
    """A profile with PostgreSQL only, somewhere unreachable."""
    name = "first-frame-pg"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(postgres=PostgresSettings(
            host="/nonexistent-socket-dir", connect_timeout=1)))
    return name


async def test_local_services_start_after_the_first_frame(
        sandboxed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    paints: list[int] = []
    draw = Screen._compositor_refresh

    def counted(self: Screen[Any]) -> None:
        draw(self)
        paints.append(1)

    monkeypatch.setattr(Screen, "_compositor_refresh", counted)
    asked: list[int] = []

    class Console(FleetConsole):
        def start_local_services(self, clients: Clients) -> Any:  # type: ignore[override]
            asked.append(len(paints))  # stands in for the worker: nothing is started

    async with Console(profiles.load(sandboxed)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert asked, "the local services were never asked for"
        assert asked[0] >= 1, "the services were started before anything was drawn"


async def test_only_the_shown_pane_class_is_loaded(remote: str) -> None:
    async with FleetConsole(profiles.load(remote), start_services=False).run_test(
            size=SIZE) as pilot:
        await pilot.pause()
        app = pilot.app
        assert isinstance(app.workspace.current, UnconfiguredPane)  # Fleets: no [balena]
        assert app.found.classes == {}
        assert app.found.has("sql") and app.found.has("databases")
        await app.workspace.open("sql")
        assert set(app.found.classes) == {"sql"}


def test_a_broken_pane_is_reported_when_its_tab_is_built() -> None:
    found = Registered(("console.ui.panes.sql:NoSuchPane", "console.ui.panes.extra:Pane"))
    assert "console.ui.panes.extra:Pane" in found.failures  # not a tab: imported at once
    assert "console.ui.panes.sql:NoSuchPane" not in found.failures  # waits for its tab
    assert found.has("sql")
    assert found.pane_class("sql") is None
    assert "AttributeError" in found.failures["console.ui.panes.sql:NoSuchPane"]
    assert not found.has("sql")
