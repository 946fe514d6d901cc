"""``fleet-console import FILE|URL --table NAME``: load CSV, JSON, XLSX or SQLite as a data job.

The file's format comes from its name (or ``--format``); column types are
inferred from the first rows, ``--type col=TYPE`` changes any of them. With
neither ``--create`` nor ``--append``, a missing table is created and an
existing one refused. Everything is one transaction: a failure leaves nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import click

from console.commands.context import current, handles_errors
from console.commands.jobs_output import print_job, show_progress


@click.command("import")
@click.argument("source", metavar="FILE|URL")
@click.option("--table", "tables", multiple=True, metavar="NAME",
              help="Target table (SQLite: the tables to import, all when omitted; repeatable).")
@click.option("--db", "database", metavar="NAME", help="Database (default: the profile's dbname).")
@click.option("--schema", default="public", show_default=True, help="Target schema.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "sqlite"]),
              help="Input format (default: from the file name, else its first bytes).")
@click.option("--create", "mode", flag_value="create",
              help="Create the table; refuse if it exists.")
@click.option("--append", "mode", flag_value="append",
              help="Add rows to the existing table; refuse if it is missing.")
@click.option("--header/--no-header", default=None,
              help="CSV/XLSX: the first row names the columns (CSV default: sniffed).")
@click.option("--delimiter", metavar="CHAR", help="CSV field separator (default: sniffed).")
@click.option("--sheet", metavar="NAME", help="XLSX sheet (default: the first).")
@click.option("--type", "types", multiple=True, metavar="COLUMN=TYPE",
              help="Column type: integer, decimal, text, boolean, date, timestamptz, json.")
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON.")
@click.pass_context
@handles_errors
def import_command(ctx: click.Context, source: str, tables: tuple[str, ...],
                   database: str | None, schema: str, fmt: str | None, mode: str | None,
                   header: bool | None, delimiter: str | None, sheet: str | None,
                   types: tuple[str, ...], as_json: bool) -> None:
    """Import FILE or an http(s) URL into a table, as a tracked data job."""
    from console.backends.datajobs import format_of
    from console.backends.postgres import ImportMode, ImportRequest, import_data

    kind = format_of(source, fmt)
    if kind != "sqlite" and len(tables) != 1:
        raise click.UsageError("name the target table once with --table NAME")
    client = current(ctx).clients().postgres()
    try:
        request = ImportRequest(
            source, database or client.settings.dbname,
            table=tables[0] if kind != "sqlite" else None, schema=schema, fmt=fmt,
            mode=ImportMode(mode or "auto"), header=header, delimiter=delimiter, sheet=sheet,
            tables=tables if kind == "sqlite" else ())
        if types:
            request = replace(request, columns=_retyped(request, types))
        job = import_data(client, request, on_start=show_progress)
    finally:
        client.close()
    if job.error_type in ("Conflict", "NotFound"):
        job.error_details = _with_flags(job.error_type, job.error_details or "", mode)
    print_job(job, as_json)


def _retyped(request: Any, types: tuple[str, ...]) -> tuple[Any, ...]:
    """The inferred columns with ``--type`` applied (read from a preview of the input)."""
    from console.backends.datajobs import ColumnType, preview

    wanted: dict[str, ColumnType] = {}
    for item in types:
        name, sep, kind = item.partition("=")
        if not sep:
            raise click.UsageError(f"--type {item!r} is not COLUMN=TYPE")
        try:
            wanted[name.strip()] = ColumnType.parse(kind)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
    shown = preview(request.source, fmt=request.fmt, header=request.header,
                    delimiter=request.delimiter, sheet=request.sheet, tables=request.tables)
    if len(shown.tables) != 1:
        raise click.UsageError("--type applies to one table: choose it with --table")
    columns = shown.tables[0].columns
    unknown = sorted(set(wanted) - {c.name for c in columns})
    if unknown:
        known = ", ".join(c.name for c in columns)
        raise click.UsageError(f"--type names no column {unknown[0]!r} (columns: {known})")
    return tuple(replace(c, type=wanted.get(c.name, c.type)) for c in columns)


def _with_flags(kind: str | None, message: str, mode: str | None) -> str:
    if kind == "Conflict" and "already exists" in message:
        return message.split(":")[0] + ": use --append to add rows to it, or --table to name " \
            "a new table"
    if kind == "NotFound" and "nothing to append" in message:
        return message.split(":")[0] + ": leave out --append (or use --create) to create it"
    return message
