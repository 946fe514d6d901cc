"""``fleet-console roles``: login roles and their keys (passwords) and grants.

bit.io's service accounts and keys, as PostgreSQL roles. A new key is printed
once; ``--keep`` stores it in the profile's 0600 credentials file (section
``[roles]``), and nowhere else: not in history, logs or the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from console.commands.context import current, handles_errors
from console.commands.output import echo_json, emit

if TYPE_CHECKING:
    from collections.abc import Callable

    from console.backends.postgres import NewKey, Roles

KEY_SECTION = "roles"
"""The credentials file's section kept keys go in, one per role name."""


def _roles(ctx: click.Context) -> Roles:
    from console.backends.postgres import Roles

    return Roles(current(ctx).clients().postgres())


def _place(text: str) -> tuple[str, str | None]:
    """``DB`` or ``DB:SCHEMA``."""
    database, _, schema = text.partition(":")
    if not database:
        raise click.UsageError(f"{text!r} is not DB or DB:SCHEMA")
    return database, schema or None


@click.group()
def roles() -> None:
    """List, create, rotate, grant, revoke and drop login roles."""


@roles.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, grants included.")
@click.pass_context
@handles_errors
def list_roles(ctx: click.Context, as_json: bool) -> None:
    """List roles with what each may do, per database and schema."""
    manager = _roles(ctx)
    try:
        found, grants = manager.list(), manager.grants()
    finally:
        manager.client.close()
    by_role: dict[str, list[Any]] = {}
    for grant in grants:
        by_role.setdefault(grant.role, []).append(grant)
    rows = [_row(role, by_role.get(role.name, []), as_json) for role in found]
    emit(rows, ["name", "login", "superuser", "valid_until", "member_of", "grants"], as_json)


def _row(role: Any, grants: list[Any], as_json: bool) -> dict[str, Any]:
    record = {"name": role.name, "login": role.login, "superuser": role.superuser,
              "create_db": role.create_db, "create_role": role.create_role,
              "valid_until": role.valid_until, "member_of": list(role.member_of)}
    if as_json:
        record["grants"] = [{"database": g.database, "schema": g.schema or None,
                             "access": g.access, "detail": g.detail or None} for g in grants]
    else:
        record["member_of"] = ", ".join(role.member_of)
        record["grants"] = "; ".join(
            f"{g.database}{':' + g.schema if g.schema else ''}={g.access}" for g in grants)
    return record


@roles.command()
@click.argument("name")
@click.option("--grant", "grants", multiple=True, metavar="DB[:SCHEMA]:read|write",
              help="Grant read or write on a database or schema (repeatable).")
@click.option("--keep", is_flag=True, help="Store the key in the profile's credentials file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def create(ctx: click.Context, name: str, grants: tuple[str, ...], keep: bool,
           as_json: bool) -> None:
    """Create login role NAME with a generated key, shown once."""
    wanted = []
    for text in grants:
        place, _, level = text.rpartition(":")
        if level not in ("read", "write") or not place:
            raise click.UsageError(f"--grant {text!r} is not DB[:SCHEMA]:read|write")
        wanted.append((*_place(place), level))
    manager = _roles(ctx)
    try:
        key = manager.create(name, grants=tuple(wanted))
    finally:
        manager.client.close()
    _show_key(ctx, key, keep, as_json, "created")


@roles.command()
@click.argument("name")
@click.option("--keep", is_flag=True, help="Store the key in the profile's credentials file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def rotate(ctx: click.Context, name: str, keep: bool, as_json: bool) -> None:
    """Give role NAME a new generated key (shown once); the old one stops working."""
    manager = _roles(ctx)
    try:
        key = manager.rotate(name)
    finally:
        manager.client.close()
    _show_key(ctx, key, keep, as_json, "rotated")


def _show_key(ctx: click.Context, key: NewKey, keep: bool, as_json: bool, what: str) -> None:
    from console import profiles

    profile = current(ctx).profile()
    kept = keep or key.role in profile.credentials.get(KEY_SECTION, {})  # kept keys stay current
    if kept:
        profiles.set_secret(profile.name, KEY_SECTION, key.role, key.password)
    if as_json:
        echo_json({"role": key.role, "password": key.password, "kept": kept})
        return
    click.echo(f'Role "{key.role}" {what}. Its key, shown this once:', err=True)
    click.echo(key.password)
    where = (f"kept in the profile's credentials file, [{KEY_SECTION}] {key.role}" if kept
             else "not stored anywhere: copy it now (--keep stores it in the profile)")
    click.echo(f"The key is {where}.", err=True)


def _access_command(function: Callable[..., None]) -> Callable[..., None]:
    """``NAME DB[:SCHEMA] read|write``: the arguments grant and revoke share."""
    for decorate in reversed((
        roles.command(),
        click.argument("name"),
        click.argument("place", metavar="DB[:SCHEMA]"),
        click.argument("level", type=click.Choice(["read", "write"])),
        click.pass_context,
        handles_errors,
    )):
        function = decorate(function)
    return function


@_access_command
def grant(ctx: click.Context, name: str, place: str, level: str) -> None:
    """Grant read or write on a database (every schema) or one schema."""
    schemas = _change_access(ctx, name, place, level, granting=True)
    click.echo(f'Granted {level} to "{name}" on {_where(place, schemas)}.')


@_access_command
def revoke(ctx: click.Context, name: str, place: str, level: str) -> None:
    """Revoke write (read stays) or read (all access) on a database or schema."""
    schemas = _change_access(ctx, name, place, level, granting=False)
    click.echo(f'Revoked {level} from "{name}" on {_where(place, schemas)}.')


def _change_access(ctx: click.Context, name: str, place: str, level: str, *,
                   granting: bool) -> list[str]:
    """Grant or revoke; return the schemas it reached."""
    manager = _roles(ctx)
    try:
        change = manager.grant if granting else manager.revoke
        return change(name, *_place(place), level)
    finally:
        manager.client.close()


def _where(place: str, schemas: list[str]) -> str:
    database = place.partition(":")[0]
    return f"{database} (schemas: {', '.join(schemas) or 'none'})"


@roles.command()
@click.argument("name")
@click.option("--reassign-to", metavar="ROLE", help="Give what NAME owns to ROLE first.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handles_errors
def drop(ctx: click.Context, name: str, reassign_to: str | None, yes: bool) -> None:
    """Drop role NAME: its grants are revoked and its sessions ended; asks first."""
    manager = _roles(ctx)
    try:
        if not yes and not _confirmed(manager, name, reassign_to):
            raise click.exceptions.Exit(1)
        manager.drop(name, reassign_to=reassign_to)
    finally:
        manager.client.close()
    click.echo(f'Dropped role "{name}".')


def _confirmed(manager: Roles, name: str, reassign_to: str | None) -> bool:
    owned = manager.owned(name)
    what = f'role "{name}"'
    if owned.total:
        what += f", which owns {owned.describe()}"
        what += f" (to be given to {reassign_to})" if reassign_to else ""
    if owned.privileges:
        what += f"; its privileges in {', '.join(owned.privileges)} are revoked"
    try:
        answer = click.confirm(f"Drop {what}?", default=False, err=True)
    except click.Abort:
        click.echo(f'\nNot dropped: no answer on stdin. Pass --yes to drop "{name}" without '
                   "asking.", err=True)
        return False
    if not answer:
        click.echo(f'Not dropped: "{name}" is unchanged.', err=True)
    return answer
