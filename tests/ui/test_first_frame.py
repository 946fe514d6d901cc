"""The console draws before it connects: local services start after the first frame, and a
pane's class (and the service client it imports) is loaded only when its tab is built."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from textual.screen import Screen

from console import profiles
from console.clients import Clients
from console.errors import Unavailable
from console.profiles import BalenaSettings, PostgresSettings, ProfileSettings
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


@pytest.fixture(scope="module")
def fleets() -> str:
    """A profile whose first tab, Fleets, loads at once from a balena API."""
    name = "first-frame-balena"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(balena=BalenaSettings(url="http://127.0.0.1:9")))
    return name


async def test_clients_are_released_once_the_pane_is_drawn_and_made_after(
        fleets: str, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    draw = Screen._compositor_refresh

    def counted(self: Screen[Any]) -> None:
        draw(self)
        if self.query("FleetsPane DataTable"):  # a frame with the pane's skeleton
            events.append("drawn")

    hold = Clients.hold_until_drawn

    def recorded_hold(self: Clients) -> Any:
        release = hold(self)
        return lambda: (events.append("released"), release())

    def make_balena(self: Clients) -> Any:
        events.append("made")
        raise Unavailable("not in this test")  # the pane reports it; nothing is sent

    monkeypatch.setattr(Screen, "_compositor_refresh", counted)
    monkeypatch.setattr(Clients, "hold_until_drawn", recorded_hold)
    monkeypatch.setattr(Clients, "_make_balena", make_balena)
    async with FleetConsole(profiles.load(fleets), start_services=False).run_test(
            size=SIZE) as pilot:
        for _ in range(50):
            if "made" in events:
                break
            await pilot.pause()
    assert "released" in events and "made" in events, events
    assert events.index("drawn") < events.index("released") < events.index("made")


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


async def test_a_held_registry_makes_no_client_until_released(remote: str) -> None:
    """Worker threads and async workers wait; the main thread is never held (no deadlock)."""
    clients = Clients(profiles.load(remote))
    release = clients.hold_until_drawn()
    made: list[str] = []
    waiter = threading.Thread(target=lambda: made.append(clients._get("probe", lambda: "t")))
    waiter.start()
    task = asyncio.ensure_future(clients._get_async("async-probe", lambda: "a"))
    await asyncio.sleep(0.05)
    assert made == [] and not task.done()
    assert clients._get("main", lambda: "m") == "m"
    release()
    waiter.join(timeout=10)
    assert made == ["t"] and await task == "a"
