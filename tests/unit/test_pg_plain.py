"""The lexical fast path (``_plain``) that spares plain SELECTs the parser's import.

Safety code: whatever it accepts, PostgreSQL's own parser must classify the same
way (a plain read), and nothing that writes, calls or hides may be accepted.
"""

from __future__ import annotations

import pglast.keywords
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from console.backends.postgres import classify, warnings_for
from console.backends.postgres._classify import classify_parsed
from console.backends.postgres._plain import _KEYWORDS, plain_read
from tests.readonly_attacks import ATTACKS
from tests.unit.test_pg_classify import CURSORABLE, TRANSACTION, WRITES
from tests.unit.test_pg_safety_classify import ALLOWED, REFUSED

PLAIN = [
    ("select 1", ()),
    ("SELECT 1;", ()),
    ("select * from t", ("t",)),
    ("select a, b as total from Sales.Orders where a >= 3 and b <> 'x' order by a desc limit 5",
     ("sales.orders",)),
    ('select "Mixed Case" from "My Table" where "x" = -1.5', ("My Table",)),
    ("select 'it''s' as note, null, true", ()),
    ("select\n  a\nfrom\tt\r\nwhere a = 1 or a = 2", ("t",)),
    ("select name, value from data", ("data",)),  # unreserved keywords are identifiers
]

NOT_PLAIN = [
    "select nextval('s')",  # a call
    "select t.nextval from t",  # attribute notation: a call of nextval(t)
    "select 1 into t2",
    "select a into t2 from t",
    "select * from t for update",
    "select 1; drop table t",
    "select 1; select 2",
    "select 1 -- comment",
    "select /* x */ 1",
    "select $$x$$",
    "select E'\\x27'",
    "select '\\'",
    'select U&"d\\0061ta" from t',
    "select x'1f'",
    "select 1::int",
    "select a from t where a in (1, 2)",
    "select a from t where exists (select 1)",
    "select a from t, u",
    "select a from t join u on true",
    "select current_user",
    "select 1 = 2 = 3",
    "select 1from t",
    "select 0x1f",
    "select 1 union select 2",
    "with x as (select 1) select * from x",
    "select a from only t",
    "select a from t tablesample system (1)",
    "select * from t as x",
    "select a b from t",
    "select a from t limit all",
    "select distinct a from t",
    "select\u00a01",
    "select 1 \x00",
    "select a$b from t",
    f"select 1 from {'x' * 64}",
    f'select 1 from "{"é" * 32}"',
    "select a from t where a = 'x''' || 'y'",
    "select a =- 1",
    "insert into t values (1)",
    "select",
    "select 1,",
    "select * as x",
    "",
]


def test_keywords_are_the_parsers() -> None:
    """A keyword the fast path did not know would be taken for a plain identifier."""
    assert _KEYWORDS == (pglast.keywords.RESERVED_KEYWORDS | pglast.keywords.COL_NAME_KEYWORDS
                         | pglast.keywords.TYPE_FUNC_NAME_KEYWORDS)


@pytest.mark.parametrize(("sql", "relations"), PLAIN)
def test_plain_reads_skip_the_parser_and_say_what_it_says(sql: str,
                                                           relations: tuple[str, ...]) -> None:
    assert plain_read(sql) == relations
    assert classify(sql) == classify_parsed(sql)
    assert warnings_for(sql) == []


@pytest.mark.parametrize("sql", NOT_PLAIN)
def test_anything_else_goes_to_the_parser(sql: str) -> None:
    assert plain_read(sql) is None


EVERY_KNOWN_CASE = [
    *[sql for sql, _ in CURSORABLE + WRITES + TRANSACTION + REFUSED],
    *ALLOWED, *[sql for _, sql in ATTACKS],
]


@pytest.mark.parametrize("sql", EVERY_KNOWN_CASE)
def test_known_cases_classify_as_the_parser_does(sql: str) -> None:
    """The classify and read-only bypass lists, through the fast path too: where it
    accepts one, it must be a read the parser would let through unchanged."""
    assert classify(sql) == classify_parsed(sql)
    if plain_read(sql) is not None:
        assert classify_parsed(sql).refusal is None


def test_no_write_or_attack_is_taken_for_a_plain_read() -> None:
    writes = [sql for sql, writes in WRITES if writes]
    assert not [sql for sql in writes + [s for s, _ in REFUSED] + [s for _, s in ATTACKS]
                if plain_read(sql) is not None]


FRAGMENTS = [
    "select", "from", "where", "order", "by", "limit", "as", "and", "or", "asc", "desc",
    "into", "for", "update", "union", "join", "only", "current_user", "nextval", "t", "s.t",
    "t.f", "name", "value", "Data", '"Q"', '"a""b"', '"x.y"', "1", "2.5", "0x1f", "1e5",
    "'a'", "'it''s'", "E'\\''", "'\\'", "x'1f'", "U&\"d\\0061\"", "$$", "$$;", "null", "true",
    "*", ",", ".", ";", "(", ")", "::", "=", "<>", "!=", "<=", ">", "+", "-", "/", "=-", "||",
    "%s", "--", "/*", "*/", "\n", "\t", "é", "a$b", "lateral", "tablesample", "interval",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(st.sampled_from(FRAGMENTS), max_size=14),
       st.sampled_from([" ", "", "  ", "\n"]))
@example(True, ["*", "from", "t"], " ")
@example(True, ["1", "=", "1", "=", "1"], " ")
def test_whatever_the_fast_path_accepts_the_parser_agrees(
        starts_select: bool, fragments: list[str], joiner: str) -> None:
    """A generated corpus of near-misses: the fast path may refuse a plain read, but
    every text it accepts must parse as one plain SELECT that writes nothing."""
    sql = joiner.join((["select"] if starts_select else []) + fragments)
    if plain_read(sql) is None:
        return
    parsed = classify_parsed(sql)
    assert parsed.syntax_error is None, sql
    assert parsed.types == ("SelectStmt",) and not parsed.writes and parsed.refusal is None, sql
    assert classify(sql) == parsed, sql


IDENTIFIERS = st.one_of(st.sampled_from(["a", "T", "_x1", '"Q"', '"x.y"', '"sp ace"']),
                        st.sampled_from(sorted(pglast.keywords.UNRESERVED_KEYWORDS)))
OPERANDS = st.one_of(IDENTIFIERS, st.sampled_from(["1", "2.5", "'s'", "''''", "null", "TRUE"]))


@st.composite
def conditions(draw: st.DrawFn) -> str:
    def side() -> str:
        signs = draw(st.lists(st.sampled_from(["-", "+"]), max_size=2))
        terms = draw(st.lists(OPERANDS, min_size=1, max_size=3))
        ops = draw(st.lists(st.sampled_from(["+", "-", "*", "/"]), min_size=len(terms) - 1,
                            max_size=len(terms) - 1))
        return " ".join([*signs, *(t for pair in zip(terms, [*ops, ""]) for t in pair if t)])

    parts = []
    for _ in range(draw(st.integers(1, 3))):
        compared = draw(st.sampled_from(["", "=", "<>", "!=", "<=", ">=", "<", ">"]))
        parts.append(f"{side()} {compared} {side()}" if compared else side())
    return f" {draw(st.sampled_from(['and', 'or', 'AND']))} ".join(parts)


@st.composite
def plain_selects(draw: st.DrawFn) -> str:
    """Statements of the fast path's grammar, built from its parts."""
    targets = [draw(st.sampled_from(["*", ""])) or draw(conditions())
               for _ in range(draw(st.integers(1, 3)))]
    targets = [t if t == "*" or not draw(st.booleans()) else f"{t} as {draw(IDENTIFIERS)}"
               for t in targets]
    sql = "select " + ", ".join(targets)
    if draw(st.booleans()):
        schema = draw(st.sampled_from(["", f"{draw(IDENTIFIERS)} . ", f"{draw(IDENTIFIERS)}."]))
        sql += f" from {schema}{draw(IDENTIFIERS)}"
    if draw(st.booleans()):
        sql += f" where {draw(conditions())}"
    if draw(st.booleans()):
        sql += f" order by {draw(conditions())} {draw(st.sampled_from(['', 'asc', 'DESC']))}"
    if draw(st.booleans()):
        sql += " limit 10"
    return sql + draw(st.sampled_from(["", ";", " ;\n"]))


def agrees(sql: str) -> None:
    """The parser reads ``sql`` as one SELECT that writes nothing, exactly as ``classify``."""
    parsed = classify_parsed(sql)
    assert parsed.syntax_error is None, sql
    assert parsed.types == ("SelectStmt",) and not parsed.writes and parsed.refusal is None, sql
    assert classify(sql) == parsed, sql


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_selects())
def test_the_grammar_is_accepted_and_the_parser_agrees(sql: str) -> None:
    assert plain_read(sql) is not None, sql
    agrees(sql)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_selects(), st.sampled_from(FRAGMENTS), st.integers(0, 200), st.booleans())
def test_a_grammar_statement_with_one_foreign_fragment(sql: str, fragment: str, at: int,
                                                      replace: bool) -> None:
    """One fragment put in (or over) a plain statement: accepted only if still plain."""
    words = sql.split(" ")
    at %= len(words)
    words[at:at + replace] = [fragment]
    mutated = " ".join(words)
    if plain_read(mutated) is not None:
        agrees(mutated)


def test_a_plain_select_is_judged_without_importing_the_parser() -> None:
    """What ``sql -q 'select 1'`` and a CSV export ask before sending: no pglast import."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from console.backends.postgres import classify, warnings_for\n"
            "kind = classify('select * from t order by id')\n"
            "assert kind.cursorable and not warnings_for('select 1')\n"
            "print('pglast' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
