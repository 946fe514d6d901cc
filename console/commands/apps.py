"""``fleet-console apps list``: the applications registered at each Balsam site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from console.commands.context import handles_errors, with_balsam
from console.commands.output import emit

if TYPE_CHECKING:  # the client (httpx) is imported when a command runs, not for --help
    from console.backends.balsam import BalsamClient

APP_COLUMNS = ["id", "site", "name", "parameters", "description"]


@click.group()
def apps() -> None:
    """Balsam apps: what jobs can run."""


@apps.command("list")
@click.option("--site", metavar="SITE", help="Only this site's apps (id or name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_apps(ctx: click.Context, site: str | None, as_json: bool) -> None:
    """List apps with their site and parameters."""

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        sites = {s.id: s.name for s in await client.sites.all().all()}
        query = client.apps.all()
        if site:
            query = query.filter(site_id=[(await client.batch_jobs.site(site)).id])
        return [
            {
                **app.to_json(),
                "site": sites.get(app.site_id, app.site_id),
                "parameters": sorted(app.raw.get("parameters") or {}),
            }
            for app in await query.all()
        ]

    emit(with_balsam(ctx, work), APP_COLUMNS, as_json)
