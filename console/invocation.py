"""The command the operator typed, so that hints name it: `./run sandbox start` or
`fleet-console sandbox start`, whichever started this process.

The checkout's ``run`` script exports ``FLEET_CONSOLE_INVOKED_AS`` (its own path as typed)
before it starts the console; an installed ``fleet-console`` leaves it unset. Messages
are written with `` `fleet-console …` `` in backticks wherever they are made (backends,
profiles, the sandbox know nothing of how they were started); ``as_typed`` rewrites them
where they are shown: a CLI error, a notification, a pane's status line.
"""

from __future__ import annotations

import os
import re

ENV = "FLEET_CONSOLE_INVOKED_AS"
DEFAULT = "fleet-console"
_QUOTED = re.compile(r"`fleet-console(?=[\s`])")
"""The program's name at the start of a command quoted in a message."""


def program() -> str:
    """What the operator typed to start the console (``./run``), else ``fleet-console``."""
    return os.environ.get(ENV, "").strip() or DEFAULT


def command(args: str) -> str:
    """``args`` as the operator would type them: ``./run sandbox start``."""
    return f"{program()} {args}"


def as_typed(text: str) -> str:
    """Rewrite the commands quoted in ``text`` to start the way the operator started this one."""
    typed = program()
    if typed == DEFAULT:
        return text
    return _QUOTED.sub(lambda _: f"`{typed}", text)
