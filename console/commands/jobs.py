"""``fleet-console jobs list|count|update|events`` and ``fleet-console sites list``.

The same backend as the Jobs pane: one lazy query built from the options,
evaluated with limit/offset, ``count()`` without fetching rows, and bulk
updates by filter that ask before they change anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import click

from console.backends.balsam import JOB_STATES, BalsamClient, summarise
from console.backends.balsam.spec import JobSpec, app_id, job_query, parse_spec
from console.commands.confirm import confirm_destructive, confirm_option
from console.commands.context import handles_errors, with_balsam
from console.commands.output import emit
from console.errors import BadQuery

T = TypeVar("T")
JOB_COLUMNS = ["id", "state", "app", "workdir", "tags", "last_update"]
EVENT_COLUMNS = ["timestamp", "from_state", "to_state", "data"]
SITE_COLUMNS = ["id", "name", "path", "last_refresh"]


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --state, --tag, --site and --app to a command."""
    command = click.option("--app", "app", metavar="NAME", help="Only jobs of this app.")(command)
    command = click.option("--site", "site_id", type=click.IntRange(min=1), help="Site id.")(
        command
    )
    command = click.option(
        "--tag", "tags", multiple=True, metavar="K:V", help="Tag to match (repeat for several)."
    )(command)
    return click.option(
        "--state",
        "states",
        multiple=True,
        type=click.Choice(JOB_STATES, case_sensitive=False),
        help="State to match (repeat for several).",
    )(command)


def spec_of(
    states: tuple[str, ...], tags: tuple[str, ...], site_id: int | None, app: str | None
) -> JobSpec:
    """Turn the filter options into a ``JobSpec`` (tags checked as ``K:V``)."""
    words = [f"tag={t}" for t in tags]
    spec = parse_spec(" ".join(_quote(w) for w in words))
    spec.states = tuple(s.upper() for s in states)
    spec.site_id = site_id
    spec.app = app
    return spec


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\"'\"'") + "'"


@click.group()
def jobs() -> None:
    """Watch and steer Balsam jobs."""


@jobs.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option(
    "--order",
    type=click.Choice(
        ["last_update", "-last_update", "id", "-id", "state", "-state", "workdir", "-workdir"]
    ),
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_jobs(
    ctx: click.Context,
    states: tuple[str, ...],
    tags: tuple[str, ...],
    site_id: int | None,
    app: str | None,
    limit: int,
    order: str | None,
    as_json: bool,
) -> None:
    """List jobs matching the filters (newest first by default)."""
    spec = spec_of(states, tags, site_id, app)
    spec.ordering = order or "-last_update"

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        query = await job_query(client, spec)
        found, apps = await asyncio.gather(query[:limit].all(), client.apps.all().all())
        # as the Jobs pane does: the app's name beside its id
        names = {a.id: a.name for a in apps}
        return [{**job.to_json(), "app": names.get(job.app_id)} for job in found]

    emit(with_balsam(ctx, work), JOB_COLUMNS, as_json)


@jobs.command("count")
@filter_options
@click.option(
    "--by", type=click.Choice(["state", "site", "app"]), default="state", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def count(
    ctx: click.Context,
    states: tuple[str, ...],
    tags: tuple[str, ...],
    site_id: int | None,
    app: str | None,
    by: str,
    as_json: bool,
) -> None:
    """Count jobs by state, or by state for each site or app; the filters narrow every count."""
    spec = spec_of(states, tags, site_id, app)

    async def work(client: BalsamClient) -> dict[str, dict[str, int]]:
        if by == "state":
            query = await job_query(client, spec)
            wanted = spec.states or JOB_STATES
            counts = await asyncio.gather(*(query.filter(state=s).count() for s in wanted))
            return {"all": dict(zip(wanted, counts))}
        apps = {await app_id(client, spec.app, site_id)} if spec.app else None
        counts = await summarise(
            client, site_id, states=spec.states or JOB_STATES, tags=spec.tags, app_ids=apps
        )
        return counts.by_group(by)

    groups = with_balsam(ctx, work)
    rows = [
        {by: name, "state": s, "count": n} for name, c in groups.items() for s, n in c.items() if n
    ]
    if by == "state":
        rows = [{"state": r["state"], "count": r["count"]} for r in rows]
    emit(rows, [by, "state", "count"] if by != "state" else ["state", "count"], as_json)


@jobs.command("update")
@filter_options
@click.option(
    "--set-state", "new_state", required=True, type=click.Choice(JOB_STATES, case_sensitive=False)
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@confirm_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def update(
    ctx: click.Context,
    states: tuple[str, ...],
    tags: tuple[str, ...],
    site_id: int | None,
    app: str | None,
    new_state: str,
    yes: bool,
    confirm: str | None,
    as_json: bool,
) -> None:
    """Set the state of every job matching the filters (asks first, naming the count;
    --confirm PROFILE on a protected profile)."""
    spec = spec_of(states, tags, site_id, app)
    target = new_state.upper()

    async def work(client: BalsamClient) -> Any:
        query = await job_query(client, spec)
        if not query.filters:
            raise BadQuery("give at least one filter (--state, --tag, --site or --app)")
        client.check_writable("update jobs")
        matched = await query.count()
        if matched == 0:
            return None
        # a blocking question inside the loop: nothing else runs while the operator reads
        confirm_destructive(ctx, f"set {matched} jobs to {target}", yes, confirm)
        return await query.update(state=target)

    report = with_balsam(ctx, work)
    if report is None:
        click.echo("No job matches; nothing changed.")
    elif as_json:
        emit([report.__dict__], list(report.__dict__), True)
    else:
        click.echo(report.describe(f"set to {target}"))


@jobs.command("events")
@click.argument("job_id", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def events(ctx: click.Context, job_id: int, as_json: bool) -> None:
    """Show one job's event timeline, oldest first."""

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        await client.jobs.retrieve(job_id)
        query = client.events.filter(job_id=[job_id]).order_by("timestamp")
        return [event.to_json() for event in await query.all()]

    emit(with_balsam(ctx, work), EVENT_COLUMNS, as_json)


@click.group()
def sites() -> None:
    """Balsam sites."""


@sites.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_sites(ctx: click.Context, as_json: bool) -> None:
    """List the sites jobs run at."""

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        return [site.to_json() for site in await client.sites.all().all()]

    emit(with_balsam(ctx, work), SITE_COLUMNS, as_json)
