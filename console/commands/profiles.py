"""``fleet-console profiles list|show|add|copy|remove|use``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from console import profiles as store
from console.cli import complete_profile
from console.commands.context import current, handles_errors
from console.commands.output import echo_json, emit
from console.commands.profile_advice import mask_urls, read_only_role_advice
from console.commands.setting_options import apply_assignments, set_option
from console.profiles.settings import COLORS, SERVICE_SECTIONS

if TYPE_CHECKING:  # the store (platformdirs, tomllib) loads when a command runs
    from console.profiles import Profile


def describe(profile: Profile) -> dict[str, Any]:
    """Return a profile as shown by ``show``: settings, and secrets masked."""
    services: dict[str, Any] = {}
    for section in SERVICE_SECTIONS:
        settings = profile.service(section)
        if settings is None:
            continue
        entry = mask_urls(settings.model_dump(mode="json", exclude_none=True))
        for key in ("password", "token"):
            if profile.secret(section, key) is not None:
                entry[key] = "*****"
        services[section] = entry
    return {
        "name": profile.name,
        "color": profile.settings.color,
        "read_only": profile.read_only,
        "protected": profile.settings.protected,
        "description": profile.settings.description,
        "sandbox": profile.settings.sandbox,
        "data_dir": str(profile.data_dir),
        "default": profile.name == store.default_name(),
        "services": services,
    }


@click.group()
def profiles() -> None:
    """Manage profiles: one environment (local, staging, prod…) each."""


@profiles.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handles_errors
def list_profiles(as_json: bool) -> None:
    """List profiles."""
    default = store.default_name()
    rows = []
    for name in store.names():
        try:
            profile = store.load(name)
        except store.ProfileInvalid as exc:
            rows.append({"name": name, "default": name == default, "error": str(exc)})
            continue
        rows.append(
            {
                "name": name,
                "default": name == default,
                "color": profile.settings.color,
                "read_only": profile.read_only,
                **_services(profile),
                "description": profile.settings.description,
            }
        )
    columns = ["name", "default", "color", "read_only", "services", "local", "description"]
    emit(rows, columns, as_json)


def _services(profile: Profile) -> dict[str, list[str]]:
    """What the profile reaches (``services``) and which of those run on this machine
    (``local``: the embedded PostgreSQL and the stand-ins, running or not)."""
    from console.clients import Clients  # asyncio and the registry: not for --help

    stand_ins = Clients(profile).stand_in_sections()
    configured = {s for s in SERVICE_SECTIONS if getattr(profile.settings, s) is not None}
    local = set(stand_ins) - configured
    postgres = profile.settings.postgres
    if postgres is not None and postgres.embedded:
        local.add("postgres")
    return {
        "services": [s for s in SERVICE_SECTIONS if s in configured | local],
        "local": [s for s in SERVICE_SECTIONS if s in local],
    }


@profiles.command("show")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def show(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Show one profile (the active one by default); secrets are masked."""
    profile = store.load(name) if name else current(ctx).profile()
    info = describe(profile)
    if as_json:
        echo_json(info)
        return
    for key in ("name", "color", "read_only", "protected", "default", "sandbox", "description",
                "data_dir"):
        click.echo(f"{key:12} {info[key]}")
    for section, values in info["services"].items():
        click.echo(f"[{section}]")
        for key, value in values.items():
            click.echo(f"  {key:20} {value}")


@profiles.command("add")
@click.argument("name")
@click.option("--color", type=click.Choice(COLORS), default="blue", show_default=True)
@click.option("--read-only", is_flag=True,
              help="Refuse every write in this profile (prints the GRANTs of a read-only role).")
@click.option("--protected", is_flag=True,
              help="Destructive actions ask for the profile's name (--confirm NAME).")
@click.option("--description", default="")
@click.option("--pg-host", help="PostgreSQL host or socket directory.")
@click.option("--pg-port", type=int, default=5432, show_default=True)
@click.option("--pg-user", default="postgres", show_default=True)
@click.option("--pg-dbname", default="postgres", show_default=True)
@click.option("--pg-password-env", help="Environment variable holding the PostgreSQL password.")
@click.option("--pg-password-stdin", is_flag=True, help="Read the PostgreSQL password from stdin.")
@click.option("--balena-url", help="balena API URL.")
@click.option("--balena-token-env", help="Environment variable holding the balena API token.")
@click.option("--balsam-url", help="Balsam server URL.")
@click.option("--balsam-username")
@click.option("--balsam-password-env")
@click.option("--ignite-node", "ignite_nodes", multiple=True,
              help="Ignite thin-client node as host:port, e.g. ignite-1:10800 (repeat).")
@click.option("--cratedb-node", "cratedb_nodes", multiple=True,
              help="CrateDB node URL, e.g. https://crate-1:4200 (repeat).")
@click.option("--sandbox", is_flag=True, help="Run local stand-ins for its services.")
@set_option
@handles_errors
def add(name: str, assignments: tuple[str, ...], **options: Any) -> None:
    """Create a profile: the common settings as options, any other one with --set."""
    from console.profiles import locations

    settings = apply_assignments(_settings_from_options(options), assignments)
    store.add(name, settings)
    if options["pg_password_stdin"]:
        store.set_secret(
            name, "postgres", "password", click.get_text_stream("stdin").readline().strip()
        )
    click.echo(f"Created profile '{name}' in {locations.profile_dir(name)}")
    if options["read_only"]:
        click.echo(read_only_role_advice(settings))


def _settings_from_options(o: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "color": o["color"],
        "read_only": o["read_only"],
        "protected": o["protected"],
        "description": o["description"],
        "sandbox": o["sandbox"],
    }
    if o["pg_host"]:
        data["postgres"] = {
            "host": o["pg_host"],
            "port": o["pg_port"],
            "user": o["pg_user"],
            "dbname": o["pg_dbname"],
            "password_env": o["pg_password_env"],
        }
    if o["balena_url"]:
        data["balena"] = {"url": o["balena_url"], "token_env": o["balena_token_env"]}
    if o["balsam_url"]:
        data["balsam"] = {
            "url": o["balsam_url"],
            "username": o["balsam_username"],
            "password_env": o["balsam_password_env"],
        }
    if o["ignite_nodes"]:
        data["ignite"] = {"nodes": list(o["ignite_nodes"])}
    if o["cratedb_nodes"]:
        data["cratedb"] = {"nodes": list(o["cratedb_nodes"])}
    return {section: _without_none(value) if isinstance(value, dict) else value
            for section, value in data.items()}


def _without_none(section: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in section.items() if value is not None}


@profiles.command("copy")
@click.argument("source", shell_complete=complete_profile)
@click.argument("name")
@set_option
@click.option("--with-secrets", is_flag=True,
              help="Copy its credentials.toml too (off by default: a copy of prod should not "
                   "log in as prod by accident).")
@handles_errors
def copy(source: str, name: str, assignments: tuple[str, ...], with_secrets: bool) -> None:
    """Create NAME from SOURCE's settings, changed by --set, to edit into a new environment."""
    from console.profiles import locations

    original = store.load(source)
    data = original.settings.model_dump(mode="json", exclude_none=True)
    settings = apply_assignments(data, assignments)
    store.add(name, settings)
    if with_secrets:
        store.copy_secrets(source, name)
    click.echo(f"Created profile '{name}' from '{source}' in {locations.profile_dir(name)}"
               + (" (with its secrets)" if with_secrets else ""))


@profiles.command("remove")
@click.argument("name", shell_complete=complete_profile)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--confirm", "confirm", metavar="PROFILE",
              help="The profile's name: required to remove a protected profile.")
@handles_errors
def remove(name: str, yes: bool, confirm: str | None) -> None:
    """Delete a profile and its data directory (a protected one needs --confirm NAME)."""
    doomed = store.load(name)
    what = f"delete profile '{name}' and everything in its data directory"
    if doomed.settings.protected and confirm != name:
        if _typed(f"Profile '{name}' is protected. To {what}, type its name") != name:
            click.echo(f"Not done: profile '{name}' is protected: pass --confirm {name} "
                       "(--yes is not enough). Nothing was changed.", err=True)
            raise click.exceptions.Exit(1)
    elif not yes and confirm != name and not click.confirm(f"{what[:1].upper()}{what[1:]}?",
                                                           err=True):
        click.echo("Not done. Nothing was changed.", err=True)
        raise click.exceptions.Exit(1)
    store.remove(name)
    click.echo(f"Removed profile '{name}'.")


def _typed(question: str) -> str:
    try:
        return str(click.prompt(question, default="", show_default=False, err=True)).strip()
    except click.Abort:  # no answer on stdin
        click.echo("", err=True)
        return ""


@profiles.command("use")
@click.argument("name", shell_complete=complete_profile)
@handles_errors
def use(name: str) -> None:
    """Make NAME the profile used when --profile is not given."""
    store.load(name)
    store.set_default(name)
    click.echo(f"Default profile is now '{name}'.")
