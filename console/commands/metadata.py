"""The tag and variable commands fleets and devices share (``untag``, ``set-var``, ``unset-var``).

Both groups speak the same backend calls, differing only in the owner they name.
"""

from __future__ import annotations

from typing import Literal

import click

from console.commands.context import handles_errors, with_balena

Owner = Literal["fleet", "device"]

_CONFIG = click.option(
    "--config", "is_config", is_flag=True, help="A BALENA_* configuration variable."
)


def add_metadata_commands(group: click.Group, owner: Owner, metavar: str) -> None:
    """Register ``untag``, ``set-var`` and ``unset-var`` for ``owner`` on ``group``."""

    @group.command("untag", help=f"Remove a {owner} tag.")
    @click.argument("identifier", metavar=metavar)
    @click.argument("key")
    @click.pass_context
    @handles_errors
    def untag(ctx: click.Context, identifier: str, key: str) -> None:
        with_balena(ctx, lambda c: c.tags.remove(owner, identifier, key))
        click.echo(f"tag {key} removed")

    @group.command("set-var", help=f"Set a {owner} environment (or config) variable.")
    @click.argument("identifier", metavar=metavar)
    @click.argument("name")
    @click.argument("value")
    @_CONFIG
    @click.pass_context
    @handles_errors
    def set_var(
        ctx: click.Context, identifier: str, name: str, value: str, is_config: bool
    ) -> None:
        kind = "config" if is_config else "env"
        with_balena(ctx, lambda c: c.variables.set(owner, identifier, name, value, kind))
        click.echo(f"{kind} variable {name} set")

    @group.command("unset-var", help=f"Remove a {owner} environment (or config) variable.")
    @click.argument("identifier", metavar=metavar)
    @click.argument("name")
    @_CONFIG
    @click.pass_context
    @handles_errors
    def unset_var(ctx: click.Context, identifier: str, name: str, is_config: bool) -> None:
        kind = "config" if is_config else "env"
        with_balena(ctx, lambda c: c.variables.remove(owner, identifier, name, kind))
        click.echo(f"{kind} variable {name} removed")
