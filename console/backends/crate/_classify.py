"""What a CrateDB statement is, from its unquoted words: a write, and can it be paged.

CrateDB has no transactions and no writable CTEs, so the first word decides,
except ``SET``/``RESET GLOBAL`` (cluster settings, a write) and plain
``SET SESSION`` (a read). The server's privileges still stand behind this.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.backends.sql._lexer import words

_WRITES = frozenset({
    "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "COPY", "REFRESH", "OPTIMIZE",
    "GRANT", "DENY", "REVOKE", "KILL", "RESTORE", "SWAP", "ANALYZE", "DISCARD",
})
_PAGEABLE = frozenset({"SELECT", "WITH", "VALUES"})


@dataclass(frozen=True)
class Kind:
    """What the client needs to know before it sends a statement."""

    keyword: str
    writes: bool
    """A read-only profile refuses it."""
    pageable: bool
    """It returns rows and can be wrapped in ``SELECT * FROM (…) LIMIT ? OFFSET ?``."""


def classify(sql: str) -> Kind:
    """Classify one statement."""
    names = [word for word, _ in words(sql)]
    keyword = names[0] if names else ""
    global_setting = keyword in ("SET", "RESET") and "GLOBAL" in names[1:3]
    return Kind(keyword, keyword in _WRITES or global_setting, keyword in _PAGEABLE)
