"""What kind of statement a piece of SQL is, judged from its words before it is sent.

The client needs four answers: can it stream through a named cursor, does
it write (a read-only profile refuses it before sending), does it control a
transaction (needs a session), and does it change the connection's session
state (the pooled connection is then not handed to the next caller).
Judging by words can be fooled; the server's ``default_transaction_read_only``
still stands behind the read-only check.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from console.backends.sql._lexer import words

_CURSORABLE = frozenset({"SELECT", "WITH", "VALUES", "TABLE"})
_DATA_CHANGES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})
_LOCK_CLAUSE = frozenset({"FOR", "KEY", "ON"})
"""Words before UPDATE/DELETE that make them a clause (``FOR UPDATE``, ``ON DELETE``)."""
_WRITES = _DATA_CHANGES | frozenset({
    "TRUNCATE", "CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "REINDEX",
    "CLUSTER", "VACUUM", "ANALYZE", "ANALYSE", "REFRESH", "SECURITY", "IMPORT",
    "REASSIGN", "LOCK", "CHECKPOINT", "CALL", "DO",
})
_TRANSACTION = frozenset({
    "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE",
})
_CLEAN = _CURSORABLE | _WRITES | frozenset({"SHOW", "EXPLAIN", "COPY", "FETCH", "MOVE", "NOTIFY"})
"""First words of statements that leave the session as they found it."""


@dataclass(frozen=True)
class StatementKind:
    """What the client needs to know about one statement before sending it."""

    keyword: str
    """The first word, upper-cased (``""`` when there is none)."""
    cursorable: bool
    """It can be declared as a server-side cursor and streamed."""
    writes: bool
    """A read-only profile refuses it before sending."""
    transaction: bool
    """It begins or ends a transaction block, so it needs a session."""
    session_state: bool
    """It may change the connection's session (``SET``, temporary tables…)."""


def classify(sql: str) -> StatementKind:
    """Classify one statement from its unquoted words."""
    found = words(sql)
    names = [word for word, _ in found]
    keyword = names[0] if names else ""
    changes = _changes_data(names)
    into = any(word == "INTO" and depth == 0 for word, depth in found)
    return StatementKind(
        keyword=keyword,
        cursorable=keyword in _CURSORABLE and not changes and not into,
        writes=_writes(sql, names, changes, into) or _copy_writes(found),
        transaction=keyword in _TRANSACTION and _is_transaction(names),
        session_state=keyword not in _CLEAN or _creates_temporary(names),
    )


def _changes_data(names: list[str]) -> bool:
    """Does an INSERT/UPDATE/DELETE/MERGE appear after the first word (as in ``WITH``)?"""
    return any(
        word in _DATA_CHANGES and names[i - 1] not in _LOCK_CLAUSE
        for i, word in enumerate(names)
        if i > 0
    )


def _writes(sql: str, names: list[str], changes: bool, into: bool) -> bool:
    keyword = names[0] if names else ""
    if keyword in _WRITES or _escapes_read_only(sql, names):
        return True
    if keyword == "EXPLAIN":
        analyze = "ANALYZE" in names or "ANALYSE" in names
        return analyze and (changes or "CREATE" in names or "EXECUTE" in names)
    return keyword in _CURSORABLE and (changes or into)


def _copy_writes(found: list[tuple[str, int]]) -> bool:
    """``COPY t FROM …`` loads rows and ``COPY … TO 'file'`` writes a server file;
    only ``COPY … TO STDOUT`` reads."""
    top = [word for word, depth in found if depth == 0]
    if not top or top[0] != "COPY":
        return False
    for i, word in enumerate(top):
        if word in ("FROM", "TO"):
            return not (word == "TO" and top[i + 1 : i + 2] == ["STDOUT"])
    return True


def _escapes_read_only(sql: str, names: list[str]) -> bool:
    """Would this statement switch a read-only session to read-write?"""
    if "transaction_read_only" in sql.lower():  # also inside set_config('…') strings
        return True
    return any(a == "READ" and b == "WRITE" for a, b in pairwise(names))


def _creates_temporary(names: list[str]) -> bool:
    return names[:1] == ["CREATE"] and ("TEMP" in names or "TEMPORARY" in names)


def _is_transaction(names: list[str]) -> bool:
    """Does it open or close a block? ``PREPARE name AS …`` prepares a statement and
    ``COMMIT PREPARED 'x'`` runs outside any block, so neither does."""
    second = names[1:2]
    if names[0] == "PREPARE":
        return second == ["TRANSACTION"]
    return second != ["PREPARED"]
