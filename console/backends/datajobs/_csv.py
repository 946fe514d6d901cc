"""CSV: sniff the delimiter and header from the first lines, and preview them.

The rows themselves are not parsed here: an import hands the file's bytes
straight to ``COPY … FROM STDIN (FORMAT csv)``, so PostgreSQL's own CSV
parser reads them (as fast as ``psql \\copy``) and names the file's line
when a row is bad. Python's ``csv`` module reads only the preview.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from console.backends.datajobs._infer import column_names, infer_text_columns, text_type
from console.backends.datajobs._models import ColumnType, ImportColumn, PreviewTable

HEAD_BYTES = 1 << 18
"""Bytes read to sniff and preview a CSV: 256 KB, a thousand rows of most files."""
SAMPLE_ROWS = 1000
PREVIEW_ROWS = 20
DELIMITERS = ",;\t|"
BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is laid out, and its first rows."""

    delimiter: str
    header: bool
    names: list[str]
    types: list[ColumnType]
    rows: list[list[str]]
    """Up to ``SAMPLE_ROWS`` data rows (header left out)."""

    def preview(self) -> PreviewTable:
        """The columns and first rows, for the operator to check and retype."""
        columns = tuple(ImportColumn(n, t) for n, t in zip(self.names, self.types))
        width = len(self.names)
        shown = tuple(tuple((row + [""] * width)[:width]) for row in self.rows[:PREVIEW_ROWS])
        return PreviewTable("", columns, tuple(tuple(c or None for c in r) for r in shown))


def sniff(head: bytes, *, delimiter: str | None = None, header: bool | None = None,
          complete: bool = False) -> CsvLayout:
    """Read the layout of a CSV from its first bytes.

    Args:
        head: The file's first bytes (``HEAD_BYTES`` or the whole file).
        delimiter: The field separator; sniffed among ``, ; tab |`` when ``None``.
        header: Whether the first line names the columns; sniffed when ``None``.
        complete: ``head`` is the whole file (its last line is not cut short).
    """
    text = head.removeprefix(BOM).decode("utf-8", errors="replace")
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop the line the head cut in two
    delimiter = delimiter or _sniff_delimiter(text)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)][: SAMPLE_ROWS + 1]
    if header is None:
        header = bool(rows) and looks_like_header(rows[0])
    width = max((len(row) for row in rows), default=0)
    cells = rows[0] if header and rows else []
    names = column_names([*cells, *[""] * (width - len(cells))])
    data = rows[1:] if header else rows
    return CsvLayout(delimiter, header, names, infer_text_columns(data, width), data)


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def looks_like_header(row: list[str]) -> bool:
    """A first row names columns when its cells are distinct, non-empty, and none is data
    (a number, date, boolean or JSON)."""
    cells = [cell.strip() for cell in row]
    if not cells or any(not cell for cell in cells) or len(set(cells)) != len(cells):
        return False
    return all(text_type(cell) is ColumnType.TEXT for cell in cells)
