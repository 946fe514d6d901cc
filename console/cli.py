"""The ``fleet-console`` entry point: the TUI by default, scripting subcommands otherwise.

Subcommands live in ``console/commands/`` and are imported only when named,
so ``fleet-console sql`` does not pay for importing Textual; ``fleet-console``
without arguments opens the console from ``console.launch`` without importing
this module (nor click). Exit codes: 0 on success, 1 when a service failed, 2 on
bad usage.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from console import __version__
from console.commands.context import CliContext, fail
from console.launch import THEME_ENV

COMMANDS: dict[str, str] = {
    "profiles": "console.commands.profiles:profiles",
    "sandbox": "console.commands.sandbox:sandbox",
    "db": "console.commands.db:db",
    "sql": "console.commands.sql:sql",
    "logs": "console.commands.logs:logs",
    "jobs": "console.commands.jobs:jobs",
    "sites": "console.commands.jobs:sites",
    "apps": "console.commands.apps:apps",
    "batch-jobs": "console.commands.batch_jobs:batch_jobs",
    "transfers": "console.commands.transfers:transfers",
    "fleets": "console.commands.fleets:fleets",
    "devices": "console.commands.devices:devices",
    "blobs": "console.commands.blobs:blobs",
    "crate": "console.commands.crate:crate",
    "audit": "console.commands.audit:audit",
    "import": "console.commands.imports:import_command",
    "export": "console.commands.export:export",
    "data-jobs": "console.commands.data_jobs:data_jobs",
    "roles": "console.commands.roles:roles",
    "cache": "console.commands.cache:cache",
    "diff": "console.commands.diff:diff",
}
"""Subcommand name → ``module:attribute`` of its click command."""


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


def complete_profile(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Profile names for the shell's completion (``_FLEET_CONSOLE_COMPLETE``)."""
    from console.profiles.store import names

    return [name for name in names() if name.startswith(incomplete)]


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.option(
    "--profile",
    "-p",
    "profile_name",
    metavar="NAME",
    envvar="FLEET_CONSOLE_PROFILE",
    shell_complete=complete_profile,
    help="Profile (environment) to use; defaults to the one set by `profiles use`.",
)
@click.option(
    "--theme",
    metavar="NAME",
    envvar=THEME_ENV,
    help="Theme of the console for this run (fleet-dark, fleet-light, fleet-contrast, "
    "fleet-solarized, or any in the palette's Theme list); a theme picked in the console "
    "is remembered by the profile.",
)
@click.version_option(__version__, prog_name="fleet-console")
@click.pass_context
def cli(ctx: click.Context, profile_name: str | None, theme: str | None) -> None:
    """Fleet Console: fleets, devices, jobs, databases, caches and blobs in one terminal.

    Run without a command to open the console.
    """
    ctx.obj = CliContext(profile_name)
    if ctx.invoked_subcommand is None:
        profile = ctx.obj.profile()
        from console.ui.app import run_app

        run_app(profile, theme=theme)


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI, turning every ``ConsoleError`` into a message and exit code 1."""
    from console.errors import ConsoleError

    try:
        return cli.main(args=argv, prog_name="fleet-console", standalone_mode=True)
    except ConsoleError as exc:  # raised outside a command's own handling
        fail(exc)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
