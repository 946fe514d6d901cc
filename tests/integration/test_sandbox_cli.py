"""`fleet-console sandbox start|status|stop` for a profile of its own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console import profiles
from console.profiles import ProfileSettings, locations
from console.sandbox import control

PROFILE = "sbx-cli"


@pytest.fixture(scope="module")
def sandbox_profile():
    profiles.add(PROFILE, ProfileSettings(sandbox=True, postgres={"embedded": True}))
    yield PROFILE
    control.stop(PROFILE)


def _status(cli) -> dict[str, dict]:
    result = cli("--profile", PROFILE, "sandbox", "status", "--json")
    assert result.returncode == 0, result.stderr
    return {s["name"]: s for s in json.loads(result.stdout)}


def test_start_twice_is_harmless_and_status_lists_services(cli, sandbox_profile) -> None:
    first = cli("--profile", PROFILE, "sandbox", "start", "--json")
    assert first.returncode == 0, first.stderr
    pid = _status(cli)["postgres"]["pid"]
    second = cli("--profile", PROFILE, "sandbox", "start", "--json")
    assert second.returncode == 0, second.stderr
    status = _status(cli)
    assert status["postgres"]["state"] == "running"
    assert status["postgres"]["pid"] == pid
    assert status["postgres"]["url"].startswith("postgresql://")
    for name, entry in status.items():
        assert entry["state"] == "running", name


def test_stale_supervisor_pid_is_cleaned(cli, sandbox_profile) -> None:
    """A supervisor killed hard leaves its pid file; status cleans it, start recovers."""
    cli("--profile", PROFILE, "sandbox", "start")
    if control.supervisor_pid(PROFILE) is None:
        pytest.skip("no stand-ins registered yet: nothing supervises")
    sandbox = locations.sandbox_dir(PROFILE)
    crashed = json.loads((sandbox / control.PID_FILE).read_text())["pid"]
    os.kill(crashed, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{crashed}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert control.supervisor_pid(PROFILE) is None
    assert not (sandbox / control.PID_FILE).exists()
    assert not (sandbox / "services.json").exists()
    assert cli("--profile", PROFILE, "sandbox", "start").returncode == 0
    assert control.supervisor_pid(PROFILE) not in (None, crashed)
    assert all(s["state"] == "running" for s in _status(cli).values())


def test_stale_postmaster_pid_after_crash_is_cleaned(sandbox_profile) -> None:
    """A crash leaves postmaster.pid naming a dead process; the next start cleans it."""
    pg = control.postgres(PROFILE)
    pg.ensure_running()
    lines = (pg.pgdata / "postmaster.pid").read_text().splitlines()
    pg.stop()
    (pg.pgdata / "postmaster.pid").write_text("\n".join(["999999", *lines[1:]]) + "\n")
    assert not pg.state().running
    state = pg.ensure_running()
    assert state.running and state.pid != 999999


def test_a_clock_step_does_not_make_the_running_server_look_stale(sandbox_profile) -> None:
    """postmaster.pid's start time (line 3) an hour off, as after a resumed VM or an NTP
    step: the server still runs, and starting again keeps it (removing its pid file would
    make PostgreSQL shut itself down)."""
    pg = control.postgres(PROFILE)
    running = pg.ensure_running()
    pid_file = pg.pgdata / "postmaster.pid"
    lines = pid_file.read_text().splitlines()
    pid_file.write_text("\n".join([*lines[:2], str(int(lines[2]) - 3600), *lines[3:]]) + "\n")
    assert pg.state().running
    assert pg.ensure_running().pid == running.pid and pid_file.exists()


def test_stop_stops_everything(cli, sandbox_profile) -> None:
    cli("--profile", PROFILE, "sandbox", "start")
    assert cli("--profile", PROFILE, "sandbox", "stop").returncode == 0
    assert all(s["state"] == "stopped" for s in _status(cli).values())


def test_profile_without_local_services_is_refused(cli) -> None:
    profiles.add("sbx-remote", ProfileSettings())
    result = cli("--profile", "sbx-remote", "sandbox", "start")
    assert result.returncode == 1
    assert "no local services" in result.stderr


def test_restart_in_the_same_process(sandbox_profile) -> None:
    """A console that saw its server stopped can start it again without restarting itself."""
    pg = control.postgres(PROFILE)
    first = pg.ensure_running()
    pg.stop()
    assert not pg.state().running
    second = pg.ensure_running()
    assert second.running and second.pid != first.pid


def test_postmaster_pid_naming_another_live_process_is_never_signalled(sandbox_profile) -> None:
    """After a crash the postmaster's pid may belong to any process: it is left alone."""
    pg = control.postgres(PROFILE)
    pg.ensure_running()
    lines = (pg.pgdata / "postmaster.pid").read_text().splitlines()
    pg.stop()
    innocent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        (pg.pgdata / "postmaster.pid").write_text("\n".join([str(innocent.pid), *lines[1:]]) + "\n")
        assert not pg.state().running
        assert pg.stop() is False
        assert innocent.poll() is None  # not signalled
        state = pg.ensure_running()  # the stale file is cleared and a real server starts
        assert state.running and state.pid != innocent.pid
        assert innocent.poll() is None
    finally:
        innocent.kill()
        innocent.wait()
