"""Read CrateDB SQL as CrateDB does: placeholders, system schemas, blob-table DDL.

Statements go to PostgreSQL after three rewrites made on tokens (never on
text inside strings, quoted names or comments): ``?`` and ``$n`` become
psycopg2's ``%s`` with the arguments in order, a literal ``%`` is doubled,
and ``information_schema.`` / ``sys.`` name the stand-in's catalog views.
``CREATE|DROP|ALTER BLOB TABLE`` have no PostgreSQL twin: ``parse_blob_ddl``
reads them into a ``BlobDdl`` for the cluster to carry out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^']|'')*'?)
    | (?P<ident>"(?:[^"]|"")*"?)
    | (?P<param>\?|\$\d+)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>\d+(?:\.\d+)?)
    | (?P<percent>%)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_SYSTEM = {"information_schema": "_crate_is", "sys": "_crate_sys"}


class ParseError(ValueError):
    """The statement cannot be read; the message is what CrateDB's parser would say."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def name(self) -> str:
        """An identifier as CrateDB resolves it: unquoted folds to lower case."""
        if self.kind == "ident":
            return self.text[1:-1].replace('""', '"')
        return self.text.lower()


def tokenize(sql: str) -> list[Token]:
    """Every token of ``sql``, whitespace and comments included."""
    found = []
    for match in _TOKEN.finditer(sql):
        assert match.lastgroup is not None
        found.append(Token(match.lastgroup, match.group(), match.start()))
    return found


def significant(tokens: Sequence[Token]) -> list[Token]:
    """The tokens that carry syntax."""
    return [t for t in tokens if t.kind not in ("ws", "comment")]


def to_postgres(sql: str, args: Sequence[Any]) -> tuple[str, list[Any]]:
    """Rewrite placeholders and system schemas; return PostgreSQL SQL and its arguments.

    Raises:
        ParseError: a placeholder has no argument.
    """
    tokens = tokenize(sql)
    out: list[str] = []
    bound: list[Any] = []
    position = 0
    for i, token in enumerate(tokens):
        if token.kind == "param":
            index = position if token.text == "?" else int(token.text[1:]) - 1
            position += token.text == "?"
            if not 0 <= index < len(args):
                raise ParseError(f"The query contains a parameter placeholder {token.text} "
                                 f"but there are only {len(args)} parameter values")
            bound.append(args[index])
            out.append("%s")
        elif token.kind == "percent":
            out.append("%%")
        elif token.kind in ("word", "ident") and token.name in _SYSTEM and _dot_follows(tokens, i):
            out.append(_SYSTEM[token.name])
        elif token.kind == "string" and "%" in token.text:
            out.append(token.text.replace("%", "%%"))
        else:
            out.append(token.text)
    return "".join(out), bound


def _dot_follows(tokens: Sequence[Token], index: int) -> bool:
    for token in tokens[index + 1:]:
        if token.kind in ("ws", "comment"):
            continue
        return token.text == "."
    return False


def first_words(sql: str, count: int = 3) -> list[str]:
    """The statement's first words, upper-cased (to tell what kind it is)."""
    return [t.text.upper() for t in significant(tokenize(sql)) if t.kind == "word"][:count]


@dataclass
class BlobDdl:
    """``CREATE``, ``DROP`` or ``ALTER BLOB TABLE``, as read."""

    action: str
    table: str
    shards: int | None = None
    if_exists: bool = False
    options: dict[str, str] = field(default_factory=dict)


_OPTIONS = ("number_of_replicas", "blobs_path")


class _Reader:
    def __init__(self, sql: str, args: Sequence[Any]) -> None:
        self.tokens = significant(tokenize(sql))
        self.args = list(args)
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def fail(self, expected: str) -> ParseError:
        token = self.peek()
        found = f"'{token.text}'" if token else "'<EOF>'"
        return ParseError(f"line 1:{(token.start if token else 0) + 1}: mismatched input "
                          f"{found} expecting {expected}")

    def word(self, *expected: str) -> str:
        token = self.peek()
        if token is None or token.kind != "word" or (expected and token.text.upper()
                                                     not in expected):
            raise self.fail(" or ".join(expected) or "an identifier")
        self.pos += 1
        return token.text.upper()

    def accept(self, *expected: str) -> bool:
        token = self.peek()
        if token is not None and token.text.upper() in expected:
            self.pos += 1
            return True
        return False

    def name(self) -> str:
        token = self.peek()
        if token is None or token.kind not in ("word", "ident"):
            raise self.fail("an identifier")
        self.pos += 1
        if self.accept("."):  # blob.name: the schema is always blob
            if token.name != "blob":
                raise ParseError(f"Blob tables live in the schema 'blob', not '{token.name}'")
            return self.name()
        return token.name

    def value(self) -> str:
        token = self.peek()
        if token is None:
            raise self.fail("a value")
        self.pos += 1
        if token.kind == "string":
            return token.text[1:-1].replace("''", "'")
        if token.kind == "param":
            return str(self.args.pop(0)) if self.args else ""
        if token.kind in ("number", "word"):
            return token.text
        raise self.fail("a value")

    def options(self) -> dict[str, str]:
        if not self.accept("("):
            raise self.fail("'('")
        found: dict[str, str] = {}
        while True:
            key = self.name()
            if key not in _OPTIONS:
                raise ParseError(f'Invalid property "{key}" passed to [ALTER | CREATE] BLOB TABLE')
            if not self.accept("="):
                raise self.fail("'='")
            found[key] = self.value()
            if self.accept(")"):
                return found
            if not self.accept(","):
                raise self.fail("',' or ')'")

    def end(self) -> None:
        if self.peek() is not None:
            raise self.fail("<EOF>")


def parse_blob_ddl(sql: str, args: Sequence[Any]) -> BlobDdl | None:
    """Read a blob-table statement, or return ``None`` when ``sql`` is not one.

    Raises:
        ParseError: it is one, but malformed.
    """
    words = first_words(sql)
    if words[1:3] != ["BLOB", "TABLE"] or words[0] not in ("CREATE", "DROP", "ALTER"):
        return None
    reader = _Reader(sql, args)
    action = reader.word()
    reader.word("BLOB")
    reader.word("TABLE")
    if action == "DROP":
        if_exists = reader.accept("IF") and bool(reader.word("EXISTS"))
        ddl = BlobDdl("drop", reader.name(), if_exists=if_exists)
    elif action == "ALTER":
        ddl = BlobDdl("alter", reader.name())
        reader.word("SET")
        ddl.options = reader.options()
    else:
        ddl = BlobDdl("create", reader.name())
        if reader.accept("CLUSTERED"):
            reader.word("INTO")
            shards = reader.value()
            if not shards.isdigit() or not 1 <= int(shards) <= 1000:
                raise ParseError(f"Invalid number of shards: {shards}")
            ddl.shards = int(shards)
            reader.word("SHARDS")
        if reader.accept("WITH"):
            ddl.options = reader.options()
    reader.end()
    return ddl
