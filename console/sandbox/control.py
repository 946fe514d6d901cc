"""Start, inspect and stop a profile's local services: PostgreSQL and the stand-ins.

Starting and stopping hold the profile's ``control.lock``, so two at once take
turns and leave one supervisor and a good state file. Stopping signals only a
process proven to be the profile's supervisor (``ownership.py``). One node of a
stand-in is stopped and started through the supervisor's control channel.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from console import profiles
from console.profiles import locations
from console.profiles.store import SERVICES_FILE
from console.sandbox import channel, lock, ownership
from console.sandbox.postgres import LocalPostgres, PostgresState
from console.sandbox.registry import stand_ins

PID_FILE = "supervisor.pid"
LOG_FILE = "supervisor.log"
LOCK_FILE = "control.lock"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class SandboxError(RuntimeError):
    """The local services could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class ServiceStatus:
    """One local service (one node of it, for a cluster) as ``sandbox status`` reports it."""

    name: str
    state: str
    """``running``, ``stopped`` or ``unreachable``."""
    url: str | None
    pid: int | None = None
    node: int | None = None
    """The node's index within its stand-in (``sandbox node stop NAME INDEX``)."""

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


@contextmanager
def _locked(profile_name: str) -> Iterator[None]:
    try:
        with lock.held(_sandbox(profile_name) / LOCK_FILE, timeout=START_TIMEOUT + 30):
            yield
    except TimeoutError as exc:
        raise SandboxError(
            f"another start or stop of profile '{profile_name}''s local services is still "
            "running; try again when it has finished"
        ) from exc


def supervisor(profile_name: str) -> psutil.Process | None:
    """Return the profile's running supervisor, proven by psutil, or None.

    A pid file that names no supervisor of this profile (it crashed, and maybe
    another process has its pid now) is removed with the state file, and that
    process is left alone.
    """
    sandbox = _sandbox(profile_name)
    claim = ownership.read_claim(sandbox / PID_FILE)
    process = ownership.proven(claim, profile_name) if claim is not None else None
    if process is None:
        (sandbox / PID_FILE).unlink(missing_ok=True)
        (sandbox / SERVICES_FILE).unlink(missing_ok=True)
    return process


def supervisor_pid(profile_name: str) -> int | None:
    """Return the running supervisor's pid (see ``supervisor``)."""
    process = supervisor(profile_name)
    return process.pid if process is not None else None


def _services(profile_name: str) -> dict[str, Any]:
    try:
        data = json.loads((_sandbox(profile_name) / SERVICES_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _reachable(url: str) -> bool:
    host, _, port = url.removeprefix("http://").partition(":")
    try:
        with socket.create_connection((host, int(port.split("/")[0])), timeout=0.5):
            return True
    except (OSError, ValueError):
        return False


def _embedded_postgres(profile_name: str) -> bool:
    settings = profiles.load(profile_name).settings.postgres
    return settings is not None and settings.embedded


def status(profile_name: str) -> list[ServiceStatus]:
    """Report the profile's local services: its embedded PostgreSQL (when it has one)
    and every node of every stand-in, running or not."""
    report = []
    pg = postgres(profile_name).state()
    if pg.running or _embedded_postgres(profile_name):
        state = "running" if pg.running else "stopped"
        report.append(ServiceStatus("postgres", state, pg.uri, pg.pid))
    process = supervisor(profile_name)
    nodes = _nodes(profile_name) if process is not None else []
    for stand_in in stand_ins():
        mine = [n for n in nodes if n.get("name") == stand_in.name]
        if not mine:
            report.append(ServiceStatus(stand_in.name, "stopped", None))
        for node in mine:
            state = node["state"]
            if state == "running" and not _reachable(node["url"]):
                state = "unreachable"
            report.append(ServiceStatus(stand_in.name, state, node["url"],
                                        process.pid if process else None, node["node"]))
    return report


def _nodes(profile_name: str) -> list[dict[str, Any]]:
    """Every node as the supervisor reports it; from the state file if it does not answer."""
    try:
        return list(_ask(profile_name, {"op": "nodes"})["nodes"])
    except SandboxError:
        pass
    found = []
    for name, entry in _services(profile_name).get("stand_ins", {}).items():
        for index, url in enumerate(entry.get("urls", [])):
            found.append({"name": name, "node": index, "url": url, "state": "running"})
    return found


def _not_running(profile_name: str) -> SandboxError:
    return SandboxError(
        f"the stand-ins of profile '{profile_name}' are not running (start them with "
        f"`fleet-console --profile {profile_name} sandbox start`)"
    )


def _ask(profile_name: str, message: dict[str, Any]) -> dict[str, Any]:
    try:
        reply = channel.request(_sandbox(profile_name) / channel.CONTROL_SOCKET, message)
    except (OSError, ValueError) as exc:
        raise _not_running(profile_name) from exc
    if not reply.get("ok"):
        raise SandboxError(str(reply.get("error") or "the supervisor refused the request"))
    return reply


def node(profile_name: str, name: str, index: int, action: str) -> list[ServiceStatus]:
    """Stop or start one node of a running stand-in (``action``: ``stop`` or ``start``).

    A stopped node closes its port and drops its connections; started again, it
    listens on the same port.

    Raises:
        SandboxError: the stand-ins are not running, no such node, or its port is taken.
    """
    if supervisor(profile_name) is None:
        raise _not_running(profile_name)
    _ask(profile_name, {"op": action, "name": name, "index": index})
    return [s for s in status(profile_name) if s.name == name]


def _ensure_credentials(profile_name: str) -> None:
    profile = profiles.load(profile_name)
    for stand_in in stand_ins():
        for key in stand_in.credentials:
            if not profile.secret(stand_in.section, key):
                profiles.set_secret(profile_name, stand_in.section, key, secrets.token_urlsafe(24))


def start(
    profile_name: str, options: dict[str, Any] | None = None, *, with_postgres: bool | None = None
) -> list[ServiceStatus]:
    """Start whatever is not running yet; starting twice (even at once) is harmless.

    Args:
        profile_name: The sandbox profile.
        options: Stand-in options (``devices``, ``jobs``, ``log_rate``…).
        with_postgres: Start the embedded PostgreSQL too; by default when the
            profile's ``[postgres]`` section is embedded.

    Raises:
        SandboxError: a service did not come up; the message carries its log.
        PostgresStartFailed: the embedded PostgreSQL did not start.
    """
    if with_postgres is None:
        with_postgres = _embedded_postgres(profile_name)
    with _locked(profile_name):
        if with_postgres:
            ensure_postgres(profile_name)
        if stand_ins() and supervisor(profile_name) is None:
            _ensure_credentials(profile_name)
            _spawn_supervisor(profile_name, options or {})
    return status(profile_name)


def _spawn_supervisor(profile_name: str, options: dict[str, Any]) -> None:
    sandbox = _sandbox(profile_name)
    (sandbox / SERVICES_FILE).unlink(missing_ok=True)
    command = [sys.executable, "-m", ownership.SUPERVISOR_MODULE, "--profile", profile_name,
               "--options", json.dumps(options)]
    with (sandbox / LOG_FILE).open("ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            env={**os.environ, locations.HOME_ENV: str(locations.root_dir())},
        )
    with suppress(psutil.NoSuchProcess):  # it exited at once: the wait reports its log
        ownership.write_claim(sandbox / PID_FILE, process.pid)
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


def stop(profile_name: str, *, with_postgres: bool = True) -> list[ServiceStatus]:
    """Stop the stand-ins and (unless told not to) PostgreSQL of the profile.

    Only processes proven to be the profile's own are signalled: a pid file naming
    any other process is removed and that process left alone.
    """
    with _locked(profile_name):
        process = supervisor(profile_name)
        if process is not None:
            _terminate(process)
        (_sandbox(profile_name) / PID_FILE).unlink(missing_ok=True)
        (_sandbox(profile_name) / SERVICES_FILE).unlink(missing_ok=True)
        if with_postgres:
            postgres(profile_name).stop()
    return status(profile_name)


def _terminate(process: psutil.Process) -> None:
    """SIGTERM (the supervisor removes its state file), then SIGKILL if it lingers.

    Raises:
        SandboxError: this user may not signal it, or it would not die.
    """
    try:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except psutil.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)
    except psutil.NoSuchProcess:
        pass
    except psutil.Error as exc:
        raise SandboxError(f"cannot stop the supervisor (pid {process.pid}): {exc}") from exc
