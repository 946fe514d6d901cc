"""A lexical fast path for the plainest reads, so ``sql -q 'select 1'`` need not load the parser.

Loading PostgreSQL's parser (``pglast``) costs more than the rest of a short
command. A statement this module accepts is provably a plain read: one
``SELECT`` of literals, plain column names and arithmetic or comparison
operators, from at most one named table, with optional ``WHERE``, ``ORDER BY``
and ``LIMIT``. No parenthesis (so no call, subquery or ``IN`` list), no dotted
column (``t.f`` is a call of ``f(t)``), no cast, comment, dollar quote, escape
string, backslash, semicolon inside, ``INTO`` or ``FOR UPDATE``: every word that
is not a plain identifier must be one of the few this grammar knows, so a
keyword it does not know sends the text to the parser, as does any character
outside its small alphabet. Whatever it refuses is classified by the parser as
before; the server's read-only transaction stays the enforcement either way.
A test checks that the parser agrees on everything accepted here.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"""
      (?P<ws>[ \t\n\r]+)
    | (?P<number>[0-9]+(?:\.[0-9]+)?(?![0-9A-Za-z_.]))
    | (?P<string>'(?:[^'\\\x00]|'')*'(?![0-9A-Za-z_'"]))
    | (?P<quoted>"[^"\x00]{1,63}"(?!["']))
    | (?P<word>[A-Za-z_][A-Za-z0-9_]{0,62}(?![0-9A-Za-z_$'"]))
    | (?P<op>[-+*/<>=!~@\#%^&|`?]+)
    | (?P<punct>[,.;])
""", re.VERBOSE)
"""The alphabet: an unknown character, or a word running into a quote, matches nothing."""
_START = re.compile(r"[ \t\n\r]*select(?![0-9A-Za-z_$])", re.IGNORECASE)

_KEYWORDS = frozenset({
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float",
    "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having",
    "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval",
    "into", "is", "isnull", "join", "json", "json_array", "json_arrayagg", "json_exists",
    "json_object", "json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table",
    "json_value", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "merge_action", "national", "natural", "nchar", "none", "normalize", "not",
    "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer",
    "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references",
    "returning", "right", "row", "select", "session_user", "setof", "similar", "smallint", "some",
    "substring", "symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp",
    "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
    "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
    "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
    "xmlroot", "xmlserialize", "xmltable"
})
"""PostgreSQL's reserved, column-name and type-or-function-name keywords (``pglast.keywords``;
a test keeps the two equal). Any other word is an identifier wherever one may stand."""
_LITERAL_WORDS = frozenset({"null", "true", "false"})
_ARITHMETIC = frozenset({"+", "-", "*", "/"})
_COMPARISON = frozenset({"=", "<", ">", "<=", ">=", "<>", "!="})
"""Non-associative in PostgreSQL's grammar: ``a = b = c`` is a syntax error."""
_SIGNS = frozenset({"+", "-"})


def plain_read(sql: str) -> tuple[str, ...] | None:
    """Return the relations a provably plain read names, or ``None`` for the parser to judge.

    Args:
        sql: One statement's text, as it will be sent (no placeholders bound).

    Returns:
        ``()`` for ``SELECT 1``, ``("s.t",)`` for ``SELECT a FROM s.t``; ``None``
        when the text is anything else, or anything this module cannot vouch for.
    """
    if not _START.match(sql):  # before reading every token of a long INSERT or UPDATE
        return None
    found = _tokens(sql)
    if found is None:
        return None
    try:
        return _Reader(found).statement()
    except _NotPlain:
        return None


def _tokens(sql: str) -> list[tuple[str, str]] | None:
    """``(kind, text)`` of each token, spaces left out; ``None`` at the first unknown one."""
    found: list[tuple[str, str]] = []
    pos = 0
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        if match is None or match.lastgroup is None:
            return None
        if match.lastgroup != "ws":
            found.append((match.lastgroup, match.group()))
        pos = match.end()
    return found


class _NotPlain(Exception):
    """The text left the grammar this module can vouch for."""


class _Reader:
    """A recursive-descent reader of the one statement shape accepted."""

    def __init__(self, found: list[tuple[str, str]]) -> None:
        self.found = found
        self.at = 0

    def statement(self) -> tuple[str, ...]:
        self.expect_word("select")
        self.targets()
        relations = (self.relation(),) if self.take_word("from") else ()
        if self.take_word("where"):
            self.condition()
        if self.take_word("order"):
            self.expect_word("by")
            self.ordering()
        if self.take_word("limit"):
            self.expect("number")
        self.take("punct", ";")
        if self.at != len(self.found):
            raise _NotPlain
        return relations

    def targets(self) -> None:
        while True:
            if not self.take("op", "*"):
                self.condition()
                if self.take_word("as"):
                    self.name()
            if not self.take("punct", ","):
                return

    def relation(self) -> str:
        parts = [self.name()]
        if self.take("punct", "."):
            parts.append(self.name())
        return ".".join(parts)

    def ordering(self) -> None:
        while True:
            self.condition()
            if not self.take_word("asc"):
                self.take_word("desc")
            if not self.take("punct", ","):
                return

    def condition(self) -> None:
        """Comparisons joined by AND/OR, each of sums with at most one comparison operator."""
        while True:
            self.arithmetic()
            if self.peek_op(_COMPARISON):
                self.at += 1
                self.arithmetic()
            if not (self.take_word("and") or self.take_word("or")):
                return

    def arithmetic(self) -> None:
        while True:
            while self.peek_op(_SIGNS):
                self.at += 1
            self.operand()
            if not self.peek_op(_ARITHMETIC):
                return
            self.at += 1

    def operand(self) -> None:
        kind, text = self.next()
        if kind in ("number", "string", "quoted"):
            return
        if kind == "word" and (text.lower() in _LITERAL_WORDS
                               or text.lower() not in _KEYWORDS):
            return
        raise _NotPlain

    def name(self) -> str:
        """An identifier: unquoted ones fold to lower case, as the server folds them."""
        kind, text = self.next()
        if kind == "quoted" and len(text[1:-1].encode()) < 64:  # longer ones are truncated
            return text[1:-1]
        if kind == "word" and text.lower() not in _KEYWORDS:
            return text.lower()
        raise _NotPlain

    # -- tokens --

    def next(self) -> tuple[str, str]:
        if self.at >= len(self.found):
            raise _NotPlain
        self.at += 1
        return self.found[self.at - 1]

    def take(self, kind: str, text: str) -> bool:
        if self.at < len(self.found) and self.found[self.at] == (kind, text):
            self.at += 1
            return True
        return False

    def take_word(self, word: str) -> bool:
        if (self.at < len(self.found) and self.found[self.at][0] == "word"
                and self.found[self.at][1].lower() == word):
            self.at += 1
            return True
        return False

    def expect(self, kind: str) -> None:
        if self.next()[0] != kind:
            raise _NotPlain

    def expect_word(self, word: str) -> None:
        if not self.take_word(word):
            raise _NotPlain

    def peek_op(self, allowed: frozenset[str]) -> bool:
        return (self.at < len(self.found) and self.found[self.at][0] == "op"
                and self.found[self.at][1] in allowed)
