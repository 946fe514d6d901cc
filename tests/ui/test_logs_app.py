"""The Logs tab inside the whole console: key 3, then `:logs ID`, against the stand-in."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from console import profiles
from console.sandbox.serve import ServerThread

TOKEN = "app-logs-token-5d5d5d"
PROFILE = "logsapp"


@pytest.fixture(scope="module")
def stand_in(fleet_home: object, monkeypatch_module: Any) -> Iterator[Any]:
    from console.sandbox.balena.app import create_app

    app = create_app(token=TOKEN, devices=12, simulate=False)
    with ServerThread(app) as server:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "console",
                "profiles",
                "add",
                PROFILE,
                "--balena-url",
                server.url,
                "--balena-token-env",
                "LOGS_APP_TOKEN",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield app.state.balena


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOGS_APP_TOKEN", TOKEN)
        yield patch


async def test_logs_tab_follows_a_device_named_on_the_command_line(stand_in: Any) -> None:
    from console.ui.app import FleetConsole
    from console.ui.panes.logs import LogsPane

    device = sorted(stand_in.store.rows("device"), key=lambda d: d["id"])[0]
    app = FleetConsole(profiles.load(PROFILE), start_services=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = ["space" if ch == " " else ch for ch in f"logs {device['uuid'][:7]}"]
        await pilot.press("3", "colon", *keys)
        await pilot.press("enter")
        for _ in range(200):
            if stand_in.hub.subscriber_count(device["uuid"]):
                break
            await asyncio.sleep(0.05)
        stand_in.hub.append(device["uuid"], "seen through the whole console", service_id=2)
        pane = app.query_one(LogsPane)
        for _ in range(200):
            if any("whole console" in line for line in pane.view.lines):
                break
            await asyncio.sleep(0.05)
        assert any("seen through the whole console" in line for line in pane.view.lines)
        await pilot.press("p")
        assert pane.session is not None and pane.session.paused
