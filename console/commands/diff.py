"""``fleet-console diff PROFILE_A PROFILE_B (sql | devices | jobs-summary)``: staging beside prod.

The same query, device filter or jobs summary runs on both profiles, each
through its own client registry, and what differs is printed. The exit code
gates a deployment: 0 when the two are equal, 1 when they differ — or when a
service failed, which ``--json`` tells apart (``{"equal": false, …}`` against
``{"error": {…}}``) — and 2 on bad usage (caught before anything is sent).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click

from console.commands.output import echo_json, echo_table
from console.errors import ConsoleError, redact

if TYPE_CHECKING:
    from console.diff import Comparison, DiffRequest, Row
    from console.profiles import Profile

MARKERS = {"only-a": "<", "only-b": ">", "differ": "~", "same": "="}
"""The first column of the text table: which side has the row, or how it differs."""


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json`` and ``--limit`` to a comparison."""
    command = click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True,
                           help="Differing rows to print; all are counted.")(command)
    return click.option("--json", "as_json", is_flag=True,
                        help="Print the comparison as JSON.")(command)


def _load(name: str, hint: str) -> Profile:
    from console import profiles

    try:
        return profiles.load(name)
    except ConsoleError as exc:  # a misspelt profile is bad usage: nothing was compared
        raise click.BadParameter(exc.message, param_hint=hint) from exc


@click.group("diff")
@click.argument("profile_a")
@click.argument("profile_b")
@click.pass_context
def diff(ctx: click.Context, profile_a: str, profile_b: str) -> None:
    """Compare the same view on two profiles: exit 0 when equal, 1 when they differ.

    \b
      fleet-console diff staging prod sql -q 'select * from orders' --key id
      fleet-console diff staging prod devices --filter 'fleet=acme/gateways'
      fleet-console diff staging prod jobs-summary --json
    """
    ctx.meta["diff.profiles"] = (_load(profile_a, "PROFILE_A"), _load(profile_b, "PROFILE_B"))


@diff.command("sql")
@click.option("-q", "--query", "sql", required=True, metavar="SQL",
              help="One query that reads rows (SELECT, WITH, VALUES, TABLE).")
@click.option("--db", "database", metavar="DB",
              help="Database on both sides (default: each profile's own).")
@click.option("--key", "keys", multiple=True, metavar="COL",
              help="Column that identifies a row (repeat for several; default: the primary "
                   "key of the one table read, else whole rows).")
@output_options
@click.pass_context
def diff_sql(ctx: click.Context, sql: str, database: str | None, keys: tuple[str, ...],
             as_json: bool, limit: int) -> None:
    """Compare the rows of a query on both profiles' PostgreSQL."""
    from console.diff import DiffRequest
    from console.diff.sql_text import only_query

    try:
        only_query(sql)  # checked here so that a bad query is bad usage (exit 2)
    except ConsoleError as exc:
        raise click.BadParameter(exc.message, param_hint="--query") from exc
    _compare(ctx, DiffRequest.sql_query(sql, database=database, keys=keys), as_json, limit)


@diff.command("devices")
@click.option("--filter", "filter_text", default="", metavar="EXPR",
              help="Device filter (docs/device-filter.md); default: every device.")
@output_options
@click.pass_context
def diff_devices(ctx: click.Context, filter_text: str, as_json: bool, limit: int) -> None:
    """Compare the devices a filter selects, paired by name (uuids differ between profiles)."""
    from console.backends.balena import filters
    from console.diff import DiffRequest

    try:
        filters.parse(filter_text)
    except ConsoleError as exc:
        raise click.BadParameter(exc.message, param_hint="--filter") from exc
    _compare(ctx, DiffRequest.devices(filter_text), as_json, limit)


@diff.command("jobs-summary")
@output_options
@click.pass_context
def diff_jobs(ctx: click.Context, as_json: bool, limit: int) -> None:
    """Compare job counts by state, overall, per site and per app."""
    from console.diff import DiffRequest

    _compare(ctx, DiffRequest.jobs_summary(), as_json, limit)


def _compare(ctx: click.Context, request: DiffRequest, as_json: bool, limit: int) -> None:
    from console.clients import Clients
    from console.diff import DiffJob

    profile_a, profile_b = ctx.meta["diff.profiles"]
    job = DiffJob(request, Clients(profile_a), Clients(profile_b), limit=limit)
    try:
        comparison = job.run_blocking()
    except ConsoleError as exc:
        _failed(exc, profile_a.secret_values() + profile_b.secret_values(), as_json)
    if as_json:
        echo_json(comparison.to_json())
    else:
        _print(comparison)
    sys.exit(0 if comparison.equal else 1)


def _failed(error: ConsoleError, secrets: tuple[str, ...], as_json: bool) -> NoReturn:
    where = f"{error.profile}: " if error.profile else ""
    message = redact(f"{where}{error}", secrets)
    if as_json:
        echo_json({"error": {"type": type(error).__name__, "title": error.title,
                             "profile": error.profile, "message": message}})
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _print(comparison: Comparison) -> None:
    a, b = comparison.a, comparison.b
    click.echo(f"{a.label} (<) against {b.label} (>): {comparison.subject}")
    click.echo(f"matched by {comparison.matched_by}")
    click.echo(comparison.summary())
    for note in comparison.notes:
        click.echo(f"note: {note}")
    if comparison.rows:
        click.echo()
        columns = ["", *comparison.columns]
        echo_table([_row_cells(comparison, row) for row in comparison.rows], columns)
    if comparison.more:
        click.echo(f"… and {comparison.more:,} more")


def _row_cells(comparison: Comparison, row: Row) -> dict[str, str]:
    from console.diff import delta, display

    marker = MARKERS[row.state] + (f" x{row.copies}" if row.copies != 1 else "")
    cells = {"": marker}
    shown = row.a if row.a is not None else row.b
    for i, name in enumerate(comparison.columns):
        text = display(shown[i]) if shown is not None else ""
        if row.a is not None and row.b is not None and i in comparison.ignored:
            text = f"{display(row.a[i])} / {display(row.b[i])}"  # shown, never compared
        elif row.a is not None and row.b is not None and i in row.differing:
            change = delta(row, i)
            text = f"{display(row.a[i])} → {display(row.b[i])}"
            text += f" ({change:+d})" if change is not None else ""
        cells[name] = text
    return cells
