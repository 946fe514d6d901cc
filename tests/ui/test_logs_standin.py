"""The Logs pane end to end: a real BalenaClient against the balena stand-in app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.app import App, ComposeResult

from console import profiles
from console.backends.balena import BalenaClient
from console.clients import Clients
from console.sandbox.serve import ServerThread
from console.ui.panes.logs import LogsPane

TOKEN = "standin-logs-token-77aa"


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[ServerThread, Any]]:
    from console.sandbox.balena.app import create_app

    app = create_app(token=TOKEN, devices=12, simulate=False)
    with ServerThread(app) as server:
        yield server, app.state.balena


class PaneApp(App[None]):
    def __init__(self, client: BalenaClient) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        yield LogsPane(Clients(profiles.load("local"), balena=self.client))


async def wait_for(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


async def test_logs_command_resolves_short_uuids_and_merges_devices(
    stand_in: tuple[ServerThread, Any],
) -> None:
    server, state = stand_in
    first, second = sorted(state.store.rows("device"), key=lambda d: d["id"])[:2]
    client = BalenaClient(server.url, TOKEN)
    async with client, PaneApp(client).run_test(size=(120, 40)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.run_command(f"{first['uuid'][:7]} {second['id']}")
        await wait_for(lambda: all(state.hub.subscriber_count(d["uuid"]) for d in (first, second)))
        state.hub.append(first["uuid"], "hello from first", service_id=1)
        state.hub.append(second["uuid"], "hello from second", service_id=1)
        await wait_for(lambda: sum("hello from" in line for line in pane.view.lines) == 2)
        text = "\n".join(pane.view.lines)
        assert first["device_name"][:10] in text and second["device_name"][:10] in text


async def test_unknown_device_is_a_notification_not_a_crash(
    stand_in: tuple[ServerThread, Any],
) -> None:
    server, _ = stand_in
    client = BalenaClient(server.url, TOKEN)
    async with client, PaneApp(client).run_test(size=(80, 24)) as pilot:
        pilot.app.query_one(LogsPane).run_command("fffffff")
        await wait_for(lambda: bool(pilot.app._notifications))
        messages = [n.message for n in pilot.app._notifications]
        assert any("fffffff" in m for m in messages) and pilot.app.is_running


async def test_services_are_named_and_filtered_by_name_or_id(
    stand_in: tuple[ServerThread, Any],
) -> None:
    """The service column shows the fleet's service names; service= takes a name or an id."""
    server, state = stand_in
    device = sorted(state.store.rows("device"), key=lambda d: d["id"])[2]
    services = {
        s["service_name"]: s["id"]
        for s in state.store.rows("service")
        if s["application"] == device["belongs_to__application"]
    }
    main, agent = services["main"], services["agent"]
    client = BalenaClient(server.url, TOKEN)
    async with client, PaneApp(client).run_test(size=(120, 40)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.run_command(device["uuid"][:8])
        await wait_for(lambda: state.hub.subscriber_count(device["uuid"]) > 0)
        await wait_for(lambda: pane.view.service_names == {v: k for k, v in services.items()})
        state.hub.append(device["uuid"], "from the main service", service_id=main)
        state.hub.append(device["uuid"], "from the agent", service_id=agent)
        state.hub.append(device["uuid"], "from an unknown one", service_id=99_999)
        await wait_for(lambda: any("unknown one" in line for line in pane.view.lines))
        width = pane.view.columns.prefix_width  # time, service, flag: then the message
        columns = {line[:width].split()[-1] for line in pane.view.lines if "from " in line}
        assert columns == {"main", "agent", "99999"}
        pane.apply_filter("service=main")
        await wait_for(lambda: not any("agent" in line for line in pane.view.lines))
        assert any("from the main service" in line for line in pane.view.lines)
        assert "filter: service main" in pane._status
        pane.apply_filter(f"service={agent}")  # ids keep working
        await wait_for(lambda: not any("main service" in line for line in pane.view.lines))
        assert any("from the agent" in line for line in pane.view.lines)
        pane.apply_filter("service=nginx")
        await wait_for(lambda: any("nginx" in n.message for n in pilot.app._notifications))
        note = next(n.message for n in pilot.app._notifications if "nginx" in n.message)
        assert "agent, main" in note
        assert pane.session is not None and pane.session.filter.services == frozenset({agent})
