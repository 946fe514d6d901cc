"""col_types: PostgreSQL spelling and converted values; the node pool's rotation rules."""

from __future__ import annotations

import datetime as dt

import pytest

from console.backends.crate import ServerPool
from console.backends.crate._classify import classify
from console.backends.crate._types import columns_of, convert_rows, type_name


@pytest.mark.parametrize(("code", "name"), [
    (4, "text"), (10, "bigint"), (11, "timestamp with time zone"), (12, "json"),
    (3, "boolean"), (6, "double precision"), ([100, 4], "text[]"),
    ([100, [100, 9]], "integer[][]"), (999, "text")])
def test_type_names(code: object, name: str) -> None:
    assert type_name(code) == name  # type: ignore[arg-type]


def test_values_are_converted_by_type() -> None:
    columns = columns_of(["t", "o", "a", "d"], [11, 12, [100, 11], 24],
                         [[0, {"a": 1}, [1000], 86_400_000]])
    rows = convert_rows([[0, {"a": 1}, [1000], 86_400_000]], [c[2] for c in columns])
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    assert rows == [(epoch, {"a": 1}, [epoch + dt.timedelta(seconds=1)], dt.date(1970, 1, 2))]


def test_code_15_is_read_from_its_values() -> None:
    assert columns_of(["x"], [15], [[{"k": 1}]])[0][1] == "json"
    assert columns_of(["x"], [15], [[1000]])[0][1] == "timestamp without time zone"


def test_without_col_types_everything_is_text() -> None:
    assert [c[1] for c in columns_of(["a", "b"], None, [])] == ["text", "text"]


@pytest.mark.parametrize(("sql", "writes", "pageable"), [
    ("select 1", False, True), ("WITH x AS (SELECT 1) SELECT * FROM x", False, True),
    ("insert into t values (1)", True, False), ("CREATE BLOB TABLE b", True, False),
    ("SET GLOBAL stats.enabled = true", True, False), ("SET search_path TO doc", False, False),
    ("-- comment\nDELETE FROM t", True, False), ("SHOW TABLES", False, False)])
def test_classify(sql: str, writes: bool, pageable: bool) -> None:
    kind = classify(sql)
    assert (kind.writes, kind.pageable) == (writes, pageable)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_pool_round_robin_and_retry_later() -> None:
    clock = Clock()
    pool = ServerPool(["a:4200", "http://b:4200/"], retry_interval=30, clock=clock)
    assert [pool.next() for _ in range(3)] == ["http://a:4200", "http://b:4200", "http://a:4200"]
    pool.failed("http://a:4200", "refused")
    assert {pool.next() for _ in range(3)} == {"http://b:4200"}
    clock.now = 31
    assert {pool.next() for _ in range(2)} == {"http://a:4200", "http://b:4200"}


def test_pool_with_every_node_out_tries_the_oldest() -> None:
    clock = Clock()
    pool = ServerPool(["a", "b"], clock=clock)
    pool.failed("http://a", "x")
    clock.now = 1
    pool.failed("http://b", "y")
    assert pool.next() == "http://a"
    learnt = pool.learn("http://c:4201/_blobs/t/d")
    assert learnt == "http://c:4201" and learnt in {s.url for s in pool.states()}
