"""The Logs pane keeps following when the disk under its spool fills (issue 10 item 7)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from console import profiles
from console.clients import Clients
from console.profiles import ProfileSettings, locations
from console.sandbox.balena.logs import LogHub, standalone_app
from console.sandbox.serve import ServerThread
from console.ui.panes.logs import LogsPane
from tests.disk import fill, small_disk
from tests.ui.test_logs_pane import Client, PaneApp, any_line, shown, wait_for

TOKEN = "full-disk-token-5c1e"
DEVICE = "5" * 32
PROFILE = "logs-full-disk"


@pytest.fixture(scope="module")
def hub() -> LogHub:
    return LogHub(keepalive=0.05, flush_interval=0.01)


@pytest.fixture(scope="module")
def server(hub: LogHub) -> Iterator[ServerThread]:
    with ServerThread(standalone_app(hub, {DEVICE: {"uuid": DEVICE}}, TOKEN)) as thread:
        yield thread


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        yield Client(http)


async def test_a_full_disk_stops_the_spool_not_the_pane(hub: LogHub, client: Client) -> None:
    profiles.add(PROFILE, ProfileSettings())
    profile = profiles.load(PROFILE)
    options = {"read_timeout": 2.0, "backoff": 0.05, "max_backoff": 0.2}
    app = PaneApp(lambda: LogsPane(Clients(profile, balena=client), reader=options))
    with small_disk(locations.spool_dir(PROFILE)) as disk:
        async with app.run_test(size=(120, 30)) as pilot:
            pane = pilot.app.query_one(LogsPane)
            pane.tail([DEVICE])
            await wait_for(pilot, lambda: hub.subscriber_count(DEVICE) > 0)
            hub.append(DEVICE, "before the disk filled", service_id=1)
            await wait_for(pilot, any_line(pane, "before the disk filled"))
            fill(disk, leave=4096)
            for n in range(60):
                hub.append(DEVICE, f"after {n:02d} " + "x" * 200, service_id=1)
            await wait_for(pilot, any_line(pane, "after 59"))
            await wait_for(pilot, any_line(pane, "No space left on device"))
            hub.append(DEVICE, "still following", service_id=1)
            await wait_for(pilot, any_line(pane, "still following"))
            assert "following" in pane._status and "stopped:" not in pane._status
            assert sum("stopped saving this session" in line for line in shown(pane)) == 1
            pane.apply_filter("after 5")  # redrawn from spool and memory: nothing is missing
            await wait_for(pilot, lambda: sum("after 5" in line for line in shown(pane)) == 10)
