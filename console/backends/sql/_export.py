"""Save any engine's query result to CSV or JSON, page by page, through a ``SqlSession``.

PostgreSQL has faster ways (``COPY`` in ``console.backends.postgres.export_query``);
this is what the other engines use. The file appears whole or not at all: rows go
to a temporary file beside it, renamed over the target once the last row is written.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from console.backends.encoding import json_default, json_finite, unique_names
from console.backends.sql.engine import SqlRun, SqlSession
from console.errors import BadQuery, ConsoleError

FORMATS = ("csv", "json")
PAGE = 5000


def export_formats() -> tuple[str, ...]:
    """The formats ``export_run`` writes."""
    return FORMATS


def export_run(session: SqlSession, sql: str, path: str | os.PathLike[str], fmt: str) -> int:
    """Run ``sql`` on ``session`` and write every row to ``path``; return the row count.

    Raises:
        BadQuery: unknown format, or a statement that returns no rows.
        ConsoleError: the file cannot be written, or the engine failed.
    """
    if fmt not in FORMATS:
        raise BadQuery(f"cannot export as {fmt!r}: use csv or json", operation="export rows")
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        run = session.run(sql, batch=PAGE)
        try:
            if not run.has_rows:
                raise BadQuery("the statement returns no rows", operation="export rows")
            with temporary.open("w", encoding="utf-8", newline="") as out:
                count = (_csv if fmt == "csv" else _json)(run, out)
        finally:
            run.close()
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConsoleError(f"cannot write {target}: {exc.strerror or exc}",
                           title="Export failed", operation="export rows") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _pages(run: SqlRun) -> Iterable[list[tuple[Any, ...]]]:
    rows = run.first_rows
    while rows:
        yield rows
        rows = run.fetch(PAGE)


def _csv(run: SqlRun, out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow([column.name for column in run.columns])
    count = 0
    for rows in _pages(run):
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        count += len(rows)
    return count


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=json_default, ensure_ascii=False)
    return value


def _json(run: SqlRun, out: IO[str]) -> int:
    names = unique_names(column.name for column in run.columns)
    out.write("[")
    count = 0
    for rows in _pages(run):
        for row in rows:
            record = dict(zip(names, map(json_finite, row)))
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, default=json_default, ensure_ascii=False))
            count += 1
    out.write("\n]\n" if count else "]\n")
    return count
