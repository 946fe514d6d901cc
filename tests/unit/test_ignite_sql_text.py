"""The stand-in's reading of Ignite's SQL dialect into sqlite's (a tokenizer, not patterns)."""

from __future__ import annotations

import pytest

from console.sandbox.ignite.sql_text import SqlSyntaxError, read


def test_unquoted_identifiers_are_upper_cased_quoted_ones_kept() -> None:
    statement = read('select name, "mixedCase" from city where x <= 3 and y || \'a\' != \'b\'',
                     "PUBLIC")
    assert statement.sql == ('SELECT NAME, "mixedCase" FROM CITY WHERE X <= 3 AND Y || \'a\' '
                             "!= 'b'")
    assert statement.returns_rows


def test_create_table_with_options_is_qualified_and_stripped() -> None:
    statement = read('CREATE TABLE City (ID INT, PRIMARY KEY (ID)) '
                     'WITH "template=replicated,backups=1,CACHE_NAME=cities"', "PUBLIC")
    assert statement.sql == 'CREATE TABLE "PUBLIC"."CITY" (ID INT, PRIMARY KEY (ID))'
    assert statement.created == ("PUBLIC", "CITY")
    assert statement.options == {"TEMPLATE": "replicated", "BACKUPS": "1",
                                 "CACHE_NAME": "cities"}


def test_schema_qualified_names_and_index_placement() -> None:
    assert read("create table if not exists shop.orders (id int)", "PUBLIC").created == (
        "SHOP", "ORDERS")
    index = read("CREATE INDEX idx ON shop.orders (id)", "PUBLIC")
    assert index.sql == 'CREATE INDEX "SHOP"."IDX" ON "ORDERS" (ID)'


def test_merge_is_an_upsert_and_drop_names_the_table() -> None:
    assert read("MERGE INTO t (a) VALUES (1)", "S").sql.startswith("INSERT OR REPLACE INTO T")
    dropped = read("drop table if exists \"Mixed\"", "S")
    assert dropped.dropped == ("S", "Mixed") and dropped.if_exists


def test_strings_and_comments_are_not_rewritten() -> None:
    statement = read("SELECT 'select; drop' -- trailing; comment\n FROM t", "PUBLIC")
    assert "'select; drop'" in statement.sql and "comment" not in statement.sql


@pytest.mark.parametrize(("sql", "words"), [
    ("", "empty"), ("SELECT 1; SELECT 2", "Multiple statements"),
    ("CREATE TABLE t (a INT) WITH \"nonsense\"", "bad WITH parameter"),
    ("CREATE TABLE t (a INT", "not closed"),
])
def test_what_the_reader_refuses(sql: str, words: str) -> None:
    with pytest.raises(SqlSyntaxError, match=words):
        read(sql, "PUBLIC")
