"""Typed keys and values an operator types, and how values read back are shown."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from pyignite.datatypes import (
    BoolObject,
    DecimalObject,
    DoubleObject,
    IntObject,
    LongObject,
    String,
    TimestampObject,
    UUIDObject,
)

from console.backends.ignite import Entry, key_text, preview, tree, type_name, typed
from console.errors import BadQuery

CASES = [
    ("hello", "string", "hello", String),
    ("  spaced ", "string", "  spaced ", String),
    ("42", "long", 42, LongObject),
    ("-9223372036854775808", "long", -(2**63), LongObject),
    ("7", "int", 7, IntObject),
    ("2.5", "double", 2.5, DoubleObject),
    ("TRUE", "boolean", True, BoolObject),
    ("no", "boolean", False, BoolObject),
    ("6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e", "uuid",
     uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e"), UUIDObject),
    ("12500.75", "decimal", decimal.Decimal("12500.75"), DecimalObject),
    ('{"a": [1, 2]}', "json", '{"a": [1, 2]}', String),
    ("31", "auto", 31, LongObject),
    ("false", "auto", False, BoolObject),
    ("gw-001", "auto", "gw-001", String),
]


@pytest.mark.parametrize(("text", "kind", "value", "hint"), CASES,
                         ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_typed_reads_each_type(text: str, kind: str, value: object, hint: object) -> None:
    read = typed(text, kind)
    assert (read.value, read.hint) == (value, hint)


def test_a_timestamp_without_a_zone_is_utc_and_keeps_its_microseconds() -> None:
    read = typed("2026-01-15T09:30:00.123456", "timestamp")
    moment, nanos = read.value
    assert read.hint is TimestampObject
    assert moment == dt.datetime(2026, 1, 15, 9, 30, 0, 123456, tzinfo=dt.timezone.utc)
    assert nanos == 456_000


BAD = [
    ("4x", "long", "is not a long"),
    ("2147483648", "int", "out of range"),
    ("maybe", "boolean", "say true or false"),
    ("not-a-uuid", "uuid", "is not a uuid"),
    ("NaN", "decimal", "NaN and infinity"),
    ("{broken", "json", "not valid JSON"),
    ("yesterday", "timestamp", "is not a timestamp"),
    ("1", "complex", "unknown type"),
]


@pytest.mark.parametrize(("text", "kind", "words"), BAD, ids=[f"{b[1]}:{b[0]}" for b in BAD])
def test_text_that_does_not_read_as_its_type_is_a_bad_query(text: str, kind: str,
                                                              words: str) -> None:
    with pytest.raises(BadQuery) as caught:
        typed(text, kind)
    assert words in caught.value.message


def test_plain_values_name_their_type_and_preview() -> None:
    assert type_name("x") == "string"
    assert type_name('{"a": 1}') == "json"
    assert type_name(3) == "integer"
    assert type_name(decimal.Decimal("1.5")) == "decimal"
    assert type_name((dt.datetime(2026, 1, 1), 0)) == "timestamp"
    assert preview("a\nb   c") == "a b c"
    assert preview("x" * 100, width=10) == "x" * 9 + "…"


def test_json_strings_show_as_trees() -> None:
    assert tree('{"limits": {"alarm": true}}') == {"limits": {"alarm": True}}
    assert tree("[not json") == "[not json"


def test_an_entry_serialises_to_json() -> None:
    entry = Entry("k", (dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), 0))
    data = entry.to_json()
    assert data["value_type"] == "timestamp"
    assert json.dumps(data, default=str)
    assert key_text(12) == "12"
