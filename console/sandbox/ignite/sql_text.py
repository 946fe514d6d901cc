"""Reading Ignite's SQL dialect into sqlite's: a tokenizer and the few rewrites the two need.

Ignite (H2's grammar) upper-cases unquoted identifiers and keeps quoted ones
as written; ``CREATE TABLE`` takes a ``WITH "template=replicated,backups=1"``
clause; ``MERGE INTO`` is an upsert. Everything else is standard SQL that
sqlite parses itself, so its own errors reach the client as a node's would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
      | (?P<string>'(?:[^']|'')*'?)
      | (?P<quoted>"(?:[^"]|"")*"?)
      | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Token:
    kind: str
    text: str
    space: bool = True
    """Whitespace (or a comment) came before it: joined back with a space."""

    @property
    def word(self) -> str:
        """The token as a keyword ('' unless it is an unquoted word)."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(sql: str) -> list[Token]:
    """Split SQL into its significant tokens, each knowing whether space came before it."""
    found, spaced = [], False
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            spaced = True
            continue
        found.append(Token(kind, match.group(), spaced))
        spaced = False
    return found


def join(toks: list[Token]) -> str:
    """Write tokens back as SQL, spaced where the original was."""
    return "".join((" " if t.space and i else "") + t.text for i, t in enumerate(toks))


def identifier(token: Token) -> str:
    """The name a word or quoted token stands for: unquoted ones upper-cased, as Ignite does."""
    if token.kind == "quoted":
        return token.text[1:-1].replace('""', '"')
    return token.text.upper()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Statement:
    """One statement, read: what sqlite runs, and what it does to the cluster's tables."""

    sql: str
    """The statement as sqlite will run it."""
    verb: str
    """Its first keyword: ``SELECT``, ``INSERT``, ``CREATE``…"""
    created: tuple[str, str] | None = None
    """``(schema, table)`` a ``CREATE TABLE`` makes."""
    dropped: tuple[str, str] | None = None
    """``(schema, table)`` a ``DROP TABLE`` removes."""
    options: dict[str, str] = field(default_factory=dict)
    """``CREATE TABLE … WITH "k=v,…"`` parameters, keys upper-cased."""
    if_exists: bool = False

    @property
    def returns_rows(self) -> bool:
        return self.verb in ("SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA")


class SqlSyntaxError(Exception):
    """A statement the dialect reader itself refuses (before sqlite sees it)."""


def read(sql: str, schema: str) -> Statement:
    """Read one Ignite statement run in ``schema`` into what sqlite runs.

    Raises:
        SqlSyntaxError: several statements, or none.
    """
    toks = tokens(sql)
    while toks and toks[-1].text == ";":
        toks.pop()
    if not toks:
        raise SqlSyntaxError("Failed to parse query: empty statement")
    if any(t.text == ";" for t in toks):
        raise SqlSyntaxError("Multiple statements queries are not supported")
    toks = [Token(t.kind, t.text.upper(), t.space) if t.kind == "word" else t for t in toks]
    verb = toks[0].word
    statement = Statement("", verb)
    if verb == "CREATE" and _at(toks, 1) == "TABLE":
        toks = _create_table(toks, schema, statement)
    elif verb == "CREATE" and _at(toks, 1) == "INDEX":
        toks = _create_index(toks, schema)
    elif verb == "DROP" and _at(toks, 1) == "TABLE":
        _drop_table(toks, schema, statement)
    elif verb == "MERGE" and _at(toks, 1) == "INTO":
        toks = [Token("word", "INSERT"), Token("word", "OR"), Token("word", "REPLACE"), *toks[1:]]
    statement.sql = join(toks)
    return statement


def _at(toks: list[Token], i: int) -> str:
    return toks[i].word if i < len(toks) else ""


def _name_at(toks: list[Token], i: int, schema: str) -> tuple[str, str, int]:
    """Read ``[schema.]name`` at ``i``; return schema, name and the index after it."""
    if i >= len(toks) or toks[i].kind not in ("word", "quoted"):
        raise SqlSyntaxError("Failed to parse query: a table name is expected")
    if i + 2 < len(toks) and toks[i + 1].text == ".":
        return identifier(toks[i]), identifier(toks[i + 2]), i + 3
    return schema, identifier(toks[i]), i + 1


def _skip_if(toks: list[Token], i: int, *words: str) -> tuple[bool, int]:
    if [_at(toks, i + n) for n in range(len(words))] == list(words):
        return True, i + len(words)
    return False, i


def _create_table(toks: list[Token], schema: str, statement: Statement) -> list[Token]:
    _, at = _skip_if(toks, 2, "IF", "NOT", "EXISTS")
    table_schema, table, after = _name_at(toks, at, schema)
    statement.created = (table_schema, table)
    end = _closing_paren(toks, after)
    rest = toks[end + 1 :]
    if rest and rest[0].word == "WITH" and len(rest) == 2 and rest[1].kind == "quoted":
        statement.options = _options(identifier(rest[1]))
        rest = []
    if rest:
        raise SqlSyntaxError(f'Failed to parse query: unexpected "{rest[0].text}" after the '
                             "column list")
    named = [Token("quoted", quote(table_schema)), Token("other", ".", False),
             Token("quoted", quote(table), False)]
    return [*toks[:at], *named, *toks[after : end + 1]]


def _closing_paren(toks: list[Token], start: int) -> int:
    if start >= len(toks) or toks[start].text != "(":
        raise SqlSyntaxError("Failed to parse query: a column list is expected")
    depth = 0
    for i in range(start, len(toks)):
        depth += {"(": 1, ")": -1}.get(toks[i].text, 0)
        if depth == 0:
            return i
    raise SqlSyntaxError("Failed to parse query: the column list is not closed")


def _options(text: str) -> dict[str, str]:
    options = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise SqlSyntaxError(f'Failed to parse query: bad WITH parameter "{part.strip()}"')
        options[key.strip().upper()] = value.strip()
    return options


def _create_index(toks: list[Token], schema: str) -> list[Token]:
    """sqlite names the schema on the index, Ignite on the table it indexes."""
    _, at = _skip_if(toks, 2, "IF", "NOT", "EXISTS")
    _, index, after_index = _name_at(toks, at, schema)
    if _at(toks, after_index) != "ON":
        raise SqlSyntaxError("Failed to parse query: ON is expected")
    table_schema, table, after_table = _name_at(toks, after_index + 1, schema)
    named = [Token("quoted", quote(table_schema)), Token("other", ".", False),
             Token("quoted", quote(index), False), Token("word", "ON"),
             Token("quoted", quote(table))]
    return [*toks[:at], *named, *toks[after_table:]]


def _drop_table(toks: list[Token], schema: str, statement: Statement) -> None:
    statement.if_exists, at = _skip_if(toks, 2, "IF", "EXISTS")
    table_schema, table, _ = _name_at(toks, at, schema)
    statement.dropped = (table_schema, table)
