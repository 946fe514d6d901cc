"""JSON inputs: an array of objects (streamed by ijson) or one object per line.

Numbers keep their digits (decimals come back as ``Decimal``, not floats).
Columns are the keys of the first ``SAMPLE_ROWS`` objects in the order they
first appear; a later object with a key none of those had stops the import
at that object rather than dropping the key's values.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from console.backends.datajobs._errors import input_error, map_ijson_errors
from console.backends.datajobs._rows import Row, RowTable, infer, sampled
from console.errors import BadQuery


def read_json(stream: io.BufferedReader) -> RowTable:
    """Read a JSON array of objects, or newline-delimited objects, as one table.

    Raises:
        BadQuery: malformed JSON, an element that is not an object, or a key
            the first objects did not have (the message names the element or line).
    """
    first = _first_byte(stream)
    if not first:
        raise input_error("the JSON input is empty")
    if first == b"[":
        objects, unit = _array(stream), "element"
    else:
        objects, unit = _lines(stream), "line"
    head, everything = sampled(_checked(objects, unit))
    columns = _keys(obj for _, obj in head)
    sample = [[obj.get(c) for c in columns] for _, obj in head]
    rows = _as_rows(everything, columns, unit)
    return RowTable("", columns, infer(sample, len(columns)), sample, rows, unit)


def _array(stream: io.BufferedReader) -> Iterator[tuple[int, Any]]:
    import ijson

    number = 0
    try:
        with map_ijson_errors():
            for number, item in enumerate(ijson.items(stream, "item", use_float=False), 1):
                yield number, item
    except BadQuery as exc:  # ijson does not say where: after the last good element
        raise input_error(f"{exc.message} (after element {number:,})") from exc


def _lines(stream: io.BufferedReader) -> Iterator[tuple[int, Any]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline=None)
    try:
        for number, line in enumerate(text, 1):
            if line.strip():
                yield number, _decode(line, number)
    except UnicodeDecodeError as exc:
        raise input_error(f"not UTF-8 text ({exc.reason})") from exc


def _decode(line: str, number: int) -> Any:
    try:
        return json.loads(line, parse_float=Decimal)
    except ValueError as exc:
        raise input_error(f"malformed JSON: {exc}", number, "line") from exc


def _checked(objects: Iterator[tuple[int, Any]], unit: str) -> Iterator[Row]:
    for number, obj in objects:
        if not isinstance(obj, dict):
            kind = type(obj).__name__.replace("Decimal", "number").replace("str", "string")
            raise input_error(f"expected an object, found a {kind}", number, unit)
        yield number, obj  # type: ignore[misc]


def _keys(objects: Iterator[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for obj in objects:
        seen.update(dict.fromkeys(obj))
    return list(seen)


def _as_rows(objects: Iterator[Row], columns: list[str], unit: str) -> Iterator[Row]:
    known = set(columns)
    for number, obj in objects:
        record: dict[str, Any] = obj  # type: ignore[assignment]
        if len(record) > len(known) or not known.issuperset(record):
            extra = sorted(set(record) - known)[0]
            raise input_error(f"key {extra!r} is not among the columns found in the first "
                              f"objects ({', '.join(columns)})", number, unit)
        yield number, [record.get(c) for c in columns]


def _first_byte(stream: io.BufferedReader) -> bytes:
    """The first byte that is not whitespace, left unread (leading whitespace is consumed)."""
    while True:
        head = stream.peek(1)
        if not head:
            return b""
        stripped = head.lstrip()
        if stripped:
            return stripped[:1]
        stream.read(len(head))
