"""After ``sandbox stop`` / ``start`` the clients a console holds carry on by themselves
(issue 10 item 6), and commands that need a stopped stand-in start it (issue 16 item 6).

Runs the real balena and Balsam stand-ins under a supervisor, as ``./run`` does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from console import profiles
from console.backends.balena.logs import DeviceLogs, Gap, LogLine, Notice
from console.clients import Clients
from console.profiles import ProfileSettings
from console.sandbox import control
from console.sandbox.registry import stand_ins
from tests.conftest import run_cli
from tests.integration.test_logs_stream import Tail

PROFILE = "svc-restart"
OPTIONS = {"devices": 20, "jobs": 60, "log_rate": 10}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    profiles.add(PROFILE, ProfileSettings(sandbox=True))
    control.start(PROFILE, OPTIONS)
    yield PROFILE
    control.stop(PROFILE)


def _after(events: list[object], mark: int, kind: type) -> list[object]:
    return [e for e in events[mark:] if isinstance(e, kind)]


async def test_followers_and_clients_reconnect_after_stop_and_start(sandbox: str) -> None:
    clients = Clients(profiles.load(PROFILE))
    reader: DeviceLogs | None = None
    try:
        balena, balsam = await clients.balena(), await clients.balsam()
        online = (await balena.devices.list(text="online", top=2)).devices
        jobs = await balsam.jobs.count()
        reader = DeviceLogs(balena, backoff=0.1, max_backoff=0.4)
        stream = Tail(reader.stream([device.uuid for device in online]))
        await stream.until(lambda seen: bool(_after(seen, 0, LogLine)))

        await asyncio.to_thread(control.stop, PROFILE)
        await stream.until(lambda seen: any("dropped" in str(e) for e in _after(seen, 0, Notice)))
        mark = len(stream.seen)
        await asyncio.to_thread(control.start, PROFILE, OPTIONS)

        def resumed(seen: list[object]) -> bool:
            gaps = _after(seen, mark, Gap)
            return bool(gaps) and bool(_after(seen, seen.index(gaps[0]), LogLine))

        seen = await stream.until(resumed)
        gap = _after(seen, mark, Gap)[0]
        assert isinstance(gap, Gap) and gap.reason and gap.end_ms >= gap.start_ms
        assert str(balena.http.base_url) == profiles.load(PROFILE).service("balena").url
        # The same clients, made before the restart, answer again (Balsam logs in anew).
        assert await balsam.jobs.count() == jobs
        assert {d.uuid for d in (await balena.devices.list(text="online", top=100)).devices}
    finally:
        if reader is not None:
            await reader.stop()
        await clients.aclose()


@pytest.mark.parametrize(
    "command",
    [("fleets", "list", "--json"), ("jobs", "list", "--limit", "5", "--json")],
    ids=["fleets-list", "jobs-list"],
)
def test_a_command_on_a_stopped_sandbox_starts_its_stand_ins(
    sandbox: str, command: tuple[str, ...]
) -> None:
    control.stop(PROFILE)
    assert control.supervisor_pid(PROFILE) is None
    result = run_cli("--profile", PROFILE, *command)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)
    assert control.supervisor_pid(PROFILE) is not None
    assert all(s.state == "running" for s in control.status(PROFILE))


def test_status_and_profiles_list_say_which_services_are_local(sandbox: str) -> None:
    control.start(PROFILE)
    status = json.loads(run_cli("--profile", PROFILE, "sandbox", "status", "--json").stdout)
    nodes = {(s.name, node) for s in stand_ins() if s.section != "postgres"
             for node in range(s.nodes)}
    # The profile has no PostgreSQL of its own; the CrateDB stand-in keeps its store in
    # an embedded one, which is listed, so that nothing runs unseen.
    store = {("postgres", None)} if any(name == "cratedb" for name, _ in nodes) else set()
    assert {(s["name"], s["node"]) for s in status} == nodes | store
    assert {s["state"] for s in status} == {"running"}
    listed = json.loads(run_cli("profiles", "list", "--json").stdout)
    mine = next(p for p in listed if p["name"] == PROFILE)
    assert mine["services"] == mine["local"]
    assert set(mine["local"]) == {name for name, _ in nodes}
    local = next(p for p in listed if p["name"] == "local")
    assert "postgres" in local["local"] and set(mine["local"]) <= set(local["local"])
