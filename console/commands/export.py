"""``fleet-console export (--table NAME | -q SQL) -o FILE``: CSV, JSON, XLSX or Parquet, as a job.

The format comes from the file's extension unless ``--format`` names it.
Values for ``%(name)s`` placeholders in ``-q`` are given with ``--param``.
The file appears whole when the job is DONE, or not at all.
"""

from __future__ import annotations

import click

from console.commands.context import current, handles_errors
from console.commands.jobs_output import print_job, show_progress


@click.command("export")
@click.option("--table", metavar="NAME", help="Export every row of this table.")
@click.option("-q", "--query", metavar="SQL", help="Export the rows of this query.")
@click.option("-o", "--output", "path", required=True, metavar="FILE", help="File to write.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "parquet"]),
              help="Output format (default: from the file's extension).")
@click.option("--db", "database", metavar="NAME", help="Database (default: the profile's dbname).")
@click.option("--schema", default="public", show_default=True, help="The table's schema.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Value for %(NAME)s in the query (repeatable); sent as a parameter.")
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON.")
@click.pass_context
@handles_errors
def export(ctx: click.Context, table: str | None, query: str | None, path: str, fmt: str | None,
           database: str | None, schema: str, params: tuple[str, ...], as_json: bool) -> None:
    """Export a table or a query's rows to FILE, as a tracked data job."""
    from console.backends.postgres import (
        ExportRequest,
        check_parameters,
        export_data,
        export_format,
        parse_parameter,
    )

    if (table is None) == (query is None):
        raise click.UsageError("give either --table NAME or -q SQL")
    export_format(path, fmt)  # a bad name is a usage error before anything runs
    values = dict(parse_parameter(p) for p in params)
    bound = check_parameters(query, values) if query is not None else None
    if values and bound is None:
        raise click.UsageError("--param given, but the query has no %(name)s placeholder")
    client = current(ctx).clients().postgres()
    try:
        request = ExportRequest(database or client.settings.dbname, path, fmt, query=query,
                                table=table, schema=schema, params=bound)
        job = export_data(client, request, on_start=show_progress)
    finally:
        client.close()
    print_job(job, as_json)
