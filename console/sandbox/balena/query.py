"""The parsed form of a PineJS OData request: option values and filter expressions.

Nodes are frozen dataclasses so two parses of the same text compare equal
(the round-trip property test relies on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Lit:
    """A literal; ``kind`` is null, bool, int, float, str, datetime, date or duration."""

    value: Any
    kind: str


@dataclass(frozen=True)
class Path:
    """A field or navigation path such as ``belongs_to__application/slug``."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Param:
    """A parameter alias ``@name``."""

    name: str


@dataclass(frozen=True)
class Count:
    """``nav/$count`` or ``nav/$count($filter=...)``."""

    path: tuple[str, ...]
    filter: Node | None = None


@dataclass(frozen=True)
class Bin:
    """A binary operation: comparisons, ``and``/``or`` and arithmetic."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Bool:
    """``and``/``or`` over two or more operands.

    The two share one precedence and associate to the left, so a run of one
    operator (``a and b and c``, however it was parenthesised) is one node with
    every operand: a filter of 600 terms stays one level deep, not 600.
    """

    op: str
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Prefix ``not``."""

    expr: Node


@dataclass(frozen=True)
class In:
    """``x in (a, b, c)`` over primitive literals."""

    left: Node
    values: tuple[Lit, ...]


@dataclass(frozen=True)
class Call:
    """A function call such as ``contains(a,'b')`` or ``tolower(a)``."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Lambda:
    """``nav/any(x: expr)`` or ``nav/all(x: expr)``."""

    path: tuple[str, ...]
    kind: str
    var: str
    expr: Node


Node = Lit | Path | Param | Count | Bin | Bool | Not | In | Call | Lambda


@dataclass(frozen=True)
class Expand:
    """One ``$expand`` item: a navigation with its own options, or its ``/$count``."""

    path: str
    options: Options
    count: bool = False


@dataclass(frozen=True)
class Options:
    """The options of a request or of one ``$expand`` item."""

    select: tuple[str, ...] | None = None
    filter: Node | None = None
    expand: tuple[Expand, ...] = ()
    orderby: tuple[tuple[Node, str], ...] = ()
    top: int | None = None
    skip: int | None = None
    custom: tuple[tuple[str, str], ...] = field(default=())
    aliases: tuple[tuple[str, Lit], ...] = field(default=())
    """Parameter aliases ``@name=value`` of the request (top level only), by name."""
