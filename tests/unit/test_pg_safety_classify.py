"""What a read-only profile refuses, read from PostgreSQL's own parse tree, and what
warns before running on any profile."""

from __future__ import annotations

import pytest

from console.backends.postgres import classify, warnings_for

REFUSED = [
    ("select set_config('a' || 'b', 'off', false)", "set_config() acts outside"),
    ('SET U&"default\\005ftransaction\\005fread\\005fonly" = off', "SET default_transaction"),
    ("select 1; select 2", "2 statements"),
    ("begin", "transaction control"),
    ("prepare p as select 1", "prepared statements"),
    ("execute p", "prepared statements"),
    ("do $$ begin end $$", "DO runs code"),
    ("copy t to stdout; copy t from stdin", "2 statements"),
    ("copy t from stdin", "only COPY … TO STDOUT"),
    ("explain analyze delete from t", "holds DELETE"),
    ('select "PG_CATALOG"."pg_terminate_backend"(1)', "pg_terminate_backend() acts outside"),
    ("select x.nextval from (select 1) x", "nextval() acts outside"),
    ("select * from dblink('x', 'y') as t(a int)", "dblink() acts outside"),
    ("set session characteristics as transaction read write", "transaction's mode"),
    ("set standard_conforming_strings = off", "SET standard_conforming_strings"),
    ("select * into x from t", "SELECT … INTO"),
]


@pytest.mark.parametrize(("sql", "why"), REFUSED)
def test_read_only_refusals_say_why(sql: str, why: str) -> None:
    refusal = classify(sql).refusal
    assert refusal is not None and why in refusal


ALLOWED = [
    "select * from t where note = 'delete from t'",
    "/* delete */ select 1",
    "with x as (select 1) select * from x",
    "explain delete from t",
    "explain (analyze false) delete from t",
    "show all",
    "set search_path = app, public",
    "reset all",
    "copy (select 1) to stdout",
    "values (1), (2)",
    "table t",
    "select currval('s')",
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_reads_are_allowed(sql: str) -> None:
    assert classify(sql).refusal is None


def test_placeholders_are_read_as_literals() -> None:
    kind = classify("select * from (\nselect 1 as a\n) _r where _r::text ilike %s", ("x",))
    assert kind.syntax_error is None and kind.refusal is None and kind.cursorable


def test_unparseable_text_is_assumed_to_write() -> None:
    kind = classify("selec 1")
    assert kind.writes and kind.syntax_error and kind.error_position == 1


def test_relations_name_the_targets() -> None:
    assert classify("delete from app.orders where id = 1").relations == ("app.orders",)


@pytest.mark.parametrize(("sql", "expected"), [
    ("drop table a.t, u", ["drops table a.t, u"]),
    ("truncate t", ["truncates t"]),
    ("delete from t -- where id = 1", ["deletes every row of t (no WHERE)"]),
    ("update t set a = 1", ["updates every row of t (no WHERE)"]),
    ("with d as (delete from t returning 1) select * from d",
     ["deletes every row of t (no WHERE)"]),
    ("alter table t drop column c", ["drops column c"]),
    ("drop database x", ["drops database x"]),
    ("delete from t where id = 1", []),
    ("select 'drop table t'", []),
    ("drop tabel t", []),
])
def test_warnings_for_destructive_sql(sql: str, expected: list[str]) -> None:
    assert warnings_for(sql) == expected
