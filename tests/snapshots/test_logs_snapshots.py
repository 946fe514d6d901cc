"""Snapshots of the Logs pane at 80x24 and 120x40: two devices merged, a filter, a gap."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from console import profiles
from console.backends.balena.logs import Gap, LogEvent, LogLine, Notice
from console.clients import Clients
from console.ui.panes.logs import LogsPane

GW1 = "8deb12a7d7592c2b7f9e44735c2b0a41"
GW2 = "3f0c5e1b9a7d4c2e8b6a1f0e9d8c7b6a"
T0 = 1_714_567_890_000


def line(uuid: str, i: int, message: str, service: int | None = 42, **flags: bool) -> LogLine:
    return LogLine(
        uuid=uuid,
        created_at=T0 + i,
        timestamp=T0 + i * 250,
        message=message,
        service_id=service,
        **flags,
    )


def events() -> list[LogEvent]:
    """A fixed session: service output, stderr, a system line, a drop and a backfill."""
    rows: list[LogEvent] = []
    for i in range(14):
        uuid = GW1 if i % 2 == 0 else GW2
        if i == 5:
            rows.append(line(uuid, i, "Supervisor: update check complete", None, is_system=True))
        elif i % 4 == 3:
            rows.append(line(uuid, i, f"ERROR sensor timeout after {100 + i} ms", is_stderr=True))
        else:
            text = f"reading sensor bus: temperature={20 + i}.5C humidity={40 + i}% " + "x" * i
            rows.append(line(uuid, i, text, 42 if i % 3 else 43))
    rows.append(Notice(GW2, "stream of 3f0c5e1 dropped (server went away); reconnecting in 0.5 s"))
    rows.append(Gap(GW2, T0 + 13, T0 + 8_513, 3, True, "server went away"))
    for i in range(14, 18):
        rows.append(line(GW2, i, f"backfilled sample {i} uploaded"))
    return rows


class LogsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogsPane(Clients(profiles.load("local")))


async def feed(pilot: Pilot[Any]) -> None:
    pane = pilot.app.query_one(LogsPane)
    pane.set_devices({GW1: "gw-01", GW2: "gw-02"})
    pane.ingest(events())
    pane.apply_filter("sensor")
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


class TestLogsPane:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    def test_merged_filtered_with_gap(self, snap_compare: Any, size: tuple[int, int]) -> None:
        assert snap_compare(LogsApp(), terminal_size=size, run_before=feed)

    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    def test_wrapped_without_timestamps(self, snap_compare: Any, size: tuple[int, int]) -> None:
        async def wrapped(pilot: Pilot[Any]) -> None:
            await feed(pilot)
            pilot.app.query_one(LogsPane).apply_filter("")
            await pilot.app.workers.wait_for_complete()
            await pilot.press("t", "w")
            await pilot.pause(0.2)

        assert snap_compare(LogsApp(), terminal_size=size, run_before=wrapped)
