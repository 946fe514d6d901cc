"""What kind of statement a piece of SQL is, read from PostgreSQL's own parse tree.

The client needs these answers before it sends anything: can it stream through
a named cursor, does it write (the audit log records it; a read-only profile
refuses it), does it control a transaction (needs a session), does it change the
connection's session state (the pooled connection is then not handed to the next
caller), and would a read-only profile refuse it, and why (``_readonly``).

The parser is the server's own (``_parse``), so comments, dollar quotes, quoted
and Unicode-escaped names read as the server reads them. Text the parser
refuses is judged conservatively: it may write, may change the session, and a
read-only profile does not send it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.backends.postgres import _readonly
from console.backends.postgres._parse import Node, Parsed, node_type, parse, walk
from console.backends.postgres._plain import plain_read
from console.backends.sql._lexer import tokens

_MODIFYING = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})
_READS = frozenset({
    "SelectStmt", "VariableShowStmt", "FetchStmt", "ClosePortalStmt", "ListenStmt",
    "UnlistenStmt", "DiscardStmt", "DeallocateStmt",
})
"""Statement types that change no data (their subqueries and calls are still checked)."""
_SESSION = frozenset({
    "VariableSetStmt", "ListenStmt", "UnlistenStmt", "DiscardStmt", "PrepareStmt",
    "DeallocateStmt", "DeclareCursorStmt", "LoadStmt", "DoStmt", "CallStmt",
})
"""Statement types that may leave something behind on the connection."""
_SESSION_CALLS = frozenset({"set_config", "pg_advisory_lock", "pg_advisory_lock_shared",
                            "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
                            "dblink_connect", "dblink_connect_u"})
_OUTSIDE_BLOCK = frozenset({"TRANS_STMT_COMMIT_PREPARED", "TRANS_STMT_ROLLBACK_PREPARED"})
"""``COMMIT PREPARED 'x'`` acts on another transaction, not the session's block."""


@dataclass(frozen=True)
class StatementKind:
    """What the client needs to know about one statement before sending it."""

    keyword: str
    """The first word, upper-cased (``""`` when there is none)."""
    cursorable: bool
    """It can be declared as a server-side cursor and streamed."""
    writes: bool
    """It may change data, schema or server state: audited, and refused on a read-only profile."""
    transaction: bool
    """It begins or ends a transaction block, so it needs a session."""
    session_state: bool
    """It may change the connection's session (``SET``, temporary tables…)."""
    refusal: str | None = None
    """Why a read-only profile refuses it; ``None`` when it may run there."""
    keeps_settings: bool = False
    """``SET``/``RESET``: a read-only run commits its read-only transaction, so it lasts."""
    relations: tuple[str, ...] = ()
    """Relations it names, for the audit log's target."""
    syntax_error: str | None = None
    """The parser's message when the text is not valid SQL."""
    error_position: int | None = None
    """1-based position of ``syntax_error`` in the text, when known."""
    statements: int = 1
    """How many statements the parser found in the text."""
    types: tuple[str, ...] = field(default=(), repr=False)
    """The parse-tree type of each statement (``SelectStmt``…)."""


def classify(
    sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
) -> StatementKind:
    """Classify a statement as the server's parser reads it.

    Args:
        sql: The statement text.
        params: Values for its ``%s`` placeholders, when the driver binds some:
            the text is judged with each placeholder standing for a literal.
    """
    relations = plain_read(sql) if params is None else None
    if relations is None:
        return classify_parsed(sql, params)
    # provably a plain SELECT (``_plain``): what the parser would say, without loading it
    return StatementKind(keyword=_first_word(sql), cursorable=True, writes=False,
                         transaction=False, session_state=False, relations=relations,
                         types=("SelectStmt",))


def classify_parsed(
    sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
) -> StatementKind:
    """Classify a statement from the parser's tree, always (``classify`` without its fast
    path; tests hold the two equal)."""
    parsed = parse(_bound(sql, params))
    keyword = _first_word(sql)
    if parsed.error is not None or not parsed.statements:
        return _unparsed(keyword, parsed)
    statements = parsed.statements
    types = tuple(node_type(s) for s in statements)
    single = len(statements) == 1
    return StatementKind(
        keyword=keyword,
        cursorable=single and _cursorable(statements[0]),
        writes=any(_writes(s) for s in statements),
        transaction=any(_transaction(s) for s in statements),
        session_state=any(_session_state(s) for s in statements),
        refusal=_readonly.refusal(statements, keyword),
        keeps_settings=single and types[0] == "VariableSetStmt",
        relations=_relations(statements),
        statements=len(statements),
        types=types,
    )


class _Nulls(dict[str, str]):
    """Every ``%(name)s`` stands for a literal."""

    def __missing__(self, key: str) -> str:
        return "NULL"


def _bound(sql: str, params: Sequence[Any] | Mapping[str, Any] | None) -> str:
    """The text with ``%s`` (or ``%(name)s``) as a literal and ``%%`` as ``%``, as the
    driver will send it."""
    if params is None:
        return sql
    try:
        if isinstance(params, Mapping):
            return sql % _Nulls()
        return sql % tuple("NULL" for _ in params)
    except (TypeError, ValueError):  # the driver will say what is wrong with it
        return sql


def _first_word(sql: str) -> str:
    for token in tokens(sql):
        if token.kind == "word":
            return sql[token.start : token.end].upper()
    return ""


def _unparsed(keyword: str, parsed: Parsed) -> StatementKind:
    """Text the parser refuses: assume the worst; the server reports the error itself."""
    return StatementKind(
        keyword=keyword, cursorable=False, writes=bool(keyword), transaction=False,
        session_state=bool(keyword), refusal=parsed.error or "no statement",
        syntax_error=parsed.error, error_position=parsed.position,
        statements=0,
    )


def _modifies(statement: Node) -> bool:
    """Does an INSERT/UPDATE/DELETE/MERGE or a ``SELECT … INTO`` appear anywhere in it?"""
    for kind, body in walk(statement):
        if kind in _MODIFYING or (kind == "SelectStmt" and "intoClause" in body):
            return True
    return False


def _cursorable(statement: Node) -> bool:
    return node_type(statement) == "SelectStmt" and not _modifies(statement)


_WRITE_TYPES = _MODIFYING | frozenset({
    "CreateStmt", "CreateTableAsStmt", "AlterTableStmt", "DropStmt", "TruncateStmt", "DoStmt",
    "CallStmt", "IndexStmt", "GrantStmt", "DropdbStmt", "CreatedbStmt", "VacuumStmt",
})
"""Types that write whatever they hold: no need to walk a million-row INSERT to know."""


def _writes(statement: Node) -> bool:
    kind = node_type(statement)
    if kind in _WRITE_TYPES:
        return True
    body = statement[kind]
    runs = _readonly.executed(statement)
    if runs is not None and (_modifies(runs) or _readonly.side_effect_call(runs) is not None):
        return True
    if kind in _READS or kind == "ExplainStmt":  # an analysed write was caught above
        return False
    if kind in ("DeclareCursorStmt", "PrepareStmt"):
        return False  # what they hold was walked above
    if kind == "CopyStmt":
        return bool(body.get("is_from") or body.get("filename") or body.get("is_program"))
    if kind == "VariableSetStmt":
        return _readonly.flips_read_only(body)
    if kind == "TransactionStmt":
        return body.get("kind") in _OUTSIDE_BLOCK or _readonly.flips_read_only(body)
    return True  # DDL, DO, CALL, EXECUTE, NOTIFY, VACUUM, LOCK…: may change something


def _transaction(statement: Node) -> bool:
    body = statement.get("TransactionStmt")
    return body is not None and body.get("kind") not in _OUTSIDE_BLOCK


def _session_state(statement: Node) -> bool:
    if node_type(statement) in _SESSION:
        return True
    for kind, body in walk(statement):
        if kind == "FuncCall" and _readonly.called_name(body) in _SESSION_CALLS:
            return True
        if kind in ("CreateStmt", "CreateTableAsStmt", "CreateSeqStmt", "ViewStmt",
                    "SelectStmt", "IntoClause") and _temporary(body):
            return True
    return False


def _temporary(body: Node) -> bool:
    for key in ("relation", "rel", "into", "intoClause", "view", "sequence"):
        inner = body.get(key)
        if isinstance(inner, dict) and (inner.get("relpersistence") == "t"
                                        or _temporary(inner)):
            return True
    return False


def _relations(statements: list[Node], limit: int = 3, budget: int = 2000) -> tuple[str, ...]:
    """Name the relations a statement touches, first ones first (for the audit log).

    Breadth first, so the statement's own target comes first; the search stops after
    ``budget`` items, so a million-row ``VALUES`` list is not read for table names.
    """
    found: list[str] = []
    queue: deque[Any] = deque(statements)
    while queue and len(found) < limit and budget > 0:
        budget -= 1
        item = queue.popleft()
        if isinstance(item, dict):
            if "relname" in item:
                name = ".".join(p for p in (item.get("schemaname"), item["relname"]) if p)
                if name not in found:
                    found.append(name)
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)
    return tuple(found)
