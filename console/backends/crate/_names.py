"""What a blob table name and a blob digest may be, checked before anything is sent."""

from __future__ import annotations

import re

from console.errors import BadQuery

_TABLE = re.compile(r"^[a-z0-9][a-z0-9_]{0,254}$")
_DIGEST = re.compile(r"^[0-9a-f]{40}$")
_REPLICAS = re.compile(r"^\d{1,3}(-(\d{1,3}|all))?$")


def check_table(name: str, operation: str = "blob table") -> str:
    """Return ``name`` if it can name a blob table.

    Raises:
        BadQuery: it cannot (the message says what can).
    """
    if not _TABLE.match(name or ""):
        raise BadQuery(f"'{name}' cannot name a blob table: use lower-case letters, digits "
                       "and '_', not starting with '_'", operation=operation)
    return name


def check_digest(digest: str, operation: str = "blob") -> str:
    """Return the digest in lower case (CrateDB answers 404 to upper-case hex).

    Raises:
        BadQuery: it is not 40 hexadecimal characters.
    """
    lowered = (digest or "").strip().lower()
    if not _DIGEST.match(lowered):
        raise BadQuery(f"'{digest}' is not a blob digest: a SHA-1 digest is 40 hexadecimal "
                       "characters", operation=operation)
    return lowered


def check_replicas(value: str | int, operation: str = "create blob table") -> str:
    """Return replicas as CrateDB's text setting (``1``, ``0-1``, ``0-all``).

    Raises:
        BadQuery: it is not a count or a range.
    """
    text = str(value).strip()
    if not _REPLICAS.match(text):
        raise BadQuery(f"'{value}' is not a number of replicas: give a count (1) or a range "
                       "(0-1, 0-all)", operation=operation)
    return text


def quote(name: str) -> str:
    """A checked name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
