"""``fleet-console sandbox start|status|stop|node``: the profile's local services.

They keep running after the console exits (the embedded PostgreSQL and a detached
supervisor serving the stand-ins) until ``sandbox stop``.
"""

from __future__ import annotations

import click

from console.commands.context import current, handles_errors
from console.commands.output import emit
from console.errors import ConsoleError

COLUMNS = ["name", "node", "state", "url", "pid"]


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
    from console.sandbox import control  # psutil and the supervisor: not for --help
    from console.sandbox.postgres import PostgresStartFailed

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
    """Show each local service (each node of a cluster) with its state and address."""
    from console.sandbox import control

    emit([s.to_json() for s in control.status(_require_sandbox(ctx))], COLUMNS, as_json)


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def stop(ctx: click.Context, as_json: bool) -> None:
    """Stop the local services (they keep running after the console exits until this)."""
    from console.sandbox import control

    try:
        report = control.stop(_require_sandbox(ctx))
    except control.SandboxError as exc:
        raise ConsoleError(str(exc), title="Local services") from exc
    emit([s.to_json() for s in report], COLUMNS, as_json)


@sandbox.group()
def node() -> None:
    """Stop or start one node of a stand-in (a cluster keeps serving from the others)."""


def _node_command(action: str) -> click.Command:
    @click.argument("name")
    @click.argument("index", type=click.IntRange(min=0))
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    @handles_errors
    def command(ctx: click.Context, name: str, index: int, as_json: bool) -> None:
        from console.sandbox import control

        profile = _require_sandbox(ctx)
        _check_node(name, index)
        try:
            report = control.node(profile, name, index, action)
        except control.SandboxError as exc:
            raise ConsoleError(str(exc), title="Local services") from exc
        emit([s.to_json() for s in report], COLUMNS, as_json)

    command.__doc__ = {
        "stop": "Stop node INDEX of stand-in NAME: its port closes, its connections drop.",
        "start": "Start node INDEX of stand-in NAME again, on the port it had.",
    }[action]
    return node.command(action)(command)


def _check_node(name: str, index: int) -> None:
    """Refuse a name or index no stand-in has (a usage error, exit 2)."""
    from console.sandbox.registry import stand_ins

    found = {stand_in.name: stand_in.nodes for stand_in in stand_ins()}
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise click.BadParameter(f"no stand-in called '{name}' (known: {known})", param_hint="NAME")
    if index >= found[name]:
        raise click.BadParameter(
            f"{name} has {found[name]} node(s), numbered 0 to {found[name] - 1}",
            param_hint="INDEX",
        )


for _action in ("stop", "start"):
    _node_command(_action)
