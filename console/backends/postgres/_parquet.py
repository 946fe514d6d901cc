"""Write rows to Parquet with PostgreSQL's types kept as the right Arrow types.

integer → int16/int32/int64, numeric(p, s) → decimal128(p, s), boolean → bool,
timestamp → timestamp[us], timestamptz → timestamp[us, UTC], date → date32,
time → time64[us], interval → duration[us], json/jsonb → Arrow's JSON
extension type, uuid → Arrow's UUID extension type, bytea → binary, arrays of
those scalars → lists, text and everything else → string.

A ``numeric`` declared without precision has no fixed scale: the first
batch's values choose it, and a later value that needs more digits stops the
export (nothing is rounded), with a hint to cast the column in the query.
Rows are gathered into row groups of ``ROW_GROUP`` rows, so memory stays flat.
"""

from __future__ import annotations

import decimal
import itertools
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.backends.datajobs import JobHandle, map_arrow_errors
from console.backends.postgres._rows_out import OutColumn, RowBatches
from console.errors import BadQuery

if TYPE_CHECKING:
    import pyarrow as pa

ROW_GROUP = 100_000
_SCALARS = {16: "bool_", 21: "int16", 23: "int32", 20: "int64", 26: "int64", 700: "float32",
            701: "float64", 25: "string", 1043: "string", 1042: "string", 19: "string",
            1082: "date32", 17: "binary"}
_ARRAYS = {1000: 16, 1005: 21, 1007: 23, 1016: 20, 1021: 700, 1022: 701, 1009: 25, 1015: 1043}
JSON_OIDS = (114, 3802)
NUMERIC, TIMESTAMP, TIMESTAMPTZ, TIME, INTERVAL, UUID = 1700, 1114, 1184, 1083, 1186, 2950


def arrow_type(column: OutColumn, first: list[Any]) -> pa.DataType:
    """The Arrow type of a result column (``first``: its first values, for bare numerics)."""
    import pyarrow as pa

    oid = column.oid
    if oid in _SCALARS:
        return getattr(pa, _SCALARS[oid])()
    if oid in _ARRAYS:
        return pa.list_(getattr(pa, _SCALARS[_ARRAYS[oid]])())
    if oid == NUMERIC:
        return _decimal_type(column, first)
    special = {TIMESTAMP: pa.timestamp("us"), TIMESTAMPTZ: pa.timestamp("us", tz="UTC"),
               TIME: pa.time64("us"), INTERVAL: pa.duration("us"), UUID: pa.uuid()}
    if oid in special:
        return special[oid]
    return pa.json_() if oid in JSON_OIDS else pa.string()


def _decimal_type(column: OutColumn, first: list[Any]) -> pa.DataType:
    import pyarrow as pa

    if column.precision is not None and column.scale is not None:
        precision, scale = column.precision, column.scale
    else:
        finite = [v for v in first if isinstance(v, decimal.Decimal) and v.is_finite()]
        scale = max((max(-v.as_tuple().exponent, 0) for v in finite), default=0)  # type: ignore[operator]
        digits = max((v.adjusted() + 1 for v in finite if v), default=1)
        precision = 38 if max(digits, 1) + scale <= 38 else 76
    return pa.decimal128(precision, scale) if precision <= 38 else pa.decimal256(precision, scale)


def _converter(kind: pa.DataType) -> Callable[[list[Any]], pa.Array]:
    import pyarrow as pa

    if isinstance(kind, pa.BaseExtensionType):
        storage = kind.storage_type
        prepare = _uuid_bytes if kind == pa.uuid() else _text
        return lambda values: pa.ExtensionArray.from_storage(
            kind, pa.array([prepare(v) for v in values], storage))
    if kind == pa.string():
        return lambda values: pa.array([_text(v) for v in values], kind)
    if kind == pa.binary():
        return lambda values: pa.array([None if v is None else bytes(v) for v in values], kind)
    return lambda values: pa.array(values, kind)


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _uuid_bytes(value: Any) -> bytes | None:
    return None if value is None else uuid.UUID(str(value)).bytes


def write_parquet(rows: RowBatches, path: Path, handle: JobHandle | None) -> int:
    """Write every batch to ``path`` as Parquet (zstd); return the row count.

    Raises:
        BadQuery: a value does not fit its column's Arrow type (e.g. a bare numeric
            needing more digits than the first rows did).
        ConsoleError: the file cannot be written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    batches = iter(rows.batches)
    first = next(batches, [])
    names = [c.name for c in rows.columns]
    types = [arrow_type(c, [r[i] for r in first]) for i, c in enumerate(rows.columns)]
    schema = pa.schema([pa.field(n, t) for n, t in zip(names, types)])
    convert = [_converter(t) for t in types]
    count = 0
    with map_arrow_errors("export rows"), pq.ParquetWriter(str(path), schema,
                                                           compression="zstd") as writer:
        group: list[pa.RecordBatch] = []
        for chunk in itertools.chain([first] if first else [], batches):
            group.append(_record_batch(chunk, rows.columns, convert, schema))
            count += len(chunk)
            if handle is not None:
                handle.advance(rows=len(chunk))
            if sum(b.num_rows for b in group) >= ROW_GROUP:
                writer.write_table(pa.Table.from_batches(group, schema))
                group = []
        if group:
            writer.write_table(pa.Table.from_batches(group, schema))
    return count


def _record_batch(chunk: list[tuple[Any, ...]], columns: list[OutColumn],
                  convert: list[Callable[[list[Any]], pa.Array]],
                  schema: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    arrays = []
    for index, (column, fn) in enumerate(zip(columns, convert)):
        values = [row[index] for row in chunk]
        try:
            arrays.append(fn(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, TypeError) as exc:
            raise BadQuery(f"column {column.name!r}: {str(exc).splitlines()[0]}; cast it in "
                           f"the query to a type that holds every value (e.g. "
                           f"{column.name}::numeric(38, 10) or ::text)",
                           operation="export rows") from exc
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
