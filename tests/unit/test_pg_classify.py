"""Judging statements before they are sent: streamable, writes, transaction control."""

from __future__ import annotations

import pytest

from console.backends.postgres import classify

CURSORABLE = [
    ("select * from t", True),
    ("  (select 1) union (select 2)", True),
    ("/* hint */ with x as (select 1) select * from x", True),
    ("values (1), (2)", True),
    ("table t", True),
    ("select * from t for update", True),
    ("select * into t2 from t", False),
    ("with x as (insert into t values (1) returning *) select * from x", False),
    ("show server_version", False),
    ("explain select 1", False),
    ("insert into t values (1) returning *", False),
    ("select 'insert into' as text", True),
]


@pytest.mark.parametrize(("sql", "expected"), CURSORABLE)
def test_cursorable(sql: str, expected: bool) -> None:
    assert classify(sql).cursorable is expected


WRITES = [
    ("select 1", False),
    ("select * from t where note = 'drop table x'", False),
    ("insert into t values (1)", True),
    ("  update t set a = 1", True),
    ("create table t (a int)", True),
    ("drop database x", True),
    ("truncate t", True),
    ("with x as (delete from t returning *) select * from x", True),
    ("select * into t2 from t", True),
    ("explain analyze delete from t", True),
    ("explain delete from t", False),
    ("copy t from stdin", True),
    ("copy t (a, b) from stdin with (format csv)", True),
    ("copy t to '/tmp/out.csv'", True),
    ("copy (select * from t where a in (select b from u)) to stdout", False),
    ("set default_transaction_read_only = off", True),
    ("select set_config('transaction_read_only', 'off', false)", True),
    ("begin read write", True),
    ("set session characteristics as transaction read write", True),
    ("set search_path = public", False),
    ("begin", False),
    ("show all", False),
]


@pytest.mark.parametrize(("sql", "expected"), WRITES)
def test_writes(sql: str, expected: bool) -> None:
    assert classify(sql).writes is expected


TRANSACTION = [
    ("begin", True),
    ("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", True),
    ("commit", True),
    ("end", True),
    ("rollback to savepoint a", True),
    ("prepare transaction 'x'", True),
    ("prepare q as select 1", False),
    ("commit prepared 'x'", False),
    ("select 1", False),
]


@pytest.mark.parametrize(("sql", "expected"), TRANSACTION)
def test_transaction_control(sql: str, expected: bool) -> None:
    assert classify(sql).transaction is expected


@pytest.mark.parametrize(("sql", "expected"), [
    ("set search_path = x", True),
    ("create temp table x (a int)", True),
    ("create table x (a int)", False),
    ("select 1", False),
    ("insert into t values (1)", False),
    ("listen chan", True),
    ("discard all", True),
])
def test_session_state(sql: str, expected: bool) -> None:
    assert classify(sql).session_state is expected


def test_keyword_skips_comments_and_parentheses() -> None:
    assert classify("-- first\n/* then */ ((SELECT 1))").keyword == "SELECT"
    assert classify("").keyword == ""


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("select * from t where id > %s", [8]),
        ("select * from t where id > %(low)s and v < %(high)s", {"low": 8, "high": 9}),
        ("select '100%%' from t where id = %(id)s", {"id": 1}),
    ],
)
def test_bound_placeholders_read_as_literals(sql: str, params: object) -> None:
    kind = classify(sql, params)  # type: ignore[arg-type]
    assert kind.cursorable and not kind.writes and kind.syntax_error is None


def test_a_named_placeholder_does_not_hide_a_write() -> None:
    assert classify("delete from t where id = %(id)s", {"id": 1}).writes
