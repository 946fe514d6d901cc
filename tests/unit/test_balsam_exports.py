"""The Balsam client's public names, and the layers it and its stand-in stay out of."""

from __future__ import annotations

import subprocess
import sys

import console.backends.balsam as balsam


def test_all_is_unique_and_importable() -> None:
    assert len(set(balsam.__all__)) == len(balsam.__all__)
    assert all(hasattr(balsam, name) for name in balsam.__all__)


def test_get_errors_belong_to_the_error_tree() -> None:
    from console.errors import Conflict, NotFound

    assert issubclass(balsam.DoesNotExist, NotFound)
    assert issubclass(balsam.MultipleObjectsReturned, Conflict)


def test_client_imports_no_tui_and_stand_in_no_client() -> None:
    code = (
        "import sys, console.backends.balsam\n"
        # (rich may be there: httpx imports it for its own command-line tool)
        "print('textual' in sys.modules)\n"
        "for m in [m for m in sys.modules if m.startswith('console.backends')]:\n"
        "    del sys.modules[m]\n"
        "import console.sandbox.balsam\n"
        "print(any(m.startswith('console.backends.balsam') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
