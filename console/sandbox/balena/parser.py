"""A hand-written parser for the PineJS OData URL subset of protocol §4.

It reads the raw query string the way odata-parser does: whitespace may be a
space, ``+`` or ``%20``; string literals double their quotes and are
percent-decoded after parsing; ``and``/``or`` share one precedence and
associate left; ``$orderby`` without a direction means ``desc``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from console.sandbox.balena.query import (
    Bin,
    Bool,
    Call,
    Count,
    Expand,
    In,
    Lambda,
    Lit,
    Node,
    Not,
    Options,
    Param,
    Path,
)

COMPARE = frozenset({"eq", "ne", "gt", "ge", "lt", "le"})
ADDITIVE = frozenset({"add", "sub"})
MULTIPLICATIVE = frozenset({"mul", "div", "mod"})
FUNCTIONS = frozenset(
    (
        "contains",
        "startswith",
        "endswith",
        "substringof",
        "tolower",
        "toupper",
        "trim",
        "length",
        "indexof",
        "substring",
        "concat",
        "replace",
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "fractionalseconds",
        "date",
        "time",
        "now",
        "maxdatetime",
        "mindatetime",
        "totaloffsetminutes",
        "totalseconds",
        "round",
        "floor",
        "ceiling",
    )
)
TYPED = ("datetime", "date", "duration")

_TOKEN = re.compile(
    r"(?P<ws>(?:[ \t+]|%20)+)"
    r"|(?P<typed>(?:datetime|date|duration)'[^']*')"
    r"|(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<opt>(?:\$|%24)[A-Za-z]+)"
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<punct>[(),/:@=;])"
)


class ParseError(ValueError):
    """The URL does not parse; ``position`` is the 0-based offset in the text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at {position}")
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split option text into tokens, dropping whitespace."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ParseError(f"unexpected {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        if kind != "ws":
            value = match.group()
            if kind == "opt":
                value = "$" + value.lstrip("$").removeprefix("%24")
            tokens.append(Token(kind, value, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class Parser:
    """Recursive descent over one option's tokens."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, text: str) -> bool:
        return self.tok.text == text and self.tok.kind in ("punct", "id", "opt")

    def expect(self, text: str) -> Token:
        if not self.at(text):
            shown = self.tok.text or "end of text"
            raise ParseError(f"expected {text!r}, found {shown!r}", self.tok.pos)
        return self.take()

    def done(self) -> None:
        if self.tok.kind != "end":
            raise ParseError(f"unexpected {self.tok.text!r}", self.tok.pos)

    # -- expressions ---------------------------------------------------------

    def expr(self) -> Node:
        node = self.comparison()
        while self.tok.kind == "id" and self.tok.text in ("and", "or"):
            op = self.take().text
            node = join(op, node, self.comparison())
        return node

    def comparison(self) -> Node:
        if self.tok.kind == "id" and self.tok.text == "not":
            self.take()
            return Not(self.comparison())
        left = self.additive()
        if self.tok.kind == "id" and self.tok.text in COMPARE:
            return Bin(self.take().text, left, self.additive())
        if self.tok.kind == "id" and self.tok.text == "in":
            self.take()
            return In(left, self.literal_list())
        return left

    def literal_list(self) -> tuple[Lit, ...]:
        self.expect("(")
        values = [self.literal()]
        while self.at(","):
            self.take()
            values.append(self.literal())
        self.expect(")")
        return tuple(values)

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.tok.kind == "id" and self.tok.text in ADDITIVE:
            node = Bin(self.take().text, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.primary()
        while self.tok.kind == "id" and self.tok.text in MULTIPLICATIVE:
            node = Bin(self.take().text, node, self.primary())
        return node

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind in ("str", "num", "typed"):
            return self.literal()
        if self.at("("):
            self.take()
            node = self.expr()
            self.expect(")")
            return node
        if self.at("@"):
            self.take()
            return Param(self.ident())
        if tok.kind == "id" and tok.text in ("true", "false", "null"):
            return self.literal()
        if tok.kind == "id" and tok.text in FUNCTIONS and self.tokens[self.i + 1].text == "(":
            return self.call()
        if tok.kind == "id":
            return self.path_expr()
        raise ParseError(f"expected a value, found {tok.text or 'end of text'!r}", tok.pos)

    def literal(self) -> Lit:
        tok = self.take()
        if tok.kind == "str":
            return Lit(unquote(tok.text[1:-1].replace("''", "'")), "str")
        if tok.kind == "num":
            is_float = "." in tok.text
            return Lit(
                float(tok.text) if is_float else int(tok.text), "float" if is_float else "int"
            )
        if tok.kind == "typed":
            kind, _, rest = tok.text.partition("'")
            return Lit(unquote(rest[:-1]), kind)
        if tok.kind == "id" and tok.text in ("true", "false"):
            return Lit(tok.text == "true", "bool")
        if tok.kind == "id" and tok.text == "null":
            return Lit(None, "null")
        raise ParseError(f"expected a literal, found {tok.text or 'end of text'!r}", tok.pos)

    def ident(self) -> str:
        tok = self.take()
        if tok.kind != "id":
            raise ParseError(f"expected a name, found {tok.text or 'end of text'!r}", tok.pos)
        return tok.text

    def call(self) -> Node:
        fname = self.take().text
        self.expect("(")
        args: list[Node] = []
        if not self.at(")"):
            args.append(self.expr())
            while self.at(","):
                self.take()
                args.append(self.expr())
        self.expect(")")
        return Call(fname, tuple(args))

    def path_expr(self) -> Node:
        parts = [self.ident()]
        while self.at("/"):
            self.take()
            if self.tok.kind == "opt" and self.tok.text == "$count":
                self.take()
                return Count(tuple(parts), self.count_filter())
            if self.tok.text in ("any", "all") and self.tokens[self.i + 1].text == "(":
                return self.lambda_(tuple(parts))
            parts.append(self.ident())
        return Path(tuple(parts))

    def count_filter(self) -> Node | None:
        if not self.at("("):
            return None
        self.take()
        self.expect("$filter")
        self.expect("=")
        node = self.expr()
        self.expect(")")
        return node

    def lambda_(self, path: tuple[str, ...]) -> Node:
        kind = self.take().text
        self.expect("(")
        var = self.ident()
        self.expect(":")
        node = self.expr()
        self.expect(")")
        return Lambda(path, kind, var, node)

    # -- option values -------------------------------------------------------

    def select(self) -> tuple[str, ...]:
        fields = ["/".join(self.path_parts())]
        while self.at(","):
            self.take()
            fields.append("/".join(self.path_parts()))
        return tuple(fields)

    def path_parts(self) -> list[str]:
        parts = [self.ident()]
        while self.at("/"):
            self.take()
            parts.append(self.ident())
        return parts

    def orderby(self) -> tuple[tuple[Node, str], ...]:
        items = [self.order_item()]
        while self.at(","):
            self.take()
            items.append(self.order_item())
        return tuple(items)

    def order_item(self) -> tuple[Node, str]:
        node = self.path_expr()
        if self.tok.kind == "id" and self.tok.text in ("asc", "desc"):
            return node, self.take().text
        return node, "desc"  # the parser's default, which surprises everyone (§17)

    def number(self) -> int:
        tok = self.take()
        if tok.kind != "num" or not tok.text.isdigit():
            raise ParseError(f"expected a whole number, found {tok.text!r}", tok.pos)
        return int(tok.text)

    def expand(self) -> tuple[Expand, ...]:
        items = [self.expand_item()]
        while self.at(","):
            self.take()
            items.append(self.expand_item())
        return tuple(items)

    def expand_item(self) -> Expand:
        parts = [self.ident()]
        count = False
        while self.at("/"):
            self.take()
            if self.tok.kind == "opt" and self.tok.text == "$count":
                self.take()
                count = True
                break
            parts.append(self.ident())
        options = Options()
        if self.at("("):
            self.take()
            options = self.nested_options()
            self.expect(")")
        return Expand("/".join(parts), options, count)

    def nested_options(self) -> Options:
        values: dict[str, Any] = {}
        while True:
            tok = self.take()
            if tok.kind != "opt":
                raise ParseError(f"expected a $option, found {tok.text!r}", tok.pos)
            self.expect("=")
            values[tok.text] = self.option_value(tok.text, tok.pos)
            if not self.at(";"):
                return build_options(values, ())
            self.take()

    def option_value(self, option: str, pos: int) -> Any:
        readers = {
            "$select": self.select,
            "$filter": self.expr,
            "$expand": self.expand,
            "$orderby": self.orderby,
            "$top": self.number,
            "$skip": self.number,
        }
        reader = readers.get(option)
        if reader is None:
            raise ParseError(f"unknown option {option!r}", pos)
        return reader()


def build_options(
    values: dict[str, Any],
    custom: tuple[tuple[str, str], ...],
    aliases: tuple[tuple[str, Lit], ...] = (),
) -> Options:
    """Make an ``Options`` from parsed option values keyed ``$select``, ``$filter``…"""
    return Options(
        select=values.get("$select"),
        filter=values.get("$filter"),
        expand=values.get("$expand", ()),
        orderby=values.get("$orderby", ()),
        top=values.get("$top"),
        skip=values.get("$skip"),
        custom=custom,
        aliases=aliases,
    )


IGNORED = frozenset({"$count", "$inlinecount", "$format"})


def parse_query(raw: str) -> Options:
    """Parse a raw (still percent-encoded) query string into ``Options``.

    Raises:
        ParseError: an option does not parse; ``position`` counts from the query start.
    """
    values: dict[str, Any] = {}
    custom: list[tuple[str, str]] = []
    aliases: dict[str, Lit] = {}
    offset = 0
    for part in raw.split("&") if raw else []:
        key, _, value = part.partition("=")
        name = unquote(key)
        if name.startswith("$") and name not in IGNORED:
            values[name] = _parse_option(name, value, offset + len(key) + 1)
        elif name.startswith("@"):
            # A literal in the same grammar as $filter's: parsed from the raw text, so
            # its content is percent-decoded once, after parsing.
            aliases[name[1:]] = _parse_option("@", value, offset + len(key) + 1)
        elif not name.startswith("$"):
            custom.append((name, unquote(value)))
        offset += len(part) + 1
    return build_options(values, tuple(custom), tuple(aliases.items()))


def _parse_option(name: str, value: str, offset: int) -> Any:
    try:
        parser = Parser(value)
        result = parser.literal() if name == "@" else parser.option_value(name, 0)
        parser.done()
    except ParseError as exc:
        raise ParseError(str(exc).rsplit(" at ", 1)[0], offset + exc.position) from exc
    return result


def parse_filter(text: str) -> Node:
    """Parse one ``$filter`` expression (used by tests and the key syntax)."""
    return _parse_option("$filter", text, 0)


def join(op: str, left: Node, right: Node) -> Node:
    """``left op right`` as one ``Bool`` per run of one operator (and, or associate)."""
    items: list[Node] = []
    for side in (left, right):
        items.extend(side.items if isinstance(side, Bool) and side.op == op else (side,))
    return Bool(op, tuple(items))
