"""Quiet over SSH: a live pane whose data did not change repaints nothing.

Every ``refresh`` of a widget ends as bytes on the operator's terminal, so the
tests record which widgets ask to be repainted while live refreshes run against
still stand-ins (no simulator): there must be none. Each test first checks that
refreshes did run in the window, so "nothing repainted" cannot mean "nothing ran".
``benchmarks/idle.py`` measures the same thing in bytes on a real pty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from console.backends.balena import BalenaClient
from console.backends.balsam import BalsamClient
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.sandbox.serve import ServerThread
from console.ui.jobs.chart import StateChart
from console.ui.panes.devices import DevicesPane
from console.ui.panes.jobs import JobsPane
from console.ui.panes.live import RefreshLoop
from console.ui.panes.logs import LogsPane
from console.ui.sql.editor import SqlEditor
from console.ui.widgets.status_line import StatusLine
from tests.conftest import BALENA_TOKEN, BALSAM_PASSWORD
from tests.pilot import wait_for

TICKS = 3
"""Live refreshes each test lets run while it records repaints."""


class Repaints:
    """Records the widgets that ask to be repainted while ``recording`` is on."""

    def __init__(self) -> None:
        self.recording = False
        self.widgets: list[Widget] = []

    def __call__(self, original: Any) -> Any:
        def refresh(widget: Widget, *args: Any, **kwargs: Any) -> Any:
            if self.recording and widget.is_attached:
                self.widgets.append(widget)
            return original(widget, *args, **kwargs)

        return refresh


@pytest.fixture
def repaints(monkeypatch: pytest.MonkeyPatch) -> Iterator[Repaints]:
    recorder = Repaints()
    monkeypatch.setattr(Widget, "refresh", recorder(Widget.refresh))
    yield recorder


class LiveHost(App[None]):
    """Holds one widget; counts the fetches of its live loop that ended (each re-arms it)."""

    def __init__(self, widget: Widget, loop: RefreshLoop | None = None) -> None:
        super().__init__()
        self.widget = widget
        self.ticks = 0
        if loop is not None:
            arm = loop.arm

            def counted() -> None:
                self.ticks += 1
                arm()

            loop.arm = counted  # type: ignore[method-assign]

    def compose(self) -> ComposeResult:
        yield self.widget


def profile() -> Profile:
    return Profile("idle", ProfileSettings(), Path("/nonexistent"))


async def record_ticks(host: LiveHost, pilot: Any, repaints: Repaints) -> list[Widget]:
    """Let ``TICKS`` live refreshes run; return every widget that asked for a repaint."""
    start = host.ticks
    repaints.recording = True
    await wait_for(pilot, lambda: host.ticks >= start + TICKS)
    repaints.recording = False
    return repaints.widgets


async def test_idle_devices_pane_repaints_nothing(
    balena_server: ServerThread, repaints: Repaints
) -> None:
    client = BalenaClient(balena_server.url, BALENA_TOKEN)
    pane = DevicesPane(Clients(profile(), balena=client), refresh_seconds=0.05)
    host = LiveHost(pane, pane.live)
    async with host.run_test(size=(120, 40)) as pilot:
        # a few ticks first: the first load's loading indicator is gone by then
        await wait_for(pilot, lambda: bool(pane.table.devices) and host.ticks >= 3)
        assert await record_ticks(host, pilot, repaints) == []
    await client.aclose()


async def test_idle_jobs_pane_repaints_nothing(
    balsam_server: ServerThread, repaints: Repaints
) -> None:
    client = BalsamClient(balsam_server.url, username="operator", password=BALSAM_PASSWORD)
    pane = JobsPane(Clients(profile(), balsam=client), refresh=0.05)
    host = LiveHost(pane, pane.live)
    async with host.run_test(size=(120, 40)) as pilot:
        pane.pane_shown()
        await wait_for(pilot, lambda: host.ticks >= 2)
        assert await record_ticks(host, pilot, repaints) == []
        chart = pane.query_one(StateChart)
        assert len(chart.history["RUNNING"]) > TICKS, "every refresh is still a sample"
        assert len(chart.steps) == 1, "a repeated sample is not drawn again"
    await client.aclose()


async def test_idle_logs_pane_repaints_nothing(
    balena_server: ServerThread, repaints: Repaints
) -> None:
    client = BalenaClient(balena_server.url, BALENA_TOKEN)
    pane = LogsPane(Clients(profile(), balena=client))
    host = LiveHost(pane)
    async with host.run_test(size=(120, 40)) as pilot:
        page = await client.devices.list(top=2)
        pane.tail({d.uuid: d.name for d in page.devices})
        await wait_for(pilot, lambda: all(
            w.is_finished for w in host.workers if w.group != "logs-stream"))
        await pilot.pause(0.3)
        repaints.recording = True
        await pilot.pause(0.5)  # ten flushes of the 50 ms timer, with nothing to draw
        repaints.recording = False
        assert repaints.widgets == []
    await client.aclose()


async def test_status_line_draws_a_new_text_only(repaints: Repaints) -> None:
    line = StatusLine("12 fleets")
    host = LiveHost(line)
    async with host.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        repaints.recording = True
        line.show("12 fleets")
        line.update("12 fleets")
        assert repaints.widgets == []
        line.show("13 fleets", "", "filter: gw")
        assert repaints.widgets == [line]
        await pilot.pause()
        assert str(line.render()) == "13 fleets · filter: gw"


async def test_an_idle_editor_stops_blinking_and_a_key_wakes_it(repaints: Repaints) -> None:
    editor = SqlEditor("select 1")
    host = LiveHost(editor)
    async with host.run_test(size=(40, 6)) as pilot:
        editor.focus()
        await pilot.pause()
        assert editor.cursor_blink
        editor.blink.seconds = 0  # as if ten seconds passed without a key
        editor.blink.rest_if_idle()
        await pilot.pause()
        repaints.recording = True
        await pilot.pause(1.2)  # two blinks' time: nothing is drawn
        repaints.recording = False
        assert repaints.widgets == []
        assert not editor.cursor_blink
        editor.blink.seconds = 60
        await pilot.press("x")
        assert editor.cursor_blink and editor.text.startswith("x")


async def test_a_blink_turned_off_on_purpose_stays_off() -> None:
    editor = SqlEditor("select 1")
    async with LiveHost(editor).run_test(size=(40, 6)) as pilot:
        editor.focus()
        editor.cursor_blink = False
        editor.blink.seconds = 0
        editor.blink.rest_if_idle()
        await pilot.press("x")
        assert not editor.cursor_blink
