"""The tag and variable commands fleets and devices share.

``untag``, ``vars`` (environment, config and service variables), ``set-var`` and
``unset-var`` (``--config`` for ``BALENA_*``, ``--service NAME`` for one service's).
Both groups speak the same backend calls, differing only in the owner they name.
"""

from __future__ import annotations

from typing import Any, Literal

import click

from console.commands.context import handles_errors, with_balena
from console.commands.output import emit

Owner = Literal["fleet", "device"]

_CONFIG = click.option(
    "--config", "is_config", is_flag=True, help="A BALENA_* configuration variable."
)
_SERVICE = click.option("--service", metavar="NAME", help="A variable of this service only.")
VAR_COLUMNS = ["kind", "service", "name", "value"]


def _kind(is_config: bool, service: str | None) -> str:
    if is_config and service:
        raise click.UsageError("a variable is --config or of a --service, not both")
    return "config" if is_config else "env"


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

    @group.command("vars", help=f"List a {owner}'s environment, config and service variables.")
    @click.argument("identifier", metavar=metavar)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    @handles_errors
    def list_vars(ctx: click.Context, identifier: str, as_json: bool) -> None:
        async def gather(client: Any) -> list[dict[str, Any]]:
            target = await (client.fleets if owner == "fleet" else client.devices).get(identifier)
            env = await client.variables.list(owner, target)
            config = await client.variables.list(owner, target, "config")
            services = await client.service_variables.list(owner, target)
            rows = [
                {"kind": v.kind, "service": "", "name": v.name, "value": v.value}
                for v in env + config
            ]
            return rows + [{"kind": "service", **v.to_json()} for v in services]

        emit(with_balena(ctx, gather), VAR_COLUMNS, as_json)

    @group.command("set-var", help=f"Set a {owner} environment, config or service variable.")
    @click.argument("identifier", metavar=metavar)
    @click.argument("name")
    @click.argument("value")
    @_CONFIG
    @_SERVICE
    @click.pass_context
    @handles_errors
    def set_var(
        ctx: click.Context,
        identifier: str,
        name: str,
        value: str,
        is_config: bool,
        service: str | None,
    ) -> None:
        kind = _kind(is_config, service)
        if service:
            with_balena(
                ctx, lambda c: c.service_variables.set(owner, identifier, service, name, value)
            )
            click.echo(f"service variable {name} of {service} set")
            return
        with_balena(ctx, lambda c: c.variables.set(owner, identifier, name, value, kind))
        click.echo(f"{kind} variable {name} set")

    @group.command("unset-var", help=f"Remove a {owner} environment, config or service variable.")
    @click.argument("identifier", metavar=metavar)
    @click.argument("name")
    @_CONFIG
    @_SERVICE
    @click.pass_context
    @handles_errors
    def unset_var(
        ctx: click.Context, identifier: str, name: str, is_config: bool, service: str | None
    ) -> None:
        kind = _kind(is_config, service)
        if service:
            with_balena(ctx, lambda c: c.service_variables.remove(owner, identifier, service, name))
            click.echo(f"service variable {name} of {service} removed")
            return
        with_balena(ctx, lambda c: c.variables.remove(owner, identifier, name, kind))
        click.echo(f"{kind} variable {name} removed")
