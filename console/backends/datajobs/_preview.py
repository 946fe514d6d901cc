"""Tell an input's format and show its first rows with the column types inferred.

The format comes from the file name (``.csv``, ``.tsv``, ``.json``,
``.ndjson``, ``.jsonl``, ``.xlsx``, ``.xls``, ``.ods``, ``.sqlite``, ``.db``…),
or, when the name says nothing, from the first bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.backends.datajobs import _csv, _json, _sqlite, _xlsx
from console.backends.datajobs._models import Preview
from console.backends.datajobs._rows import RowTable
from console.backends.datajobs._sources import (
    Check,
    display_name,
    local_file,
    open_source,
    suffix_of,
)
from console.errors import BadQuery

IMPORT_FORMATS = ("csv", "json", "xlsx", "sqlite")
_SUFFIXES = {
    "csv": "csv", "tsv": "csv", "txt": "csv", "json": "json", "ndjson": "json",
    "jsonl": "json", "xlsx": "xlsx", "xlsm": "xlsx", "xls": "xlsx", "xlsb": "xlsx",
    "ods": "xlsx", "sqlite": "sqlite", "sqlite3": "sqlite", "db": "sqlite", "db3": "sqlite",
}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_ZIP_MAGIC = b"PK\x03\x04"
READ_BUFFER = 1 << 20


def format_of(source: str, fmt: str | None = None, head: bytes | None = None) -> str | None:
    """The import format: as given, from the file name, else from the first bytes.

    Raises:
        BadQuery: ``fmt`` is not one of csv, json, xlsx, sqlite.
    """
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in IMPORT_FORMATS:
            raise BadQuery(f"cannot import {fmt!r}: use one of {', '.join(IMPORT_FORMATS)}",
                           operation="import data")
        return fmt
    by_name = _SUFFIXES.get(suffix_of(source))
    if by_name is not None or head is None:
        return by_name
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    return "json" if head.lstrip()[:1] in (b"[", b"{") else "csv"


def default_delimiter(source: str) -> str | None:
    """Tab for ``.tsv`` files; ``None`` (sniff) otherwise."""
    return "\t" if suffix_of(source) == "tsv" else None


def read_head(source: str, size: int = _csv.HEAD_BYTES,
              check: Check | None = None) -> tuple[bytes, bool]:
    """The first ``size`` bytes of an input, and whether that is all of it."""
    with open_source(source, check) as stream:
        head = b""
        while len(head) < size:
            chunk = stream.read(size - len(head))
            if not chunk:
                return head, True
            head += chunk
        return head, False


def preview(source: str, *, fmt: str | None = None, header: bool | None = None,
            delimiter: str | None = None, sheet: str | None = None,
            tables: tuple[str, ...] = (), workdir: Path | None = None) -> Preview:
    """Read the first rows of an input and infer its columns' types.

    Args:
        source: A file path or an ``http(s)`` URL.
        fmt: ``csv``, ``json``, ``xlsx`` or ``sqlite``; from the name or the bytes if ``None``.
        header: CSV and XLSX: whether the first row names the columns (CSV: sniffed if ``None``).
        delimiter: CSV: the field separator (sniffed if ``None``).
        sheet: XLSX: the sheet (the first if ``None``).
        tables: SQLite: the tables to show (all if empty).
        workdir: Where a downloaded XLSX or SQLite file is kept while it is read.

    Raises:
        NotFound: no such file (or URL), sheet or table.
        BadQuery: the input is not of its format, or malformed where it was read.
        Unavailable: the URL cannot be fetched.
    """
    head, complete = (None, False)
    if fmt is None and format_of(source) is None:
        head, complete = read_head(source)
    kind = format_of(source, fmt, head)
    assert kind is not None
    if kind == "csv":
        if head is None:
            head, complete = read_head(source)
        layout = _csv.sniff(head, delimiter=delimiter or default_delimiter(source),
                            header=header, complete=complete)
        return Preview(display_name(source), kind, (layout.preview(),), layout.header,
                       layout.delimiter)
    with row_tables(source, kind, header=header, sheet=sheet, tables=tables,
                    workdir=workdir) as found:
        shown = tuple(table.preview() for table in found)
    return Preview(display_name(source), kind, shown)


@contextmanager
def row_tables(source: str, fmt: str, *, header: bool | None = None, sheet: str | None = None,
               tables: tuple[str, ...] = (), workdir: Path | None = None,
               check: Check | None = None) -> Iterator[list[RowTable]]:
    """Open a JSON, XLSX or SQLite input as tables of rows; closed when the block ends.

    Raises:
        As ``preview``.
    """
    if fmt == "json":
        with open_source(source, check) as raw:
            yield [_json.read_json(io.BufferedReader(raw, READ_BUFFER))]
        return
    with local_file(source, workdir, check) as path:
        found = _tables_of(path, fmt, header, sheet, tables)
        try:
            yield found
        finally:
            for table in found:
                table.close()


def _tables_of(path: Path, fmt: str, header: bool | None, sheet: str | None,
               tables: tuple[str, ...]) -> list[RowTable]:
    if fmt == "xlsx":
        return [_xlsx.read_sheet(path, sheet, header=header is not False)]
    names = list(tables) or _sqlite.table_names(path)
    if not names:
        raise BadQuery(f"{path} holds no tables", operation="read SQLite")
    return [_sqlite.read_table(path, name) for name in names]
