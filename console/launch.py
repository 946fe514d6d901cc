"""``fleet-console``: open the console at once, or hand the arguments to ``console.cli``.

Without arguments there is nothing to parse, so the command-line parser (click, a
tenth of what the console imports before its first frame) is not imported: the
profile and the theme come from the environment variables the options read.
"""

from __future__ import annotations

import os
import sys
from typing import Any

THEME_ENV = "FLEET_CONSOLE_THEME"
"""Names the theme for this run, as ``--theme`` does."""


def main(argv: list[str] | None = None) -> Any:
    """Run ``fleet-console``: the console without arguments, a subcommand otherwise."""
    if (sys.argv[1:] if argv is None else argv):
        from console.cli import main as cli_main

        return cli_main(argv)
    return open_console()


def open_console() -> None:
    """Open the console on the chosen profile, as ``fleet-console`` without a command does.

    Exits 1 with the message of a ``ConsoleError`` (an unknown or unreadable profile).
    """
    from console.errors import ConsoleError

    try:
        from console import profiles
        from console.ui.app import run_app

        # the default is $FLEET_CONSOLE_PROFILE when set: the variable --profile reads
        profile = profiles.load(profiles.default_name())
        run_app(profile, theme=os.environ.get(THEME_ENV) or None)
    except ConsoleError as exc:
        from console.commands.context import fail

        fail(exc)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
