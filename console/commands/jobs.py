"""``fleet-console jobs list|count|show|events|create|update|tag|delete`` and ``sites list``.

The same backend as the Jobs pane: one lazy query built from the options,
evaluated with limit/offset, ``count()`` without fetching rows. The commands
that change jobs (``job_changes.py``) ask first, naming the count, and report
what a read of the jobs afterwards shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from console.backends.balsam import JOB_STATES
from console.backends.balsam.spec import JobSpec, app_id, job_query
from console.backends.balsam.spec import check_time as spec_check_time
from console.commands.context import handles_errors, with_balsam
from console.commands.job_changes import add_change_commands
from console.commands.output import echo_json, emit
from console.errors import ConsoleError

if TYPE_CHECKING:  # the client (httpx) is imported when a command runs, not for --help
    from console.backends.balsam import BalsamClient

JOB_COLUMNS = ["id", "state", "app", "workdir", "tags", "last_update"]
EVENT_COLUMNS = ["timestamp", "from_state", "to_state", "data"]
SITE_COLUMNS = ["id", "name", "path", "last_refresh"]
ORDERINGS = ["last_update", "-last_update", "id", "-id", "state", "-state", "workdir", "-workdir"]
SHOWN = (
    "id",
    "state",
    "app",
    "workdir",
    "tags",
    "parameters",
    "parent_ids",
    "batch_job_id",
    "num_nodes",
    "ranks_per_node",
    "wall_time_min",
    "return_code",
    "last_update",
)


def check_tags(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--tag`` takes ``KEY:VALUE``; anything else is bad usage (exit 2), not a server error."""
    for value in values:
        key, sep, _ = value.partition(":")
        if not sep or not key:
            raise click.BadParameter(f"'{value}' must look like KEY:VALUE", ctx, param)
    return values


def check_time(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--since``/``--until`` take an ISO 8601 time; anything else is bad usage (exit 2)."""
    if value is None:
        return None
    try:
        return spec_check_time(param.name or "time", value)
    except ConsoleError as exc:
        raise click.BadParameter(exc.message, ctx, param) from exc


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the job filters: --state, --not-state, --tag, --site, --app, --id, --parent,
    --workdir, --since and --until."""
    options = [
        click.option(
            "--until", metavar="TIME", callback=check_time, help="Only jobs updated before TIME."
        ),
        click.option(
            "--since", metavar="TIME", callback=check_time, help="Only jobs updated after TIME."
        ),
        click.option("--workdir", metavar="TEXT", help="Only jobs whose workdir contains TEXT."),
        click.option(
            "--parent",
            "parents",
            multiple=True,
            type=click.IntRange(min=1),
            help="Only children of this job (repeat for several).",
        ),
        click.option(
            "--id",
            "ids",
            multiple=True,
            type=click.IntRange(min=1),
            help="Only this job (repeat for several).",
        ),
        click.option("--app", "app", metavar="NAME", help="Only jobs of this app."),
        click.option("--site", "site_id", type=click.IntRange(min=1), help="Site id."),
        click.option(
            "--tag",
            "tags",
            multiple=True,
            metavar="K:V",
            callback=check_tags,
            help="Tag to match (repeat for several).",
        ),
        click.option(
            "--not-state",
            type=click.Choice(JOB_STATES, case_sensitive=False),
            help="Leave out jobs in this state.",
        ),
        click.option(
            "--state",
            "states",
            multiple=True,
            type=click.Choice(JOB_STATES, case_sensitive=False),
            help="State to match (repeat for several).",
        ),
    ]
    for option in options:
        command = option(command)
    return command


def spec_of(options: dict[str, Any]) -> JobSpec:
    """Turn the (already checked) filter options into a ``JobSpec``."""
    tags = dict(t.split(":", 1) for t in options.get("tags") or ())
    not_state = options.get("not_state")
    return JobSpec(
        states=tuple(s.upper() for s in options.get("states") or ()),
        tags=tags,
        site_id=options.get("site_id"),
        app=options.get("app"),
        workdir=options.get("workdir"),
        ids=tuple(options.get("ids") or ()),
        parents=tuple(options.get("parents") or ()),
        not_state=not_state.upper() if not_state else None,
        since=options.get("since"),
        until=options.get("until"),
    )


FILTER_KEYS = (
    "states",
    "tags",
    "site_id",
    "app",
    "workdir",
    "ids",
    "parents",
    "not_state",
    "since",
    "until",
)


def take_filters(kwargs: dict[str, Any]) -> JobSpec:
    """Pop the filter options out of a command's keyword arguments into a ``JobSpec``."""
    return spec_of({key: kwargs.pop(key, None) for key in FILTER_KEYS})


@click.group()
def jobs() -> None:
    """Watch and steer Balsam jobs."""


@jobs.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")
@click.option("--order", type=click.Choice(ORDERINGS))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_jobs(
    ctx: click.Context, limit: int, offset: int, order: str | None, as_json: bool, **filters: Any
) -> None:
    """List jobs matching the filters (newest first by default)."""
    import asyncio  # here, not for --help: it is heavier than the rest of this module

    spec = take_filters(filters)
    spec.ordering = order or "-last_update"

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        query = await job_query(client, spec)
        found, names = await asyncio.gather(query[offset : offset + limit].all(), app_names(client))
        return [{**job.to_json(), "app": names.get(job.app_id)} for job in found]

    emit(with_balsam(ctx, work), JOB_COLUMNS, as_json)


async def app_names(client: BalsamClient) -> dict[int, str]:
    """App id → name, as the Jobs pane shows the app beside each job."""
    return {a.id: a.name for a in await client.apps.all().all()}


@jobs.command("count")
@filter_options
@click.option(
    "--by", type=click.Choice(["state", "site", "app"]), default="state", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def count(ctx: click.Context, by: str, as_json: bool, **filters: Any) -> None:
    """Count jobs by state, or by state for each site or app; the filters narrow every count."""
    import asyncio

    from console.backends.balsam import summarise

    spec = take_filters(filters)

    async def work(client: BalsamClient) -> dict[str, dict[str, int]]:
        if by == "state":
            query = await job_query(client, spec)
            wanted = spec.states or JOB_STATES
            counts = await asyncio.gather(*(query.filter(state=s).count() for s in wanted))
            return {"all": dict(zip(wanted, counts))}
        apps = {await app_id(client, spec.app, spec.site_id)} if spec.app else None
        counts = await summarise(
            client, spec.site_id, states=spec.states or JOB_STATES, tags=spec.tags, app_ids=apps
        )
        return counts.by_group(by)

    groups = with_balsam(ctx, work)
    rows = [
        {by: name, "state": s, "count": n} for name, c in groups.items() for s, n in c.items() if n
    ]
    if by == "state":
        rows = [{"state": r["state"], "count": r["count"]} for r in rows]
    emit(rows, [by, "state", "count"] if by != "state" else ["state", "count"], as_json)


@jobs.command("show")
@click.argument("job_id", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def show(ctx: click.Context, job_id: int, as_json: bool) -> None:
    """Show one job: its fields, its app by name, its transfer items."""
    import asyncio

    async def work(client: BalsamClient) -> dict[str, Any]:
        job = await client.jobs.retrieve(job_id)
        names, transfers = await asyncio.gather(
            app_names(client), client.transfers.filter(job_id=[job_id]).all()
        )
        return {
            **job.to_json(),
            "app": names.get(job.app_id),
            "transfers": [t.to_json() for t in transfers],
        }

    data = with_balsam(ctx, work)
    if as_json:
        echo_json(data)
        return
    for key in SHOWN:
        click.echo(f"{key:>14}: {data.get(key) if data.get(key) is not None else ''}")
    for item in data["transfers"]:
        where = f"{item['location_alias']}:{item['remote_path']}"
        click.echo(
            f"{'transfer':>14}: {item['direction']} {item['state']} {item['local_path']} {where}"
        )


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


add_change_commands(jobs, filter_options, take_filters)


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
