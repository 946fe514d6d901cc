"""Query rows to Arrow for the grid, and the status line's words."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pyarrow as pa
import pytest

from console.ui.sql.result_table import arrow_type, as_text, schema, status_text, to_batch, to_cells


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [("integer", pa.int64()), ("bigint", pa.int64()), ("double precision", pa.float64()),
     ("boolean", pa.bool_()), ("numeric", pa.string()), ("timestamp with time zone", pa.string()),
     ("jsonb", pa.string())],
)
def test_column_type_decides_arrow_type(type_name: str, expected: pa.DataType) -> None:
    """The declared type, not the values, picks the Arrow type."""
    assert arrow_type(type_name) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("12345678901234567890.000001"), "12345678901234567890.000001"),
     (dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "2026-01-02 03:04:05+00:00"),
     (b"\x00\xff", "\\x00ff"), (memoryview(b"ab"), "\\x6162"),
     ({"a": [1, "é"]}, '{"a": [1, "é"]}'),
     (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"), (None, None), ("[b]x", "[b]x")],
)
def test_values_shown_without_loss(value: object, shown: str | None) -> None:
    """Numerics keep every digit; bytes read as psql shows them; markup stays text."""
    assert as_text(value) == shown


def test_later_pages_fit_the_first_schema() -> None:
    """A page whose first values are NULL still converts into the first page's types."""
    result_schema = schema(["id", "amount", "seen"], ["integer", "numeric", "timestamp"])
    first = to_batch(result_schema, [(1, Decimal("1.50"), dt.datetime(2026, 1, 1))])
    rows = [(None, None, None), (3, Decimal("2"), dt.datetime(2026, 1, 2))]
    later = to_batch(result_schema, rows)
    table = pa.Table.from_batches([first, later])
    assert table.column("id").to_pylist() == [1, None, 3]
    assert table.column("amount").to_pylist() == ["1.50", None, "2"]


def test_cells_match_batches() -> None:
    """Rows for add_rows are converted by the same rules as batches."""
    result_schema = schema(["n", "x"], ["bigint", "numeric"])
    assert to_cells(result_schema, [(7, Decimal("0.1"))]) == [[7, "0.1"]]


def test_duplicate_column_names_are_kept() -> None:
    """`select 1 as a, 2 as a` has two columns named a."""
    assert schema(["a", "a"], ["integer", "integer"]).names == ["a", "a"]


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"rows": 1000, "exhausted": False, "elapsed": 0.004, "status": "SELECT 1000",
          "has_rows": True}, "1,000+ rows, more on scroll · 4 ms"),
        ({"rows": 1, "exhausted": True, "elapsed": 0.0123, "status": "SELECT 1", "has_rows": True},
         "1 row · 12 ms"),
        ({"rows": 3, "exhausted": True, "elapsed": 0.002, "status": "INSERT 0 3",
          "has_rows": False}, "INSERT 0 3 · 2 ms"),
        ({"rows": 500, "exhausted": False, "elapsed": 12.5, "status": "", "has_rows": True,
          "cancelled": True}, "500 rows shown, cancelled · 12.5 s"),
    ],
    ids=["more", "one", "no-rows", "cancelled"],
)
def test_status_line(kwargs: dict[str, object], text: str) -> None:
    """The status line says how many rows, whether more come, and how long it took."""
    assert status_text(**kwargs) == text  # type: ignore[arg-type]
