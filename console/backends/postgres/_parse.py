"""PostgreSQL's own parser (libpg_query, through ``pglast``) and a walk over what it returns.

Words and regular expressions can be fooled by comments, dollar quotes,
Unicode-escaped identifiers (``U&"d\\0061ta"``) and quoted names; the server's
parser cannot, so safety decisions read its tree. The tree comes as JSON (a
node is ``{"TypeName": {fields}}``): walking plain dicts is several times
faster than building pglast's node objects, and every node type is reached
without a visitor method per type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

Node = dict[str, Any]


@dataclass(frozen=True)
class Parsed:
    """The statements of a piece of SQL, or why the parser refused it."""

    statements: list[Node]
    """One ``{"SelectStmt": {...}}``-like node per statement, in order."""
    error: str | None = None
    """The parser's message when the text is not valid SQL."""
    position: int | None = None
    """1-based character offset of the syntax error, when the parser said."""


@lru_cache(maxsize=8)
def parse(sql: str) -> Parsed:
    """Parse ``sql`` as the server would (standard_conforming_strings on).

    The last few texts are kept: a statement is read for its warnings, then
    again when it is vetted, and a large one costs seconds to parse and load.
    Callers must not change what it returns.
    """
    from pglast.parser import ParseError, parse_sql_json  # costly: only when a text needs it

    try:
        tree = json.loads(parse_sql_json(sql))
    except ParseError as exc:
        where = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        return Parsed([], str(exc.args[0]), where + 1 if where is not None else None)
    return Parsed([entry["stmt"] for entry in tree.get("stmts", [])])


def node_type(node: Node) -> str:
    """The type of a statement node (``"SelectStmt"``)."""
    return next(iter(node))


def walk(value: Any) -> Iterator[tuple[str, Node]]:
    """Yield ``(type, fields)`` for every node under ``value``, itself included, depth first.

    A node is a one-key dict whose key starts with a capital letter; other dicts
    (a ``RangeVar`` inlined as ``relation``) are walked for what they hold.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if len(item) == 1:
                key, body = next(iter(item.items()))
                if key[:1].isupper() and isinstance(body, dict):
                    yield key, body
                    stack.append(body)
                    continue
            stack.extend(reversed(list(item.values())))


def names(items: list[Node] | None) -> list[str]:
    """The strings of a name list (``[{"String": {"sval": "pg_catalog"}}, …]``)."""
    return [item["String"].get("sval", "") for item in items or [] if "String" in item]


def function_names(value: Any) -> Iterator[str]:
    """Yield the last part of every function name called under ``value``, lower-cased.

    Covers ``f(x)``, ``schema.f(x)``, quoted and Unicode-escaped names (the parser
    has resolved them) and the attribute notation ``t.f``, which PostgreSQL also
    reads as a call of ``f(t)``.
    """
    for kind, body in walk(value):
        if kind == "FuncCall":
            called = names(body.get("funcname"))
            if called:
                yield called[-1].lower()
        elif kind == "ColumnRef":
            fields = names(body.get("fields"))
            if len(fields) >= 2:
                yield fields[-1].lower()


def constant_text(node: Node | None) -> str | None:
    """The text of a string constant node, else ``None`` (an expression, a number…)."""
    if not node:
        return None
    const = node.get("A_Const") or {}
    sval = const.get("sval")
    return sval.get("sval", "") if isinstance(sval, dict) else None
