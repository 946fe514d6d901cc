"""``fleet-console fleets list|show|create|rename|remove|pin|track|releases|tag|untag|vars|
set-var|unset-var``."""

from __future__ import annotations

from typing import Any

import click

from console.commands.context import handles_errors, with_balena
from console.commands.metadata import add_metadata_commands
from console.commands.output import echo_json, emit

FLEET_COLUMNS = ["id", "slug", "fleet_class", "device_type", "device_count", "online_count"]
RELEASE_COLUMNS = ["id", "commit", "raw_version", "status", "created_at"]


@click.group()
def fleets() -> None:
    """Fleets (balena applications): list, inspect, create, tags and variables."""


@fleets.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_fleets(ctx: click.Context, as_json: bool) -> None:
    """List fleets with their device and online counts."""
    found = with_balena(ctx, lambda c: c.fleets.list())
    emit([f.to_json() for f in found], FLEET_COLUMNS, as_json)


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def show(ctx: click.Context, fleet: str, as_json: bool) -> None:
    """Show one fleet (id, org/name slug, uuid or short uuid) with tags and variables."""
    import asyncio  # here, not for --help: it is heavier than the rest of this module

    async def gather(client: Any) -> dict[str, Any]:
        found = await client.fleets.get_with_counts(fleet)
        tags, env, config = await asyncio.gather(
            client.tags.list("fleet", found),
            client.variables.list("fleet", found),
            client.variables.list("fleet", found, "config"),
        )
        return {
            **found.to_json(),
            "tags": {t.key: t.value for t in tags},
            "env": {v.name: v.value for v in env},
            "config": {v.name: v.value for v in config},
        }

    data = with_balena(ctx, gather)
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key:>14}: {value}")


@fleets.command()
@click.argument("name")
@click.option("--type", "device_type", required=True, help="Device type slug or alias.")
@click.option("--org", "organization", required=True, help="Organization handle or id.")
@click.option(
    "--class",
    "fleet_class",
    type=click.Choice(["fleet", "app", "block"]),
    default="fleet",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def create(
    ctx: click.Context,
    name: str,
    device_type: str,
    organization: str,
    fleet_class: str,
    as_json: bool,
) -> None:
    """Create a fleet, app or block."""
    made = with_balena(ctx, lambda c: c.fleets.create(name, device_type, organization, fleet_class))
    emit([made.to_json()], FLEET_COLUMNS, as_json)


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def rename(ctx: click.Context, fleet: str, name: str, as_json: bool) -> None:
    """Rename a fleet (its slug becomes org/NAME)."""
    renamed = with_balena(ctx, lambda c: c.fleets.rename(fleet, name))
    if as_json:
        echo_json(renamed.to_json())
    else:
        click.echo(f"fleet {renamed.id} is now {renamed.slug}")


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.option("--confirm", "typed", metavar="NAME", help="The fleet's name, to skip the prompt.")
@click.pass_context
@handles_errors
def remove(ctx: click.Context, fleet: str, typed: str | None) -> None:
    """Delete a fleet with its devices and releases; asks for the fleet's name to be typed."""

    async def work(client: Any) -> Any:
        found = await client.fleets.get_with_counts(fleet)
        answer = typed
        if answer is None:
            click.echo(
                f"Fleet {found.slug} has {found.device_count or 0} device(s): removing it "
                "deletes them and every release.",
                err=True,
            )
            answer = click.prompt(f"Type the fleet's name ({found.name}) to remove it", err=True)
        if answer.strip() != found.name:
            raise click.ClickException(f"'{answer}' is not {found.name}; nothing was removed")
        return await client.fleets.remove(found.id)

    gone = with_balena(ctx, work)
    click.echo(f"fleet {gone.slug} removed ({gone.device_count or 0} device(s) with it)")


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.option("--release", required=True, help="Commit (or prefix) or version to run.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def pin(ctx: click.Context, fleet: str, release: str, as_json: bool) -> None:
    """Pin a fleet to one release (it stops tracking the latest)."""
    pinned = with_balena(ctx, lambda c: c.fleets.pin(fleet, release))
    if as_json:
        echo_json(pinned.to_json())
    else:
        click.echo(f"{pinned.slug} runs release {pinned.target_release_id}, not the latest")


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def track(ctx: click.Context, fleet: str, as_json: bool) -> None:
    """Make a fleet track its latest final release again."""
    tracking = with_balena(ctx, lambda c: c.fleets.track_latest(fleet))
    if as_json:
        echo_json(tracking.to_json())
    else:
        click.echo(f"{tracking.slug} tracks the latest release ({tracking.target_release_id})")


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def releases(ctx: click.Context, fleet: str, as_json: bool) -> None:
    """List a fleet's releases, newest first."""
    found = with_balena(ctx, lambda c: c.fleets.releases(fleet))
    emit([r.to_json() for r in found], RELEASE_COLUMNS, as_json)


@fleets.command()
@click.argument("fleet", metavar="FLEET")
@click.argument("key")
@click.argument("value", default="")
@click.pass_context
@handles_errors
def tag(ctx: click.Context, fleet: str, key: str, value: str) -> None:
    """Set a fleet tag (created or updated)."""
    with_balena(ctx, lambda c: c.tags.set("fleet", fleet, key, value))
    click.echo(f"tag {key} set")


add_metadata_commands(fleets, "fleet", "FLEET")
