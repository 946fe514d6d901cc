"""``fleet-console crate sql``: one statement on the profile's CrateDB cluster.

``--arg`` values are read as JSON when they parse (``10``, ``true``, ``null``,
``{"a": 1}``) and as text otherwise; ``'"10"'`` is the text ``10``. Rows go
to stdout; the status and the node that answered go to stderr, so stdout
stays data for ``json`` and ``csv``.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click

from console.commands.context import current, handles_errors
from console.commands.output import cell, dumps, emit


@click.group()
def crate() -> None:
    """SQL on the profile's CrateDB cluster."""


@crate.command()
@click.argument("statement")
@click.option("--arg", "args", multiple=True, metavar="V",
              help="A value for the next ? placeholder (JSON if it parses, else text).")
@click.option("--schema", metavar="NAME", help="Default schema (the profile's, else doc).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="How to print rows.")
@click.pass_context
@handles_errors
def sql(ctx: click.Context, statement: str, args: tuple[str, ...], schema: str | None,
        fmt: str) -> None:
    """Run STATEMENT (one, with ? placeholders) and print its rows."""
    client = current(ctx).clients().crate()
    result = client.sql(statement, [_value(a) for a in args], schema=schema)
    names = [c.name for c in result.columns]
    if names:
        _print(names, result.rows, fmt)
    count = "?" if result.rowcount is None else f"{result.rowcount:,}"
    click.echo(f"{count} row(s) · {result.duration_ms:.1f} ms · answered by "
               f"{result.server or '?'}", err=True)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _print(names: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([["" if v is None else cell(v) for v in row] for row in rows])
    elif fmt == "json":
        click.echo(dumps([dict(zip(names, row)) for row in rows]))
    else:
        emit([dict(zip(names, row)) for row in rows], names, False)
