"""``fleet-console db list|create|rename|drop``: the profile's PostgreSQL databases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from console.commands.confirm import confirm_destructive, confirm_option
from console.commands.context import current, handles_errors
from console.commands.output import emit
from console.errors import Conflict

if TYPE_CHECKING:  # psycopg2 is imported when a command reaches the server, not for --help
    from console.backends.postgres import PostgresClient

COLUMNS = ["name", "owner", "size_bytes", "encoding"]


def _client(ctx: click.Context) -> PostgresClient:
    return current(ctx).clients().postgres()


@click.group()
def db() -> None:
    """List, create, rename and drop databases."""


@db.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_databases(ctx: click.Context, as_json: bool) -> None:
    """List databases with owner, size in bytes and encoding."""
    client = _client(ctx)
    try:
        databases = client.list_databases()
    finally:
        client.close()
    rows = [{"name": d.name, "owner": d.owner, "size_bytes": d.size_bytes,
             "encoding": d.encoding, "allow_connections": d.allow_connections}
            for d in databases]
    emit(rows, COLUMNS + (["allow_connections"] if as_json else []), as_json)


@db.command()
@click.argument("name")
@click.option("--owner", metavar="ROLE", help="Role to own the new database.")
@click.pass_context
@handles_errors
def create(ctx: click.Context, name: str, owner: str | None) -> None:
    """Create database NAME."""
    client = _client(ctx)
    try:
        client.create_database(name, owner=owner)
    finally:
        client.close()
    click.echo(f'Created database "{name}".')


@db.command()
@click.argument("old")
@click.argument("new")
@click.pass_context
@handles_errors
def rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename database OLD to NEW (nobody may be connected to it)."""
    client = _client(ctx)
    try:
        client.rename_database(old, new)
    finally:
        client.close()
    click.echo(f'Renamed database "{old}" to "{new}".')


@db.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Disconnect its sessions first (WITH (FORCE)).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@confirm_option
@click.pass_context
@handles_errors
def drop(ctx: click.Context, name: str, force: bool, yes: bool, confirm: str | None) -> None:
    """Drop database NAME and everything in it; asks first unless --yes (--confirm PROFILE
    on a protected profile)."""
    client = _client(ctx)
    try:
        what = _described(client, name, force)
        if what is not None:  # else the server says it does not exist
            confirm_destructive(ctx, what, yes, confirm)
        try:
            client.drop_database(name, force=force)
        except Conflict as exc:
            if "in use" not in exc.message or force:
                raise
            raise Conflict(f"{exc.message} (--force disconnects them first)",
                           operation=exc.operation, profile=exc.profile) from exc
    finally:
        client.close()
    click.echo(f'Dropped database "{name}".')


def _described(client: PostgresClient, name: str, force: bool) -> str | None:
    """``drop database "app" (8,192 bytes), disconnecting 2 session(s)``; ``None`` if none."""
    known = {d.name: d for d in client.list_databases()}
    if name not in known:
        return None
    size = known[name].size_bytes
    what = f'drop database "{name}"' + (f" ({size:,} bytes)" if size is not None else "")
    if force:
        what += f", disconnecting {client.connections_to(name)} session(s)"
    return what
