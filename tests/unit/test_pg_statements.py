"""Splitting SQL into statements and finding the one under the cursor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.backends.postgres import Statement, split_statements, statement_at

SPLITS = [
    ("select 1", ["select 1"]),
    ("select 1; select 2;", ["select 1", "select 2"]),
    ("  select 1 ;\n\n", ["select 1"]),
    (";;select 1;;", ["select 1"]),
    ("select ';' as semi; select 2", ["select ';' as semi", "select 2"]),
    ("select 'it''s;' ; select 2", ["select 'it''s;'", "select 2"]),
    (r"select E'a\';b'; select 2", [r"select E'a\';b'", "select 2"]),
    (r"select 'a\'; select 2", [r"select 'a\'", "select 2"]),
    ('select 1 as "a;b"; select 2', ['select 1 as "a;b"', "select 2"]),
    ("select $$a;b$$; select 2", ["select $$a;b$$", "select 2"]),
    ("select $fn$ $$;$$ $fn$; select 2", ["select $fn$ $$;$$ $fn$", "select 2"]),
    ("select $1; select 2", ["select $1", "select 2"]),
    ("select a$b; select 2", ["select a$b", "select 2"]),
    ("select 1 -- no; split\n; select 2", ["select 1 -- no; split", "select 2"]),
    ("select /* a; /* nested; */ b; */ 1; select 2",
     ["select /* a; /* nested; */ b; */ 1", "select 2"]),
    ("-- only a comment\n", []),
    ("select 1; -- trailing comment", ["select 1"]),
    ("-- lead\nselect 1", ["-- lead\nselect 1"]),
    ("select 'unterminated; select 2", ["select 'unterminated; select 2"]),
    ("create rule r as on insert to t do also (insert into a values (1); insert into b values (2));"
     " select 2",
     ["create rule r as on insert to t do also (insert into a values (1); "
      "insert into b values (2))", "select 2"]),
    ("create function f() returns int language sql begin atomic select 1; select 2; end; select 3",
     ["create function f() returns int language sql begin atomic select 1; select 2; end",
      "select 3"]),
    ("begin; select case when true then 1 end; commit",
     ["begin", "select case when true then 1 end", "commit"]),
]


@pytest.mark.parametrize(("sql", "expected"), SPLITS, ids=[s[:30] for s, _ in SPLITS])
def test_split_statements(sql: str, expected: list[str]) -> None:
    assert [s.text for s in split_statements(sql)] == expected


def test_offsets_point_into_the_text() -> None:
    sql = "select 1;\n  insert into t values (';');\n"
    for statement in split_statements(sql):
        assert sql[statement.start : statement.end] == statement.text
    assert split_statements(sql)[1].start == sql.index("insert")


CURSORS = [
    ("select 1; select 2", 0, "select 1"),
    ("select 1; select 2", 9, "select 1"),  # just after the `;`
    ("select 1; select 2", 10, "select 2"),
    ("select 1; select 2", 18, "select 2"),
    ("select 1;\n\n", 11, "select 1"),  # past the end: the last statement
    ("select 1;\n-- note\nselect 2;", 12, "-- note\nselect 2"),  # leading comments stay
]


@pytest.mark.parametrize(("sql", "offset", "expected"), CURSORS)
def test_statement_at(sql: str, offset: int, expected: str) -> None:
    found = statement_at(sql, offset)
    assert found is not None and found.text == expected


def test_statement_at_without_statements() -> None:
    assert statement_at("  -- nothing here\n", 3) is None
    assert statement_at("", 0) is None


_pieces = st.sampled_from([
    "select 1", "'a;b'", '"x;y"', "$$;$$", "-- c;\n", "/* ; */", ";", " ", "\n", "E'\\';'",
    "(", ")", "begin", "end",
])


@given(st.lists(_pieces, max_size=20).map("".join))
def test_statements_are_slices_and_cover_every_word(sql: str) -> None:
    """Whatever the text, each statement is its own slice and they never overlap."""
    statements = split_statements(sql)
    previous_end = 0
    for statement in statements:
        assert sql[statement.start : statement.end] == statement.text
        assert statement.start >= previous_end
        assert statement.text == statement.text.lstrip()
        previous_end = statement.end
    if statements:
        assert statement_at(sql, len(sql)) == statements[-1]


def test_statement_record_is_frozen() -> None:
    statement = Statement("select 1", 0, 8)
    with pytest.raises(AttributeError):
        statement.text = "x"  # type: ignore[misc]
