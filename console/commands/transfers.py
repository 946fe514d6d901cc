"""``fleet-console transfers list``: the files jobs stage in and out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from console.backends.balsam.models import TRANSFER_STATES
from console.commands.context import handles_errors, with_balsam
from console.commands.output import emit

if TYPE_CHECKING:  # the client (httpx) is imported when a command runs, not for --help
    from console.backends.balsam import BalsamClient

TRANSFER_COLUMNS = ["id", "job_id", "direction", "state", "local_path", "remote"]


@click.group()
def transfers() -> None:
    """Balsam transfer items: stage-in and stage-out of job files."""


@transfers.command("list")
@click.option(
    "--job",
    "jobs",
    multiple=True,
    type=click.IntRange(min=1),
    help="Only this job's items (repeat for several).",
)
@click.option("--state", type=click.Choice(TRANSFER_STATES), help="Only items in this state.")
@click.option("--direction", type=click.Choice(["in", "out"]), help="Only this way.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_transfers(
    ctx: click.Context,
    jobs: tuple[int, ...],
    state: str | None,
    direction: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List transfer items, oldest first."""
    filters: dict[str, Any] = {}
    if jobs:
        filters["job_id"] = list(jobs)
    if state:
        filters["state"] = [state]
    if direction:
        filters["direction"] = direction

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        query = client.transfers.filter(**filters) if filters else client.transfers.all()
        rows = await query[:limit].all()
        return [
            {**t.to_json(), "remote": f"{t.location_alias}:{t.remote_path}"}
            for t in rows
        ]

    emit(with_balsam(ctx, work), TRANSFER_COLUMNS, as_json)
