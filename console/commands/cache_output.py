"""How ``fleet-console cache`` prints: values as trees, scans and SQL rows streamed page by page.

Nothing here holds more than one page: the widths of a table grow as wider
values arrive, and JSON arrays are written an element at a time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

import click

from console.commands.output import cell, dumps
from console.errors import ConsoleError

if TYPE_CHECKING:
    from console.backends.ignite import CacheInfo, CacheScan, Entry, IgniteClient

SQL_PAGE = 1024


def confirmed(question: str, refused: str) -> bool:
    """Ask on the terminal; without an answer (no stdin) the answer is no."""
    try:
        answer = click.confirm(question, default=False, err=True)
    except click.Abort:
        click.echo(f"\nNo answer on stdin: {refused}. Pass --yes to go ahead without asking.",
                   err=True)
        return False
    if not answer:
        click.echo(f"Not done: {refused}.", err=True)
    return answer


def lookup(client: IgniteClient, cache: str, key: str, key_type: str) -> Entry | None:
    """Get a key; under ``auto``, digits are tried as a Long, then as an Int."""
    from console.backends.ignite import typed

    first = typed(key, key_type)
    found = client.get(cache, first)
    if found is None and key_type == "auto" and first.type_name == "long":
        try:
            as_int = typed(key, "int")
        except ConsoleError:  # out of Int's range: no Int key can match
            return None
        found = client.get(cache, as_int)
    return found


def describe_cache(info: CacheInfo) -> None:
    size = f"{info.size:,}" if info.size is not None else "unknown"
    click.echo(f"{info.name}: {size} entries, {info.mode}, {info.backups} backup(s), "
               f"{info.atomicity}" + (f", SQL schema {info.sql_schema}" if info.sql_schema else ""))
    for entity in info.entities:
        click.echo(f"table {entity.table} (key {entity.key_type}, value {entity.value_type})")
        for field in entity.fields:
            click.echo(f"  {field.name:<24} {field.type_name}{'  key' if field.is_key else ''}")


def print_value(entry: Entry) -> None:
    """The value alone: a string as it is, anything structured as indented JSON."""
    from console.backends.ignite import tree

    shown = tree(entry.value)
    if isinstance(shown, str):
        click.echo(shown)
    else:
        click.echo(json.dumps(shown, default=str, ensure_ascii=False, indent=2))


def stream_scan(scan: CacheScan, limit: int | None, as_json: bool, stream: IO[str]) -> int:
    """Write a scan's entries as they come; return how many."""
    count = 0
    widths = [3, 4]
    with scan:
        if as_json:
            stream.write("[")
        while page := scan.next_page():
            if limit is not None:
                page = page[: limit - count]
            if as_json:
                for entry in page:
                    stream.write(("," if count else "") + "\n  " + dumps(entry.to_json()))
                    count += 1
            else:
                count += _scan_rows(page, widths, count == 0, stream)
            stream.flush()
            if limit is not None and count >= limit:
                break
        if as_json:
            stream.write("\n]\n" if count else "]\n")
    if not as_json:
        click.echo(f"({count:,} entries{', limit reached' if limit and count >= limit else ''})",
                   err=True)
    return count


def _scan_rows(page: list[Entry], widths: list[int], header: bool, stream: IO[str]) -> int:
    rows = [(_flat(e.key_text), e.value_type, e.preview(100)) for e in page]
    widths[0] = max([widths[0], *(len(r[0]) for r in rows)])
    widths[1] = max([widths[1], *(len(r[1]) for r in rows)])
    if header:
        stream.write(f"{'KEY':<{widths[0]}}  {'TYPE':<{widths[1]}}  VALUE\n")
    for key, kind, value in rows:
        stream.write(f"{key:<{widths[0]}}  {kind:<{widths[1]}}  {value}\n")
    return len(rows)


def _flat(text: str) -> str:
    return text.replace("\n", "\\n").replace("\t", " ")


def argument(text: str) -> Any:
    """A ``--arg``: ``TYPE:value`` when TYPE names a type, else read as ``auto``."""
    from console.backends.ignite import TYPES, typed

    kind, sep, rest = text.partition(":")
    if sep and kind.lower() in TYPES:
        return typed(rest, kind).pair()
    return typed(text, "auto").pair()


def stream_sql(client: IgniteClient, query: str, args: Sequence[Any], schema: str, fmt: str,
               stream: IO[str]) -> None:
    """Run one statement; print its rows as they stream, or its count of changed rows."""
    from console.backends.ignite import plain

    cursor = client.sql(query, args=args, schema=schema, page_size=SQL_PAGE)
    try:
        if cursor.rowcount is not None and not cursor.is_read:
            click.echo(f"{cursor.rowcount} row(s) changed", err=fmt != "table")
            return
        pages = _pages(cursor, plain)
        {"json": _json_rows, "csv": _csv_rows}.get(fmt, _table_rows)(cursor.columns, pages,
                                                                      stream)
    finally:
        cursor.close()


def _pages(cursor: Any, plain: Any) -> Any:
    rows = cursor.first_rows
    while rows:
        yield [[plain(v) for v in row] for row in rows]
        rows = cursor.fetch(SQL_PAGE)


def _json_rows(columns: list[str], pages: Any, stream: IO[str]) -> None:
    first = True
    stream.write("[")
    for page in pages:
        for row in page:
            stream.write(("" if first else ",") + "\n  " + dumps(dict(zip(columns, row))))
            first = False
        stream.flush()
    stream.write("]\n" if first else "\n]\n")


def _csv_rows(columns: list[str], pages: Any, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for page in pages:
        writer.writerows([["" if v is None else cell(v) for v in row] for row in page])
        stream.flush()


def _table_rows(columns: list[str], pages: Any, stream: IO[str]) -> None:
    widths = [len(c) for c in columns]
    count = 0
    for page in pages:
        texts = [[_flat(cell(v)) for v in row] for row in page]
        widths = [max([w, *(len(t[i]) for t in texts)]) for i, w in enumerate(widths)]
        if count == 0:
            stream.write(" | ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
            stream.write("-+-".join("-" * w for w in widths) + "\n")
        for text in texts:
            stream.write(" | ".join(t.ljust(w) for t, w in zip(text, widths)).rstrip() + "\n")
        count += len(texts)
        stream.flush()
    if count == 0:
        stream.write(" | ".join(columns) + "\n")
    stream.write(f"({count} row{'' if count == 1 else 's'})\n")
