"""``fleet-console sandbox start|status|stop``: the profile's local services."""

from __future__ import annotations

import click

from console.commands.context import current, handles_errors
from console.commands.output import emit
from console.errors import ConsoleError
from console.sandbox import control
from console.sandbox.postgres import PostgresStartFailed

COLUMNS = ["name", "state", "url", "pid"]


def _require_sandbox(ctx: click.Context) -> str:
    profile = current(ctx).profile()
    if not profile.settings.sandbox and not (
        profile.settings.postgres and profile.settings.postgres.embedded
    ):
        raise ConsoleError(f"profile '{profile.name}' has no local services (sandbox = false)")
    return profile.name


@click.group()
def sandbox() -> None:
    """Run the local stand-ins: embedded PostgreSQL and the service simulators."""


@sandbox.command()
@click.option("--jobs", type=click.IntRange(0, 200_000), help="Seed this many Balsam jobs.")
@click.option("--devices", type=click.IntRange(0, 100_000), help="Seed this many balena devices.")
@click.option("--log-rate", type=float, help="Log lines per second per online device.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def start(
    ctx: click.Context, jobs: int | None, devices: int | None, log_rate: float | None, as_json: bool
) -> None:
    """Start the local services that are not running yet."""
    name = _require_sandbox(ctx)
    options = {
        k: v
        for k, v in {"jobs": jobs, "devices": devices, "log_rate": log_rate}.items()
        if v is not None
    }
    try:
        report = control.start(name, options)
    except (control.SandboxError, PostgresStartFailed) as exc:
        raise ConsoleError(str(exc), title="Local services") from exc
    emit([s.to_json() for s in report], COLUMNS, as_json)


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def status(ctx: click.Context, as_json: bool) -> None:
    """Show each local service with its state and URL."""
    emit([s.to_json() for s in control.status(_require_sandbox(ctx))], COLUMNS, as_json)


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def stop(ctx: click.Context, as_json: bool) -> None:
    """Stop the local services."""
    emit([s.to_json() for s in control.stop(_require_sandbox(ctx))], COLUMNS, as_json)
