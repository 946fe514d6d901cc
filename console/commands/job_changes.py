"""``fleet-console jobs create|update|tag|delete``: the commands that change jobs.

Each one that changes existing jobs counts them first, asks naming the count
(unless ``--yes``), then reports what a read of the jobs afterwards shows —
``8 requested, 0 changed: the server kept them in STAGED_IN`` when the server
answered 8 and moved none. ``create --from FILE`` takes a JSON list or a CSV
file and creates in chunks of 5000.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from console.backends.balsam import JOB_STATES, BulkReport, parse_assignment
from console.backends.balsam.spec import JobSpec, job_query
from console.commands.confirm import confirm_destructive, confirm_option
from console.commands.context import handles_errors, with_balsam
from console.commands.output import emit
from console.errors import BadQuery, ConsoleError

if TYPE_CHECKING:  # the client (httpx) is imported when a command runs, not for --help
    from console.backends.balsam import BalsamClient

CREATED_COLUMNS = ["id", "state", "app_id", "workdir", "tags"]
RESOURCE_COLUMNS = (
    "num_nodes",
    "ranks_per_node",
    "threads_per_rank",
    "threads_per_core",
    "gpus_per_rank",
    "node_packing_count",
    "wall_time_min",
)
Filters = Callable[[Callable[..., Any]], Callable[..., Any]]
TakeFilters = Callable[[dict[str, Any]], JobSpec]


def add_change_commands(group: click.Group, filter_options: Filters, take: TakeFilters) -> None:
    """Register ``create``, ``update``, ``tag`` and ``delete`` on the ``jobs`` group."""
    group.add_command(create)
    group.add_command(_update(filter_options, take))
    group.add_command(_tag(filter_options, take))
    group.add_command(_delete(filter_options, take))


def pairs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """Read repeated ``K:V`` tags (``K=V`` for ``--param``) as a dict; a bad one is a usage
    error (exit 2)."""
    sep = "=" if param.name == "params" else ":"
    found = {}
    for value in values:
        key, has, item = value.partition(sep)
        if not has or not key:
            raise click.BadParameter(f"'{value}' must look like KEY{sep}VALUE", ctx, param)
        found[key] = item
    return found


@click.command("create")
@click.option("--app", metavar="APP", help="The app, by name or id.")
@click.option("--workdir", metavar="PATH", help="Working directory, relative to the site.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="K=V",
    callback=pairs,
    help="An app parameter (repeat for several).",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="K:V",
    callback=pairs,
    help="A tag (repeat for several).",
)
@click.option("--nodes", type=click.IntRange(min=1), help="Nodes per run.")
@click.option("--ranks-per-node", type=click.IntRange(min=1), help="MPI ranks per node.")
@click.option(
    "--parent",
    "parents",
    multiple=True,
    type=click.IntRange(min=1),
    help="A job this one waits for (repeat for several).",
)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Create every job of a JSON list or a CSV file instead.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the created jobs as JSON.")
@click.pass_context
@handles_errors
def create(
    ctx: click.Context,
    app: str | None,
    workdir: str | None,
    params: dict[str, str],
    tags: dict[str, str],
    nodes: int | None,
    ranks_per_node: int | None,
    parents: tuple[int, ...],
    source: Path | None,
    as_json: bool,
) -> None:
    """Create one job (--app and --workdir) or many (--from FILE.json|.csv)."""
    if source is not None and (app or workdir):
        raise click.UsageError("give either --from FILE or --app and --workdir, not both")
    if source is None and not (app and workdir):
        raise click.UsageError("give --app and --workdir (or --from FILE)")
    if source is not None:
        items = read_jobs(source)
    else:
        one: dict[str, Any] = {
            "workdir": workdir,
            "app_id": app,
            "parameters": params,
            "tags": tags,
        }
        one.update(
            {
                k: v
                for k, v in (("num_nodes", nodes), ("ranks_per_node", ranks_per_node))
                if v is not None
            }
        )
        if parents:
            one["parent_ids"] = list(parents)
        items = [one]

    async def work(client: BalsamClient) -> list[dict[str, Any]]:
        return [job.to_json() for job in await client.jobs.bulk_create(items)]

    made = with_balsam(ctx, work)
    if as_json or len(made) <= 20:
        emit(made, CREATED_COLUMNS, as_json)
    if not as_json:
        click.echo(f"{len(made)} job(s) created", err=len(made) <= 20)


def read_jobs(path: Path) -> list[dict[str, Any]]:
    """Read job bodies from a JSON list or a CSV file (see ``jobs create --help``).

    CSV columns: ``workdir``, ``app`` (name or id), the resource columns
    (``num_nodes``…), ``parent_ids`` (ids separated by spaces), and any number of
    ``tag:KEY`` and ``param:KEY`` columns.

    Raises:
        BadQuery: the file is not such a list or table (the message names the row).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadQuery(f"cannot read {path}: {exc}") from exc
    if path.suffix.lower() == ".csv":
        return [_csv_row(row, n) for n, row in enumerate(csv.DictReader(text.splitlines()), 2)]
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise BadQuery(f"{path} is not JSON: {exc}") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadQuery(f"{path} must hold a JSON list of job objects")
    return [{("app_id" if k == "app" else k): v for k, v in item.items()} for item in items]


def _csv_row(row: dict[str, str], line: int) -> dict[str, Any]:
    job: dict[str, Any] = {"tags": {}, "parameters": {}}
    for column, value in row.items():
        if column is None or value in (None, ""):
            continue
        name = column.strip()
        if name.startswith("tag:"):
            job["tags"][name[4:]] = value
        elif name.startswith("param:"):
            job["parameters"][name[6:]] = value
        elif name in ("app", "app_id"):
            job["app_id"] = value
        elif name == "parent_ids":
            job["parent_ids"] = [int(p) for p in value.replace(";", " ").split() if p.isdigit()]
        elif name == "workdir" or name in RESOURCE_COLUMNS:
            job[name] = value
        else:
            raise BadQuery(f"line {line}: unknown column '{name}'")
    return job


def _report(report: BulkReport | None, verb: str, as_json: bool) -> None:
    if report is None:
        click.echo("No job matches; nothing changed.")
    elif as_json:
        emit([report.to_json()], list(report.to_json()), True)
    else:
        click.echo(report.describe(verb))


async def _counted(client: BalsamClient, spec: JobSpec, action: str) -> Any:
    query = await job_query(client, spec)
    if not query.params():
        raise BadQuery("give at least one filter (--state, --tag, --site, --app, --id…)")
    client.check_writable(action)
    return query, await query.count()


def _update(filter_options: Filters, take: TakeFilters) -> click.Command:
    @click.command("update")
    @filter_options
    @click.option(
        "--set-state",
        "new_state",
        type=click.Choice(JOB_STATES, case_sensitive=False),
        help="The state to set.",
    )
    @click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="FIELD=VALUE",
        help='A field to set, e.g. num_nodes=4 or tags=\'{"a":"b"}\' (repeat).',
    )
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @confirm_option
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    @handles_errors
    def update(
        ctx: click.Context,
        new_state: str | None,
        assignments: tuple[str, ...],
        yes: bool,
        confirm: str | None,
        as_json: bool,
        **filters: Any,
    ) -> None:
        """Set fields (or the state) of every job matching the filters; asks, naming the count."""
        spec = take(filters)
        patch = _patch(new_state, assignments)
        shown = ", ".join(f"{k}={v}" for k, v in patch.items())

        async def work(client: BalsamClient) -> BulkReport | None:
            query, matched = await _counted(client, spec, "update jobs")
            if matched == 0:
                return None
            # a blocking question inside the loop: nothing else runs while the operator reads
            target = f" to {patch['state']}" if list(patch) == ["state"] else f": {shown}"
            confirm_destructive(ctx, f"set {matched} jobs{target}", yes, confirm)
            report: BulkReport = await query.update(**patch)
            return report

        _report(with_balsam(ctx, work), "changed", as_json)

    return update


def _patch(new_state: str | None, assignments: tuple[str, ...]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    try:
        for text in assignments:
            name, value = parse_assignment(text)
            patch[name] = value
    except ConsoleError as exc:
        raise click.BadParameter(exc.message, param_hint="--set") from exc
    if new_state:
        patch["state"] = new_state.upper()
    if not patch:
        raise click.UsageError("give --set-state STATE or --set FIELD=VALUE")
    return patch


def _tag(filter_options: Filters, take: TakeFilters) -> click.Command:
    @click.command("tag")
    @filter_options
    @click.option(
        "--add",
        "added",
        multiple=True,
        required=True,
        metavar="K:V",
        callback=pairs,
        help="A tag to add (repeat for several).",
    )
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @confirm_option
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    @handles_errors
    def tag(
        ctx: click.Context,
        added: dict[str, str],
        yes: bool,
        confirm: str | None,
        as_json: bool,
        **filters: Any,
    ) -> None:
        """Add tags to every job matching the filters (other tags are kept)."""
        spec = take(filters)
        words = " ".join(f"{k}:{v}" for k, v in added.items())

        async def work(client: BalsamClient) -> BulkReport | None:
            query, matched = await _counted(client, spec, "tag jobs")
            if matched == 0:
                return None
            confirm_destructive(ctx, f"tag {matched} jobs with {words}", yes, confirm)
            report: BulkReport = await client.jobs.add_tags(query, added)
            return report

        _report(with_balsam(ctx, work), f"tagged {words}", as_json)

    return tag


def _delete(filter_options: Filters, take: TakeFilters) -> click.Command:
    @click.command("delete")
    @filter_options
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @confirm_option
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    @handles_errors
    def delete(
        ctx: click.Context, yes: bool, confirm: str | None, as_json: bool, **filters: Any
    ) -> None:
        """Delete every job matching the filters; jobs a launcher holds are kept."""
        spec = take(filters)

        async def work(client: BalsamClient) -> BulkReport | None:
            query, matched = await _counted(client, spec, "delete jobs")
            if matched == 0:
                return None
            confirm_destructive(ctx, f"delete {matched} jobs", yes, confirm)
            report: BulkReport = await query.delete()
            return report

        _report(with_balsam(ctx, work), "deleted", as_json)

    return delete
