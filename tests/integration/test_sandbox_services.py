"""Local services that behave like services (issue 10 item 6): one supervisor however many
starts race, stop signals only its own process, ports survive restarts, one node of a
cluster stops and starts alone.

The sandbox here runs two tiny stand-ins (``tests/stand_ins``: an HTTP one of two nodes,
a raw TCP one of three), so the machinery is tested without waiting on the real ones.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import psutil
import pytest

from console import profiles
from console.profiles import ProfileSettings, locations
from console.sandbox import channel, control, ownership, ports
from console.sandbox.registry import MODULES_ENV
from tests.conftest import run_cli

PROFILE = "svc-machinery"
STAND_INS = "tests.stand_ins.echo_http,tests.stand_ins.echo_tcp"


@pytest.fixture(scope="module", autouse=True)
def test_stand_ins() -> Iterator[None]:
    """Run the tiny stand-ins in this module's sandbox (the supervisor inherits it)."""
    before = os.environ.get(MODULES_ENV)
    os.environ[MODULES_ENV] = STAND_INS
    profiles.add(PROFILE, ProfileSettings(sandbox=True))
    yield
    control.stop(PROFILE)
    if before is None:
        os.environ.pop(MODULES_ENV)
    else:
        os.environ[MODULES_ENV] = before


def supervisors() -> list[psutil.Process]:
    """Every supervisor process of the profile on this machine."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if ownership.runs_supervisor(process.info["cmdline"] or [], PROFILE):
            found.append(process)
    return found


def status() -> dict[tuple[str, int | None], dict[str, Any]]:
    result = run_cli("--profile", PROFILE, "sandbox", "status", "--json")
    assert result.returncode == 0, result.stderr
    return {(s["name"], s["node"]): s for s in json.loads(result.stdout)}


def urls() -> dict[tuple[str, int | None], str]:
    return {key: entry["url"] for key, entry in status().items() if key[0] != "postgres"}


def sleeper(*extra: str) -> subprocess.Popen[bytes]:
    """A process that is not the supervisor (its command line may pretend to be)."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *extra])


def test_two_starts_at_once_leave_one_supervisor_and_a_good_state_file() -> None:
    control.stop(PROFILE)
    command = [sys.executable, "-m", "console", "--profile", PROFILE, "sandbox", "start", "--json"]
    racing = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for _ in range(3)]
    outputs = [process.communicate(timeout=120) for process in racing]
    assert [process.returncode for process in racing] == [0, 0, 0], outputs
    running = supervisors()
    assert len(running) == 1
    state = json.loads((locations.sandbox_dir(PROFILE) / "services.json").read_text())
    assert state["pid"] == running[0].pid == control.supervisor_pid(PROFILE)
    reported = [{(s["name"], s["node"]): s["url"] for s in json.loads(out)} for out, _ in outputs]
    assert reported[0] == reported[1] == reported[2]  # all three saw the one supervisor


@pytest.mark.parametrize(
    ("extra", "shift"),
    [((), 0.0), (("console.sandbox.supervisor", "--profile", PROFILE), -3600.0)],
    ids=["another-program", "same-command-line-other-start-time"],
)
def test_stop_never_signals_a_process_the_pid_file_wrongly_names(
    extra: tuple[str, ...], shift: float
) -> None:
    """Today's crash leaves a pid file; tomorrow that pid is someone's editor."""
    control.stop(PROFILE)
    innocent = sleeper(*extra)
    try:
        created = psutil.Process(innocent.pid).create_time() + shift
        pid_file = locations.sandbox_dir(PROFILE) / control.PID_FILE
        pid_file.write_text(json.dumps({"pid": innocent.pid, "create_time": created}))
        result = run_cli("--profile", PROFILE, "sandbox", "stop")
        assert result.returncode == 0, result.stderr
        assert innocent.poll() is None  # still running: never signalled
        assert not pid_file.exists()
        assert all(s["state"] == "stopped" for s in status().values())
    finally:
        innocent.kill()
        innocent.wait()


def test_a_bare_pid_in_the_pid_file_proves_nothing() -> None:
    control.stop(PROFILE)
    innocent = sleeper()
    try:
        (locations.sandbox_dir(PROFILE) / control.PID_FILE).write_text(str(innocent.pid))
        assert control.supervisor_pid(PROFILE) is None
        control.stop(PROFILE)
        assert innocent.poll() is None
    finally:
        innocent.kill()
        innocent.wait()


def test_each_node_keeps_its_port_across_stop_and_start() -> None:
    control.start(PROFILE)
    before = urls()
    assert len(before) == 5 and all(before.values())
    control.stop(PROFILE)
    assert all(entry["url"] is None for key, entry in status().items() if key[0] != "postgres")
    control.start(PROFILE)
    moved = {key for key, url in urls().items() if url != before[key]}
    # Only a port another program took in between may change (the next test shows how
    # that is handled); parallel test workers bind ports too.
    assert all(_taken(before[key]) for key in moved), moved


def _taken(url: str) -> bool:
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", int(url.rsplit(":", 1)[1])))
    except OSError:
        return True
    finally:
        probe.close()
    return False


def test_a_remembered_port_another_program_took_is_given_up() -> None:
    control.start(PROFILE)
    before = urls()
    control.stop(PROFILE)
    taken_port = ports.remembered(locations.sandbox_dir(PROFILE))["echo"][0]
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", taken_port))
    squatter.listen()
    try:
        control.start(PROFILE)
        after = urls()
    finally:
        squatter.close()
    assert after[("echo", 0)] != before[("echo", 0)]
    assert {k: v for k, v in after.items() if k != ("echo", 0)} == {
        k: v for k, v in before.items() if k != ("echo", 0)
    }
    assert ports.remembered(locations.sandbox_dir(PROFILE))["echo"][0] != taken_port


def _tcp_echo(address: str, text: str) -> str:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(text.encode() + b"\n")
        return sock.makefile().readline().strip()


def test_one_http_node_stops_alone_drops_its_streams_and_comes_back_on_its_port() -> None:
    control.start(PROFILE)
    nodes = urls()
    stream_url = f"{nodes[('echo', 1)]}/ticks"
    with httpx.Client(timeout=5) as http, http.stream("GET", stream_url) as ticks:
        lines = ticks.iter_lines()
        assert next(lines) == "tick"
        result = run_cli("--profile", PROFILE, "sandbox", "node", "stop", "echo", "1", "--json")
        assert result.returncode == 0, result.stderr
        with pytest.raises(httpx.HTTPError):  # the open stream was cut, as by a crash
            for _ in lines:
                pass
    after = status()
    assert after[("echo", 1)]["state"] == "stopped" and after[("echo", 0)]["state"] == "running"
    assert after[("echo", 1)]["url"] == nodes[("echo", 1)]
    with pytest.raises(httpx.ConnectError):
        httpx.get(nodes[("echo", 1)], timeout=5)
    assert httpx.get(nodes[("echo", 0)], timeout=5).json() == {"node": 0}
    result = run_cli("--profile", PROFILE, "sandbox", "node", "start", "echo", "1")
    assert result.returncode == 0, result.stderr
    assert httpx.get(nodes[("echo", 1)], timeout=5).json() == {"node": 1}
    assert status()[("echo", 1)]["state"] == "running"


def test_one_tcp_node_stops_alone_and_comes_back_on_its_port() -> None:
    control.start(PROFILE)
    address = urls()[("echo-tcp", 2)]
    host, port = address.rsplit(":", 1)
    held = socket.create_connection((host, int(port)), timeout=5)
    try:
        control.node(PROFILE, "echo-tcp", 2, "stop")
        assert held.recv(1) == b""  # its open connection was dropped
    finally:
        held.close()
    with pytest.raises(ConnectionRefusedError):
        _tcp_echo(address, "anyone?")
    assert _tcp_echo(urls()[("echo-tcp", 0)], "hi") == "0:hi"
    control.node(PROFILE, "echo-tcp", 2, "start")
    assert _tcp_echo(address, "back") == "2:back"


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("stop", "nosuch", "0"), 2, "known: echo, echo-tcp"),
        (("stop", "echo", "2"), 2, "numbered 0 to 1"),
        (("start", "echo-tcp", "-1"), 2, "INDEX"),
    ],
    ids=["unknown-stand-in", "index-past-the-nodes", "negative-index"],
)
def test_node_commands_refuse_what_does_not_exist(
    args: tuple[str, ...], code: int, says: str
) -> None:
    result = run_cli("--profile", PROFILE, "sandbox", "node", *args)
    assert result.returncode == code and says in result.stderr


def test_node_commands_on_stopped_stand_ins_say_how_to_start_them() -> None:
    control.stop(PROFILE)
    result = run_cli("--profile", PROFILE, "sandbox", "node", "stop", "echo", "0")
    assert result.returncode == 1
    assert "not running" in result.stderr and f"--profile {PROFILE} sandbox start" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_supervisor_whose_home_is_gone_stops_itself() -> None:
    """Its directory deleted (a test home removed, a profile wiped by hand), nothing could
    reach it to stop it: it must not hold its ports for ever."""
    control.start(PROFILE)
    [supervisor] = supervisors()
    (locations.sandbox_dir(PROFILE) / channel.CONTROL_SOCKET).unlink()
    supervisor.wait(timeout=30)  # psutil.TimeoutExpired fails the test
    assert not supervisors()
    control.stop(PROFILE)  # the state it left behind is cleared as for any dead supervisor
    assert all(entry["url"] is None for key, entry in status().items() if key[0] != "postgres")


def test_after_a_clock_step_the_supervisor_is_still_known_and_stoppable() -> None:
    """A resumed VM or an NTP step moves the start time psutil reports: the supervisor,
    working in its own sandbox, must still be found (not cleared and started twice)."""
    control.start(PROFILE)
    [supervisor] = supervisors()
    pid_file = locations.sandbox_dir(PROFILE) / control.PID_FILE
    claim = json.loads(pid_file.read_text())
    pid_file.write_text(json.dumps({**claim, "create_time": claim["create_time"] - 3600}))
    state_file = locations.sandbox_dir(PROFILE) / "services.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "create_time": state["create_time"] - 3600}))
    assert control.supervisor_pid(PROFILE) == supervisor.pid
    assert all(s["state"] == "running" for s in status().values() if s["name"] != "postgres")
    control.stop(PROFILE)
    supervisor.wait(timeout=30)
