"""``fleet-console sql``: run SQL from the command line and print the rows as they stream.

Statements run in order on one connection, as psql runs a script: ``SET``
lasts and ``BEGIN`` … ``COMMIT`` holds. The first failing statement stops the
script (exit 1) with the server's message and where it points. Results
stream with bounded memory: CSV of a query goes through ``COPY … TO STDOUT``
straight to stdout, everything else through a named cursor, a batch at a
time. Row results go to stdout; for ``json`` and ``csv``, the status of
statements without rows (``INSERT 0 3``) goes to stderr so stdout stays data. With
several statements, ``json`` prints one array holding each statement's rows (or
``{"status": "INSERT 0 3"}``), so stdout is one JSON document.

The text runs as written or not at all: a NUL byte anywhere refuses all of it
before anything is sent. Statements that drop, truncate, or update or delete
without ``WHERE`` are named and asked about first (``--yes``; ``--confirm NAME``
on a protected profile). A ``BEGIN`` left open at the end is rolled back and
reported (exit 1): nothing of it was committed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from console.commands.confirm import confirm_destructive, confirm_option
from console.commands.context import current, fail, handles_errors
from console.commands.output import cell
from console.errors import BadQuery, ConsoleError

if TYPE_CHECKING:  # psycopg2 and pglast are imported when SQL runs, not for --help
    from console.backends.postgres import QueryRun, Session, Statement

BATCH = 2000
"""Rows per fetch: enough to keep the server busy, few enough to keep memory flat."""
COPY_BUFFER = 1 << 20


@click.command()
@click.option("--db", "database", metavar="NAME", help="Database (default: the profile's dbname).")
@click.option("-q", "--query", metavar="SQL", help="SQL to run (several statements allowed).")
@click.option("-f", "--file", "path", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the SQL from FILE.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="How to print rows.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Value for %(NAME)s placeholders (repeatable), sent as a bound parameter.")
@click.option("--yes", is_flag=True, help="Run drops, truncates and WHERE-less writes unasked.")
@confirm_option
@click.pass_context
@handles_errors
def sql(ctx: click.Context, database: str | None, query: str | None, path: Path | None,
        fmt: str, params: tuple[str, ...], yes: bool, confirm: str | None) -> None:
    """Run SQL given with -q, read from -f FILE, or piped on stdin."""
    from console.backends.postgres import (
        check_parameters,
        parse_parameter,
        split_statements,
        warnings_for,
    )

    text = _source(query, path)
    _refuse_nul(text)
    statements = split_statements(text)
    if not statements:
        raise click.UsageError("no SQL statement found (only whitespace or comments)")
    values = dict(parse_parameter(p) for p in params)
    bound = [check_parameters(s.text, values) if values else None for s in statements]
    if values and not any(bound):
        raise click.UsageError("--param given, but no statement has a %(name)s placeholder")
    profile = current(ctx).profile()
    warnings = [w for s in statements for w in warnings_for(s.text)]
    if warnings and not profile.read_only:  # a read-only profile refuses them anyway
        confirm_destructive(ctx, f"run SQL that {'; '.join(warnings)}", yes, confirm)
    client = current(ctx).clients().postgres()
    document = fmt == "json" and len(statements) > 1
    try:
        with client.session(database or client.settings.dbname) as session, \
                _json_document(document):
            for number, (statement, bind) in enumerate(zip(statements, bound), 1):
                try:
                    _run(session, statement.text, fmt, bind,
                         element=(",\n" if number > 1 else "") if document else None)
                except BadQuery as exc:
                    where = f"statement {number}" if len(statements) > 1 else exc.operation
                    fail(_located(exc, text, statement, where), profile.secret_values())
            _refuse_open_block(session)
    except BrokenPipeError:
        # The reader (e.g. `| head`) has what it wanted; stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        client.close()


def _source(query: str | None, path: Path | None) -> str:
    """Return the SQL to run from exactly one of -q, -f or stdin."""
    if query is not None and path is not None:
        raise click.UsageError("give either -q SQL or -f FILE, not both")
    if query is not None:
        return query
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise click.UsageError(f"{path} is not UTF-8 text") from exc
        except OSError as exc:
            raise click.UsageError(f"cannot read {path}: {exc.strerror}") from exc
    stdin = click.get_text_stream("stdin")
    if stdin.isatty():
        raise click.UsageError("give SQL with -q SQL, -f FILE, or on stdin")
    return stdin.read()


def _refuse_nul(text: str) -> None:
    """Refuse the whole text before anything runs: libpq would cut a statement at a NUL."""
    at = text.find("\x00")
    if at >= 0:
        from console.backends.postgres import Statement

        whole = Statement(text, 0, len(text))
        error = BadQuery(f"the SQL holds a NUL byte (character {at + 1}); nothing was run",
                         position=at + 1)
        fail(_located(error, text, whole, "check SQL"))


def _refuse_open_block(session: Session) -> None:
    """A script that ends inside BEGIN committed nothing of it: say so, exit 1."""
    if session.in_transaction:
        session.close()  # rolls the block back
        fail(ConsoleError("the transaction was still open at the end (BEGIN without COMMIT): "
                          "it was rolled back and nothing in it was committed",
                          title="Rolled back", operation="run SQL"))


def _binary_stdout() -> contextlib.AbstractContextManager[IO[bytes]]:
    """Standard output as bytes, with a big buffer when it is a file descriptor."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):  # a stream of an embedding caller
        return contextlib.nullcontext(sys.stdout.buffer)
    return open(fd, "wb", buffering=COPY_BUFFER, closefd=False)


@contextmanager
def _json_document(wanted: bool) -> Iterator[None]:
    """With several statements, ``--format json`` prints one array, an element each.

    The array is closed even when a statement fails, so stdout stays one JSON document
    (of the statements that ran) and the exit code says the script did not finish.
    """
    if not wanted:
        yield
        return
    sys.stdout.write("[\n")
    try:
        yield
    finally:
        sys.stdout.write("]\n")
        sys.stdout.flush()


def _run(session: Session, statement: str, fmt: str,
         params: dict[str, Any] | None = None, *, element: str | None = None) -> None:
    """Run one statement and print what it returns.

    ``element`` is set inside a JSON document of several statements: the separator
    written before this statement's element, once it has run (a failed one adds none).
    """
    from console.backends.postgres import classify

    if fmt == "csv" and classify(statement).cursorable:
        sys.stdout.flush()
        # psycopg2 hands COPY data over one row per write(): a 1 MB buffer in front of
        # stdout took 1M rows from 3.0 s to 1.2 s (sys.stdout.buffer flushes every 8 KB).
        with _binary_stdout() as out:
            session.copy_csv(statement, out, params=params)  # type: ignore[arg-type]
        return
    with session.run(statement, batch=BATCH, params=params) as run:  # type: ignore[arg-type]
        if element is not None:
            sys.stdout.write(element)
        if not run.has_rows and element is not None:
            sys.stdout.write(json.dumps({"status": run.status}) + "\n")
        elif not run.has_rows:
            click.echo(run.status, err=fmt != "table")
        elif fmt == "json":
            from console.backends.postgres import json_default, write_json

            write_json(run, sys.stdout, json_default, batch=BATCH)
        elif fmt == "csv":
            _write_csv(run, sys.stdout)
        else:
            _write_table(run, sys.stdout)
    sys.stdout.flush()


def _write_csv(run: QueryRun, out: IO[str]) -> None:
    """CSV as COPY writes it: empty for NULL, ``t``/``f`` for booleans."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(column.name for column in run.columns)
    rows = run.first_rows
    while rows:
        writer.writerows([_csv_value(v) for v in row] for row in rows)
        rows = run.fetch(BATCH)


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "t" if value else "f"
    return "" if value is None else cell(value)


def _write_table(run: QueryRun, out: IO[str]) -> None:
    """Aligned columns, a batch at a time: widths come from the first batch and grow
    when wider values arrive later (holding every row to measure them would not stream)."""
    names = [column.name for column in run.columns]
    widths = [len(name) for name in names]
    rows, count = run.first_rows, 0
    while True:
        texts = [[_table_cell(v) for v in row] for row in rows]
        widths = [max([w, *(len(t[i]) for t in texts)]) for i, w in enumerate(widths)]
        if count == 0:
            out.write(" | ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip() + "\n")
            out.write("-+-".join("-" * w for w in widths) + "\n")
        for row, text in zip(rows, texts):
            out.write(" | ".join(_align(v, t, w) for v, t, w in zip(row, text, widths)).rstrip())
            out.write("\n")
        count += len(rows)
        if not rows:
            break
        rows = run.fetch(BATCH)
    out.write(f"({count} row{'' if count == 1 else 's'})\n")


def _table_cell(value: Any) -> str:
    return cell(value).replace("\n", "\\n").replace("\t", " ")


def _align(value: Any, text: str, width: int) -> str:
    numeric = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    return text.rjust(width) if numeric else text.ljust(width)


def _located(exc: BadQuery, text: str, statement: Statement, where: str | None) -> BadQuery:
    """Add where the server pointed: line and column in the whole script, and the line."""
    message = exc.message
    if exc.position is not None:
        offset = min(statement.start + exc.position - 1, len(text))
        line_start = text.rfind("\n", 0, offset) + 1
        line_end = text.find("\n", offset)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        number = text.count("\n", 0, offset) + 1
        column = offset - line_start + 1
        message += f"\nat line {number}, column {column}"
        if "password" not in line.lower():  # never echo a statement that may carry one
            prefix = f"LINE {number}: "
            message += f"\n{prefix}{line.expandtabs(1)}\n{' ' * (len(prefix) + column - 1)}^"
    return BadQuery(message, position=exc.position, profile=exc.profile, operation=where)
