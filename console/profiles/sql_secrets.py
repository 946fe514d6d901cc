"""Passwords written into SQL: found with PostgreSQL's own scanner, kept off the disk.

``CREATE ROLE … PASSWORD '…'``, ``ALTER ROLE … PASSWORD``, ``OPTIONS (password '…')``
of a user mapping or server, and connection strings with ``password=`` carry a
secret in the statement's text. The SQL history must not keep such a statement,
and the saved editor buffer keeps it with the literal masked. The scanner is the
server's (libpg_query, through ``pglast``), so a password in a dollar-quoted or
``E''`` string is found, and ``select 'password'`` is not taken for one.
"""

from __future__ import annotations

import re

from pglast.parser import ParseError, scan

MASK = "'********'"
_KEYWORDS = frozenset({"PASSWORD"})
_CONNECTION_PASSWORD = re.compile(r"(?i)(\bpassword\s*=\s*)('[^']*'|[^\s']+)")
_FALLBACK = re.compile(r"(?i)(\bpassword\s+)('(?:[^']|'')*'?)")
"""For text the scanner refuses (an unterminated string): ``password '…`` to the end."""


def _literals(sql: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, replacement)`` of the password literals in ``sql``.

    Raises:
        ParseError: the scanner refused the text.
    """
    spans = []
    tokens = scan(sql)
    for before, token in zip([None, *tokens], tokens):
        if token.name != "SCONST":
            continue
        text = sql[token.start : token.end + 1]
        if before is not None and before.name in _KEYWORDS:
            spans.append((token.start, token.end + 1, MASK))
        elif _CONNECTION_PASSWORD.search(text):
            spans.append((token.start, token.end + 1,
                          _CONNECTION_PASSWORD.sub(r"\g<1>********", text)))
    return spans


def carries_password(sql: str) -> bool:
    """Does ``sql`` hold a password literal?"""
    try:
        return bool(_literals(sql))
    except ParseError:
        return bool(_FALLBACK.search(sql) or _CONNECTION_PASSWORD.search(sql))


def mask_passwords(sql: str) -> str:
    """Return ``sql`` with every password literal replaced by ``'********'``."""
    try:
        spans = _literals(sql)
    except ParseError:
        masked = _FALLBACK.sub(lambda m: m.group(1) + MASK, sql)
        return _CONNECTION_PASSWORD.sub(r"\g<1>********", masked)
    for start, end, replacement in reversed(spans):
        sql = sql[:start] + replacement + sql[end:]
    return sql
