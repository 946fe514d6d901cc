"""Column types guessed the way PostgreSQL reads the text, and COPY lines traced to input rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console.backends.datajobs import (
    ColumnType,
    LineMap,
    column_names,
    merge,
    text_type,
    value_type,
)
from console.backends.datajobs._csv import looks_like_header, sniff
from console.backends.datajobs._preview import format_of

T = ColumnType


@pytest.mark.parametrize(
    ("text", "kind"),
    [("42", T.INTEGER), ("-7", T.INTEGER), ("007", T.TEXT), ("9223372036854775808", T.DECIMAL),
     ("1.5", T.DECIMAL), (".5", T.DECIMAL), ("1e5", T.DECIMAL), ("e5", T.TEXT),
     ("1,234", T.TEXT), ("true", T.BOOLEAN), ("No", T.BOOLEAN), ("2026-02-28", T.DATE),
     ("2026-02-30", T.TEXT), ("2026-01-02 03:04:05+02", T.TIMESTAMPTZ),
     ("2026-01-02T03:04:05.123Z", T.TIMESTAMPTZ), ("2026-01-02 25:00", T.TEXT),
     ('{"a": 1}', T.JSON), ("[1, 2]", T.JSON), ("{not json", T.TEXT), ("", None), ("  ", None),
     ("hello", T.TEXT)],
    ids=lambda v: repr(v),
)
def test_text_reads_as_postgres_would(text: str, kind: ColumnType | None) -> None:
    assert text_type(text) is kind


@pytest.mark.parametrize(
    ("value", "kind"),
    [(True, T.BOOLEAN), (3, T.INTEGER), (2**70, T.DECIMAL), (1.5, T.DECIMAL),
     (Decimal("0.10"), T.DECIMAL), (dt.datetime(2026, 1, 1), T.TIMESTAMPTZ),
     (dt.date(2026, 1, 1), T.DATE), ({"a": 1}, T.JSON), ([1], T.JSON), (b"\x00", T.BYTES),
     ("2026-01-01", T.DATE), ("12", T.TEXT), ('{"k": 2}', T.JSON), (None, None), ("", None)],
    ids=lambda v: repr(v),
)
def test_library_values_keep_their_type(value: object, kind: ColumnType | None) -> None:
    assert value_type(value) is kind


def test_merging_widens_numbers_and_dates_else_text() -> None:
    assert merge([T.INTEGER, None, T.DECIMAL]) is T.DECIMAL
    assert merge([T.DATE, T.TIMESTAMPTZ]) is T.TIMESTAMPTZ
    assert merge([T.INTEGER, T.BOOLEAN]) is T.TEXT
    assert merge([None, None]) is T.TEXT


def test_column_names_are_never_empty_or_repeated() -> None:
    assert column_names(["id", "", " Name ", "name", None]) == [
        "id", "column_2", "Name", "name_2", "column_5"]


def test_type_names_as_operators_type_them() -> None:
    assert ColumnType.parse("INT") is T.INTEGER and ColumnType.parse("jsonb") is T.JSON
    assert T.JSON.sql == "jsonb" and T.INTEGER.sql == "bigint"
    with pytest.raises(ValueError, match="use one of integer"):
        ColumnType.parse("money")


def test_csv_layout_is_sniffed() -> None:
    layout = sniff(b"\xef\xbb\xbfid;when;ok\n1;2026-01-01;t\n2;2026-01-02;f\n", complete=True)
    assert (layout.delimiter, layout.header, layout.names) == (";", True, ["id", "when", "ok"])
    assert layout.types == [T.INTEGER, T.DATE, T.BOOLEAN]
    headless = sniff(b"1,2\n3,4\n", complete=True)
    assert (headless.header, headless.names) == (False, ["column_1", "column_2"])
    cut = sniff(b"a,b\n1,2\n3,4", complete=False)  # the head cut the last line in two
    assert len(cut.rows) == 1


def test_a_header_is_distinct_non_data_names() -> None:
    assert looks_like_header(["id", "name"])
    assert not looks_like_header(["1", "name"]) and not looks_like_header(["a", "a"])


def test_format_from_the_name_or_the_first_bytes() -> None:
    assert format_of("x.TSV") == "csv" and format_of("https://h/a.jsonl?x=1") == "json"
    assert format_of("x.db") == "sqlite" and format_of("x.ods") == "xlsx"
    assert format_of("data", head=b"SQLite format 3\x00...") == "sqlite"
    assert format_of("data", head=b"PK\x03\x04") == "xlsx"
    assert format_of("data", head=b"  [{") == "json" and format_of("data", head=b"a,b") == "csv"


def test_line_map_follows_multi_line_rows_and_gaps() -> None:
    lines = LineMap()
    lines.add_run(1, 3)  # input rows 1-3: COPY lines 1-3
    lines.add(4, lines=3)  # row 4 spans COPY lines 4-6
    lines.add(5)
    lines.add(9)  # rows 6-8 were blank lines in the input
    assert [lines.place_of(n) for n in range(1, 9)] == [1, 2, 3, 4, 4, 4, 5, 9]
    assert lines.place_of(0) is None
