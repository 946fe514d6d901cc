"""Print records as a table or as JSON, the same way for every subcommand."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from console.backends.encoding import json_default as encode_value


def json_default(value: Any) -> Any:
    """Encode what ``json`` does not know, the same way for every ``--json`` output."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "to_json"):
        return value.to_json()
    return encode_value(value)


def dumps(value: Any) -> str:
    """Serialise to JSON the way every ``--json`` output does."""
    return json.dumps(value, default=json_default, ensure_ascii=False)


def echo_json(value: Any) -> None:
    """Print one JSON document."""
    click.echo(json.dumps(value, default=json_default, ensure_ascii=False, indent=2))


def cell(value: Any) -> str:
    """Render one value for a plain-text table."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return dumps(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)


def echo_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as an aligned plain-text table with a header."""
    rendered = [[cell(row.get(col)) for col in columns] for row in rows]
    widths = [max([len(col)] + [len(r[i]) for r in rendered]) for i, col in enumerate(columns)]
    click.echo("  ".join(col.upper().ljust(w) for col, w in zip(columns, widths)).rstrip())
    for r in rendered:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def emit(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], as_json: bool) -> None:
    """Print rows as JSON (an array of objects) or as a table."""
    if as_json:
        echo_json([dict(row) for row in rows])
    else:
        echo_table(rows, columns)
