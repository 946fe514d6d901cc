"""Where the format libraries' errors become console errors: one context manager each.

Each is entered only by code already using its library, which it imports then,
so importing the data jobs package stays cheap for the CLI. A malformed input
is ``BadQuery`` (the operator's input is at fault); an input that cannot be
read at all (not a workbook, not a database) too, with the library's words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from console.errors import BadQuery, ConsoleError, NotFound, Unavailable


def input_error(message: str, position: int | None = None, unit: str = "line",
                where: str = "") -> BadQuery:
    """A ``BadQuery`` about the input, saying where (``line 12``, ``row 5 of sheet 'x'``).

    The position is also kept on the error as ``input_position`` = ``(position, unit)``,
    for the job record.
    """
    if position is not None:
        place = f"{unit} {position:,}" + (f" of {where}" if where else "")
        message = f"{place}: {message}"
    error = BadQuery(message, operation="read input")
    error.input_position = None if position is None else (position, unit)  # type: ignore[attr-defined]
    return error


@contextmanager
def map_sqlite_errors(path: str) -> Iterator[None]:
    """Translate ``sqlite3`` errors: a file that is no database, a locked or broken one."""
    try:
        yield
    except sqlite3.DatabaseError as exc:  # NotADatabase, corrupt pages, bad SQL
        raise BadQuery(f"{path} is not a readable SQLite database: {exc}",
                       operation="read SQLite") from exc
    except sqlite3.Error as exc:  # Interface, Warning: the file cannot be used
        raise Unavailable(f"cannot read SQLite file {path}: {exc}",
                          operation="read SQLite") from exc


@contextmanager
def map_calamine_errors(path: str) -> Iterator[None]:
    """Translate python-calamine errors: not a workbook, locked, a missing sheet."""
    import python_calamine as calamine

    try:
        yield
    except (calamine.WorksheetNotFound, calamine.TableNotFound) as exc:
        raise NotFound(f"{path}: {exc}", operation="read XLSX") from exc
    except calamine.PasswordError as exc:
        raise BadQuery(f"{path} is protected by a password", operation="read XLSX") from exc
    except (calamine.CalamineError, calamine.WorkbookClosed, calamine.TablesNotLoaded,
            calamine.TablesNotSupported) as exc:
        raise BadQuery(f"{path} is not a readable XLSX workbook: {exc}",
                       operation="read XLSX") from exc


@contextmanager
def map_ijson_errors() -> Iterator[None]:
    """Translate ijson errors (malformed or cut-off JSON) into ``BadQuery``."""
    import ijson

    try:
        yield
    except ijson.JSONError as exc:  # IncompleteJSONError included
        raise input_error(f"malformed JSON: {_first_line(exc)}") from exc


@contextmanager
def map_arrow_errors(operation: str) -> Iterator[None]:
    """Translate pyarrow errors: values that do not fit a column, a file that cannot be written."""
    import pyarrow as pa

    try:
        yield
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise BadQuery(f"cannot write these values: {_first_line(exc)}",
                       operation=operation) from exc
    except pa.ArrowIOError as exc:
        raise ConsoleError(f"cannot write the file: {_first_line(exc)}", title="Export failed",
                           operation=operation) from exc
    except pa.ArrowException as exc:
        raise Unavailable(f"Arrow failed: {_first_line(exc)}", operation=operation) from exc


@contextmanager
def map_xlsxwriter_errors(operation: str) -> Iterator[None]:
    """Translate xlsxwriter errors: bad sheet names, too many rows, a file it cannot close."""
    import xlsxwriter.exceptions as xw

    try:
        yield
    except xw.FileCreateError as exc:
        raise ConsoleError(f"cannot write the workbook: {exc}", title="Export failed",
                           operation=operation) from exc
    except xw.XlsxWriterException as exc:
        raise BadQuery(f"cannot write the workbook: {exc}", operation=operation) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
