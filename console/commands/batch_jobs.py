"""``fleet-console batch-jobs list|submit|cancel``: allocations that launch jobs at a site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from console.backends.balsam import BATCH_JOB_STATES, JOB_MODES
from console.commands.context import handles_errors, with_balsam
from console.commands.job_changes import pairs
from console.commands.output import emit

if TYPE_CHECKING:  # the client (httpx) is imported when a command runs, not for --help
    from console.backends.balsam import BalsamClient

BATCH_COLUMNS = [
    "id",
    "site",
    "state",
    "queue",
    "project",
    "num_nodes",
    "wall_time_min",
    "job_mode",
    "scheduler_id",
    "filter_tags",
]
CANCEL_COLUMNS = ["id", "ok", "state", "message"]


@click.group("batch-jobs")
def batch_jobs() -> None:
    """Balsam batch jobs: list, submit and cancel allocations."""


@batch_jobs.command("list")
@click.option("--site", metavar="SITE", help="Only this site's batch jobs (id or name).")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(BATCH_JOB_STATES),
    help="Only these states (repeat); default: every state.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_batch_jobs(
    ctx: click.Context, site: str | None, states: tuple[str, ...], as_json: bool
) -> None:
    """List batch jobs, newest start first."""

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        names = {s.id: s.name for s in await client.sites.all().all()}
        query = client.batch_jobs.all()
        if site:
            query = query.filter(site_id=[(await client.batch_jobs.site(site)).id])
        if states:
            query = query.filter(state=list(states))
        found = await query.order_by("-start_time").all()
        return [{**b.to_json(), "site": names.get(b.site_id, b.site_id)} for b in found]

    emit(with_balsam(ctx, work), BATCH_COLUMNS, as_json)


@batch_jobs.command("submit")
@click.option("--site", required=True, metavar="SITE", help="Site id or name.")
@click.option("--queue", required=True, help="Scheduler queue.")
@click.option("--project", required=True, help="Allocation (project) to charge.")
@click.option("--nodes", required=True, type=click.IntRange(min=1), help="Nodes.")
@click.option(
    "--wall-time",
    required=True,
    type=click.IntRange(min=1),
    metavar="MINUTES",
    help="Wall time in minutes.",
)
@click.option("--job-mode", type=click.Choice(JOB_MODES), default="mpi", show_default=True)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="K:V",
    callback=pairs,
    help="Run only jobs with this tag (repeat for several).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def submit(
    ctx: click.Context,
    site: str,
    queue: str,
    project: str,
    nodes: int,
    wall_time: int,
    job_mode: str,
    tags: dict[str, str],
    as_json: bool,
) -> None:
    """Ask a site for an allocation; checked against its queues and projects first."""

    async def work(client: BalsamClient) -> dict[str, Any]:
        made = await client.batch_jobs.submit(
            site=site,
            queue=queue,
            project=project,
            num_nodes=nodes,
            wall_time_min=wall_time,
            job_mode=job_mode,
            filter_tags=tags,
        )
        return {**made.to_json(), "site": site}

    emit([with_balsam(ctx, work)], BATCH_COLUMNS, as_json)


@batch_jobs.command("cancel")
@click.argument("ids", nargs=-1, required=True, type=click.IntRange(min=1), metavar="ID...")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def cancel(ctx: click.Context, ids: tuple[int, ...], yes: bool, as_json: bool) -> None:
    """Cancel batch jobs (the site removes them from its queue); exit 1 if any was not."""
    if not yes:
        shown = ", ".join(map(str, ids))
        click.confirm(f"Cancel batch job(s) {shown}?", abort=True, err=True)
    results = with_balsam(ctx, lambda client: client.batch_jobs.cancel(list(ids)))
    emit([r.to_json() for r in results], CANCEL_COLUMNS, as_json)
    if not all(r.ok for r in results):
        ctx.exit(1)
