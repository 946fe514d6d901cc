"""``fleet-console devices list|show|rename|pin|track|move|deactivate|tag|os-update`` and
device actions.

IDs take any identifier form: numeric id, full uuid or short uuid (7+ hex); ``show``
also takes a device name that one device has; fleets also take an org/name slug or a
short uuid of 5+ hex. Actions on several devices print one line per device and exit 1
unless every one is done; an action the API did not answer in time is "not
confirmed" (the device may still act), not failed. Restart, reboot, shutdown, purge and
deactivate ask first, naming the devices, unless ``--yes``; on a protected profile every
action that changes devices needs ``--confirm NAME``.
"""

from __future__ import annotations

from typing import Any

import click

from console.commands.confirm import confirm_destructive, confirm_option, named
from console.commands.context import handles_errors, with_balena
from console.commands.metadata import add_metadata_commands
from console.commands.output import echo_json, emit
from console.errors import ConsoleError

FORCEABLE = frozenset({"reboot", "shutdown"})
"""Actions whose API request carries ``force`` (the backend checks the same)."""


def os_version(text: str | None) -> tuple[int, ...] | None:
    """``balenaOS 5.3.21`` → ``(5, 3, 21, 0)`` (imported late: the CLI starts fast)."""
    from console.backends.balena import os_version as parse

    return parse(text)


LIST_COLUMNS = [
    "id",
    "short_uuid",
    "name",
    "online",
    "status",
    "release",
    "last_seen",
    "os_version",
]
RESULT_COLUMNS = ["target", "name", "uuid", "status", "message"]
OS_COLUMNS = ["version", "variant", "created_at", "newer"]
ASK_FIRST = frozenset({"restart", "reboot", "shutdown", "purge", "deactivate"})
"""Actions that ask on every profile, naming the devices."""
BULK_CHANGES = ASK_FIRST | {"pin", "track", "move"}
"""Actions a protected profile confirms by name (the rest only blink or tag)."""


def _row(device: Any) -> dict[str, Any]:
    return {
        "id": device.id,
        "short_uuid": device.short_uuid,
        "name": device.name,
        "online": "online" if device.is_online else "offline",
        "status": device.status,
        "release": device.release_label,
        "last_seen": (device.last_seen or "")[:16].replace("T", " "),
        "os_version": device.os_version,
    }


@click.group()
def devices() -> None:
    """Devices: list with a server-side filter, inspect, act on many at once."""


@devices.command("list")
@click.option("--fleet", help="Only this fleet (id, org/name slug, uuid or short uuid).")
@click.option("--filter", "text", metavar="EXPR", help="Filter, as `/` in the Devices pane.")
@click.option("--select", metavar="F1,F2", help="Print these API fields instead.")
@click.option(
    "--sort", default="name", show_default=True, help="name, uuid, online, status, seen, os, id."
)
@click.option("--desc", is_flag=True, help="Sort descending.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_devices(
    ctx: click.Context,
    fleet: str | None,
    text: str | None,
    select: str | None,
    sort: str,
    desc: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List devices; the filter and the sort run on the server."""
    fields = [f.strip() for f in select.split(",") if f.strip()] if select else None
    if select is not None and not fields:
        raise click.BadParameter("name at least one field", param_hint="--select")

    async def fetch(client: Any) -> Any:
        fleet_id = (await client.fleets.get(fleet)).id if fleet else None
        if fields is None:
            return await client.devices.list(
                fleet_id=fleet_id, text=text, sort=sort, descending=desc, top=limit
            )
        return await client.devices.select(
            fields, fleet_id=fleet_id, text=text, sort=sort, descending=desc, top=limit
        )

    result = with_balena(ctx, fetch)
    if fields is not None:
        emit(result, fields, as_json)
    elif as_json:
        echo_json([d.to_json() for d in result.devices])
    else:
        emit([_row(d) for d in result.devices], LIST_COLUMNS, False)
        if result.total > len(result.devices):
            click.echo(f"({len(result.devices)} of {result.total}; use --limit)", err=True)


@devices.command()
@click.argument("identifier", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def show(ctx: click.Context, identifier: str, as_json: bool) -> None:
    """Show one device (by id, uuid, short uuid or unique name) with tags, variables and
    services."""
    import asyncio  # here, not for --help: it is heavier than the rest of this module

    async def gather(client: Any) -> dict[str, Any]:
        device = await client.devices.get(identifier, by_name=True)
        tags, env, config, services = await asyncio.gather(
            client.tags.list("device", device),
            client.variables.list("device", device),
            client.variables.list("device", device, "config"),
            client.devices.services(device.id),
        )
        return {
            **device.to_json(),
            "tags": {t.key: t.value for t in tags},
            "env": {v.name: v.value for v in env},
            "config": {v.name: v.value for v in config},
            "services": [s.__dict__ for s in services],
        }

    data = with_balena(ctx, gather)
    if as_json:
        echo_json(data)
        return
    for key in (
        "id",
        "uuid",
        "name",
        "is_online",
        "status",
        "fleet_slug",
        "device_type",
        "os_version",
        "supervisor_version",
        "ip_address",
        "last_seen",
        "note",
        "tags",
        "env",
        "config",
    ):
        click.echo(f"{key:>18}: {data.get(key)}")
    for service in data["services"]:
        click.echo(f"{'service':>18}: {service['name']} {service['status']} {service['release']}")


def _bulk(
    ctx: click.Context,
    action: str,
    identifiers: tuple[str, ...],
    as_json: bool,
    yes: bool,
    confirm: str | None = None,
    **options: Any,
) -> None:
    async def work(client: Any) -> Any:
        names = await _device_names(client, identifiers) if action in BULK_CHANGES else []
        # a blocking question inside the loop: nothing else runs while the operator reads
        if action in BULK_CHANGES:
            confirm_destructive(ctx, f"{action} {named(names, 'device')}", yes, confirm,
                                protected_only=action not in ASK_FIRST)
        return await client.devices.bulk(action, list(identifiers), **options)

    results = with_balena(ctx, work)
    emit([r.to_json() for r in results], RESULT_COLUMNS, as_json)
    unconfirmed = sum(1 for r in results if r.status == "not confirmed")
    if unconfirmed:
        click.echo(
            f"{unconfirmed} not confirmed: the API got no answer from the device in time; "
            "check before trying again",
            err=True,
        )
    if not all(r.ok for r in results):
        ctx.exit(1)


async def _device_names(client: Any, identifiers: tuple[str, ...]) -> list[str]:
    """``gw-001 (1fb17c2)`` for each identifier; one that does not resolve is shown as given."""
    import asyncio

    async def one(identifier: str) -> str:
        try:
            device = await client.resolve_device(identifier)
        except ConsoleError:
            return f"{identifier} (not found)"
        return f"{device.name} ({device.short_uuid})"

    return list(await asyncio.gather(*(one(i) for i in identifiers)))


def _action(name: str, summary: str) -> None:
    def run(
        ctx: click.Context,
        identifiers: tuple[str, ...],
        yes: bool,
        confirm: str | None,
        as_json: bool,
        force: bool = False,
    ) -> None:
        options = {"force": force} if name in FORCEABLE else {}
        _bulk(ctx, name, identifiers, as_json, yes, confirm, **options)

    command = handles_errors(run)
    command = click.pass_context(command)
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)
    command = confirm_option(command)
    command = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")(
        command
    )
    if name in FORCEABLE:  # the API has no force for restart, purge or blink
        command = click.option("--force", is_flag=True, help="Override the update lock.")(command)
    command = click.argument("identifiers", nargs=-1, required=True, metavar="ID...")(command)
    devices.command(name, help=summary)(command)


for _name, _summary in (
    ("restart", "Restart the services of devices."),
    ("reboot", "Reboot devices (--force overrides the update lock)."),
    ("blink", "Blink the identification LED of devices."),
    ("shutdown", "Shut devices down (--force overrides the update lock)."),
    ("purge", "Purge the /data volume of devices."),
):
    _action(_name, _summary)


@devices.command()
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option(
    "--release", required=True, help="Commit (or prefix) or version of a successful release."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@confirm_option
@click.pass_context
@handles_errors
def pin(ctx: click.Context, identifiers: tuple[str, ...], release: str, as_json: bool,
        confirm: str | None) -> None:
    """Pin devices to a release of their fleet."""
    _bulk(ctx, "pin", identifiers, as_json, True, confirm, release=release)


@devices.command()
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@confirm_option
@click.pass_context
@handles_errors
def track(ctx: click.Context, identifiers: tuple[str, ...], as_json: bool,
          confirm: str | None) -> None:
    """Unpin devices: they follow their fleet's release again."""
    _bulk(ctx, "track", identifiers, as_json, True, confirm)


@devices.command()
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option(
    "--fleet", required=True, help="Target fleet (id, org/name slug, uuid or short uuid)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@confirm_option
@click.pass_context
@handles_errors
def move(ctx: click.Context, identifiers: tuple[str, ...], fleet: str, as_json: bool,
         confirm: str | None) -> None:
    """Move devices to another fleet of a compatible CPU architecture (as the SDK rules:
    aarch64 also runs armv7hf and rpi fleets, armv7hf rpi ones); the pin is cleared."""
    _bulk(ctx, "move", identifiers, as_json, True, confirm, fleet=fleet)


@devices.command()
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@confirm_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def deactivate(ctx: click.Context, identifiers: tuple[str, ...], yes: bool,
               confirm: str | None, as_json: bool) -> None:
    """Deactivate devices (balenaCloud)."""
    _bulk(ctx, "deactivate", identifiers, as_json, yes, confirm)


@devices.command()
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option("--key", required=True, help="Tag key.")
@click.option("--value", default="", help="Tag value.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def tag(
    ctx: click.Context, identifiers: tuple[str, ...], key: str, value: str, as_json: bool
) -> None:
    """Set a tag on devices."""
    _bulk(ctx, "tag", identifiers, as_json, True, key=key, value=value)


@devices.command()
@click.argument("identifier", metavar="ID")
@click.argument("name")
@click.pass_context
@handles_errors
def rename(ctx: click.Context, identifier: str, name: str) -> None:
    """Rename a device."""
    device = with_balena(ctx, lambda c: c.devices.rename(identifier, name))
    click.echo(f"{device.short_uuid} is now {device.name}")


@devices.command("os-update")
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option("--version", "target", required=True, help="The balenaOS version, e.g. 6.1.4.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def os_update(
    ctx: click.Context, identifiers: tuple[str, ...], target: str, yes: bool, as_json: bool
) -> None:
    """Start a host OS update; the version must be a newer one the device type offers."""
    if not yes:
        click.confirm(
            f"Update the host OS of {len(identifiers)} device(s) to {target}? They reboot.",
            abort=True,
            err=True,
        )
    _bulk(ctx, "os-update", identifiers, as_json, True, version=target)


@devices.command("os-versions")
@click.argument("identifier", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def os_versions(ctx: click.Context, identifier: str, as_json: bool) -> None:
    """List the balenaOS versions a device's type offers, newest first."""

    async def gather(client: Any) -> list[dict[str, Any]]:
        device = await client.devices.get(identifier, by_name=True)
        running = os_version(device.os_version) or ()
        found = await client.host_os.versions(device.device_type or "")
        return [
            {**r.to_json(), "newer": (os_version(r.raw_version) or ()) > running} for r in found
        ]

    emit(with_balena(ctx, gather), OS_COLUMNS, as_json)


add_metadata_commands(devices, "device", "ID")
