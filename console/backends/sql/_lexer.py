"""A small SQL lexer: just enough of PostgreSQL's rules to find statement ends.

It knows where strings ('..', E'..' with backslash escapes, $tag$..$tag$),
quoted identifiers ("..") and comments (-- and nested /* */) start and end,
so a ``;`` or a keyword inside them is never taken for syntax. Unterminated
strings and comments run to the end of the text, as the server reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<line_comment>--[^\n]*)
    | (?P<block_comment>/\*)
    | (?P<estring>[eE]'(?:[^'\\]+|\\.|'')*'?)
    | (?P<string>'(?:[^']+|'')*'?)
    | (?P<ident>"(?:[^"]+|"")*"?)
    | (?P<dollar>\$(?:[^\W\d]\w*)?\$)
    | (?P<word>[^\W\d]\w*(?:\$\w*)*)
    | (?P<semicolon>;)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_COMMENT_MARK = re.compile(r"/\*|\*/")

SKIPPED = frozenset({"ws", "line_comment", "block_comment"})
"""Token kinds that carry no syntax."""


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind and where it sits in the text."""

    kind: str
    """``ws``, ``line_comment``, ``block_comment``, ``estring``, ``string``,
    ``ident``, ``dollar``, ``word``, ``semicolon`` or ``other``."""
    start: int
    end: int


def tokens(sql: str) -> Iterator[Token]:
    """Yield the tokens of ``sql`` in order; together they cover every character."""
    pos, size = 0, len(sql)
    while pos < size:
        match = _TOKEN.match(sql, pos)
        assert match is not None and match.lastgroup is not None  # `other` matches anything
        kind, end = match.lastgroup, match.end()
        if kind == "block_comment":
            end = _block_comment_end(sql, pos)
        elif kind == "dollar":
            closing = sql.find(match.group(), end)
            end = size if closing < 0 else closing + len(match.group())
        yield Token(kind, pos, end)
        pos = end


def _block_comment_end(sql: str, start: int) -> int:
    """Return the end of the (possibly nested) block comment opened at ``start``."""
    depth = 0
    for mark in _COMMENT_MARK.finditer(sql, start):
        depth += 1 if mark.group() == "/*" else -1
        if depth == 0:
            return mark.end()
    return len(sql)


def words(sql: str) -> list[tuple[str, int]]:
    """Return the unquoted words of ``sql``, upper-cased, each with its parenthesis depth."""
    found: list[tuple[str, int]] = []
    depth = 0
    for token in tokens(sql):
        if token.kind == "word":
            found.append((sql[token.start : token.end].upper(), depth))
        elif token.kind == "other" and sql[token.start] in "()":
            depth += 1 if sql[token.start] == "(" else -1
    return found
