"""Start, inspect and stop a profile's local services: PostgreSQL and the stand-ins."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from console import profiles
from console.profiles import locations
from console.profiles.store import SERVICES_FILE
from console.sandbox.postgres import LocalPostgres, PostgresState
from console.sandbox.registry import stand_ins

PID_FILE = "supervisor.pid"
LOG_FILE = "supervisor.log"
START_TIMEOUT = 60.0


class SandboxError(RuntimeError):
    """The local services could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class ServiceStatus:
    """One local service as ``sandbox status`` reports it."""

    name: str
    state: str
    """``running``, ``stopped`` or ``unreachable``."""
    url: str | None
    pid: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def postgres(profile_name: str) -> LocalPostgres:
    """Return the handle on a profile's embedded PostgreSQL."""
    return LocalPostgres(locations.sandbox_dir(profile_name))


def ensure_postgres(profile_name: str) -> PostgresState:
    """Start the profile's embedded PostgreSQL unless it runs; return its state."""
    return postgres(profile_name).ensure_running()


def _sandbox(profile_name: str) -> Path:
    return locations.sandbox_dir(profile_name)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (our own exited child) is not alive
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def supervisor_pid(profile_name: str) -> int | None:
    """Return the running supervisor's pid, cleaning a stale pid file after a crash."""
    pid_file = _sandbox(profile_name) / PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)
        return None
    if _pid_alive(pid):
        return pid
    pid_file.unlink(missing_ok=True)
    (_sandbox(profile_name) / SERVICES_FILE).unlink(missing_ok=True)
    return None


def _services(profile_name: str) -> dict[str, Any]:
    try:
        return json.loads((_sandbox(profile_name) / SERVICES_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _reachable(url: str) -> bool:
    host, _, port = url.removeprefix("http://").partition(":")
    try:
        with socket.create_connection((host, int(port.split("/")[0])), timeout=0.5):
            return True
    except (OSError, ValueError):
        return False


def status(profile_name: str) -> list[ServiceStatus]:
    """Report PostgreSQL and every stand-in of the profile."""
    pg = postgres(profile_name).state()
    report = [ServiceStatus("postgres", "running" if pg.running else "stopped", pg.uri, pg.pid)]
    pid = supervisor_pid(profile_name)
    running = _services(profile_name).get("stand_ins", {}) if pid else {}
    for stand_in in stand_ins():
        urls = running.get(stand_in.name, {}).get("urls", [])
        if not urls:
            report.append(ServiceStatus(stand_in.name, "stopped", None))
            continue
        for url in urls:
            state = "running" if _reachable(url) else "unreachable"
            report.append(ServiceStatus(stand_in.name, state, url, pid))
    return report


def _ensure_credentials(profile_name: str) -> None:
    profile = profiles.load(profile_name)
    for stand_in in stand_ins():
        for key in stand_in.credentials:
            if not profile.secret(stand_in.section, key):
                profiles.set_secret(profile_name, stand_in.section, key, secrets.token_urlsafe(24))


def start(profile_name: str, options: dict[str, Any] | None = None) -> list[ServiceStatus]:
    """Start whatever is not running yet; starting twice is harmless.

    Raises:
        SandboxError: a service did not come up; the message carries its log.
    """
    ensure_postgres(profile_name)
    if supervisor_pid(profile_name) is None and stand_ins():
        _ensure_credentials(profile_name)
        _spawn_supervisor(profile_name, options or {})
    return status(profile_name)


def _spawn_supervisor(profile_name: str, options: dict[str, Any]) -> None:
    sandbox = _sandbox(profile_name)
    (sandbox / SERVICES_FILE).unlink(missing_ok=True)
    log = (sandbox / LOG_FILE).open("ab")
    command = [
        sys.executable,
        "-m",
        "console.sandbox.supervisor",
        "--profile",
        profile_name,
        "--options",
        json.dumps(options),
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        env={**os.environ, locations.HOME_ENV: str(locations.root_dir())},
    )
    (sandbox / PID_FILE).write_text(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if _services(profile_name).get("pid") == process.pid:
            return
        if process.poll() is not None:
            (sandbox / PID_FILE).unlink(missing_ok=True)
            raise SandboxError(f"the stand-ins exited at start:\n{_log_tail(sandbox / LOG_FILE)}")
        time.sleep(0.05)
    process.terminate()
    raise SandboxError(f"the stand-ins did not start within {START_TIMEOUT:.0f}s")


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(profile_name: str) -> list[ServiceStatus]:
    """Stop the stand-ins and PostgreSQL of the profile."""
    pid = supervisor_pid(profile_name)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        (_sandbox(profile_name) / PID_FILE).unlink(missing_ok=True)
        (_sandbox(profile_name) / SERVICES_FILE).unlink(missing_ok=True)
    postgres(profile_name).stop()
    return status(profile_name)
