"""Split SQL text into statements the way psql does, and find the one under a cursor."""

from __future__ import annotations

from collections.abc import Iterator

from console.backends.sql._lexer import SKIPPED, Token, tokens
from console.backends.sql._models import Statement


class _Depth:
    """Tracks what keeps a ``;`` from ending a statement, as psql's scanner does.

    Parentheses (``CREATE RULE … DO (a; b)``) and ``BEGIN``/``CASE`` … ``END``
    after the first word (SQL-standard bodies: ``CREATE FUNCTION … BEGIN ATOMIC
    a; b; END``) both nest.
    """

    def __init__(self) -> None:
        self.parens = 0
        self.blocks = 0
        self.words = 0

    def see(self, sql: str, token: Token) -> None:
        text = sql[token.start : token.end]
        if token.kind == "other" and text in "()":
            self.parens += 1 if text == "(" else -1
        elif token.kind == "word":
            self.words += 1
            upper = text.upper()
            if upper in ("BEGIN", "CASE") and self.words > 1:
                self.blocks += 1
            elif upper == "END" and self.blocks > 0:
                self.blocks -= 1

    @property
    def nested(self) -> bool:
        return self.parens > 0 or self.blocks > 0


def _segments(sql: str) -> Iterator[tuple[Statement, int]]:
    """Yield each statement with the end of its segment (just past its ``;``)."""
    first = last = -1
    significant = False
    depth = _Depth()
    for token in tokens(sql):
        if token.kind == "ws":
            continue
        if token.kind == "semicolon" and not depth.nested:
            if significant:
                yield Statement(sql[first:last], first, last), token.end
            first, significant, depth = -1, False, _Depth()
            continue
        if first < 0:
            first = token.start
        last = token.end
        if token.kind not in SKIPPED:
            significant = True
            depth.see(sql, token)
    if significant:
        yield Statement(sql[first:last], first, last), len(sql)


def split_statements(sql: str) -> list[Statement]:
    """Split ``sql`` into statements.

    Semicolons inside strings (``'..'``, ``E'..'``, ``$tag$..$tag$``), quoted
    identifiers, comments, parentheses and ``BEGIN ATOMIC … END`` bodies do not
    split. Segments holding only whitespace or comments are dropped.

    Args:
        sql: Any SQL text, e.g. an editor buffer or a script file.

    Returns:
        The statements in order, with offsets into ``sql``.
    """
    return [statement for statement, _ in _segments(sql)]


def statement_at(sql: str, offset: int) -> Statement | None:
    """Return the statement under a cursor at character ``offset`` of ``sql``.

    A cursor belongs to the statement whose segment holds it, a segment
    running from just past the previous ``;`` up to and including its own
    ``;`` (so a cursor right after ``select 1;`` picks that statement). Past
    the last statement, the last one is returned.

    Args:
        sql: The editor buffer.
        offset: The cursor's character offset into ``sql``.

    Returns:
        The statement, or ``None`` when ``sql`` holds no statement.
    """
    found: Statement | None = None
    for statement, segment_end in _segments(sql):
        found = statement
        if offset <= segment_end:
            break
    return found
