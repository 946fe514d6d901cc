"""The one boundary where psycopg2's errors become the console's error tree.

``map_pg_errors()`` wraps every call into psycopg2 and re-raises the most
specific ``ConsoleError`` subclass, chained ``from`` the original. The choice
is made from the SQLSTATE: the error's own ``pgcode``, or for an error built
without one (connection failures, errors raised by psycopg2 itself) the code
its class stands for, else the DB-API class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import psycopg2
import psycopg2.errorcodes
import psycopg2.errors

from console.errors import (
    AuthError,
    BadQuery,
    Cancelled,
    Conflict,
    ConsoleError,
    NotFound,
    ReadOnlyRefused,
    Unavailable,
)

_BY_CODE: dict[str, type[ConsoleError]] = {
    "25006": ReadOnlyRefused,
    "42501": AuthError,
    "3D000": NotFound,
    "55006": Conflict,
    "55P03": Conflict,
    "23505": Conflict,
    "23P01": Conflict,
    **dict.fromkeys(("42P03", "42P04", "42P05", "42P06", "42P07", "42710", "42723"), Conflict),
}
_BY_CLASS: dict[str, type[ConsoleError]] = {
    "08": Unavailable,  # connection exception
    "28": AuthError,  # invalid authorization
    "40": Conflict,  # serialization failure, deadlock: another transaction won
    "53": Unavailable,  # disk full, out of memory, too many connections
    "57": Unavailable,  # operator intervention: shutdown, crash
    "58": Unavailable,  # system error (I/O)
    "72": Unavailable,  # snapshot too old
    "F0": Unavailable,  # configuration file error
    "XX": Unavailable,  # internal error
}
_BY_DBAPI: list[tuple[type[Exception], type[ConsoleError]]] = [
    (psycopg2.IntegrityError, Conflict),
    (psycopg2.DataError, BadQuery),
    (psycopg2.ProgrammingError, BadQuery),
    (psycopg2.NotSupportedError, BadQuery),
    (psycopg2.Warning, BadQuery),
]
"""For errors without SQLSTATE; anything else (operational, interface, pool…) is Unavailable."""

_CLASS_CODES: dict[type[BaseException], str] = {}
for _code in vars(psycopg2.errorcodes).values():
    if isinstance(_code, str) and len(_code) == 5:
        with suppress(KeyError):  # a code psycopg2 has no class for
            _CLASS_CODES.setdefault(psycopg2.errors.lookup(_code), _code)

_AUTH_HINTS = re.compile(
    r"role \".*\" does not exist|password authentication failed|permission denied"
    r"|no pg_hba\.conf entry|no password supplied|password is required",
)


def sqlstate(exc: BaseException) -> str | None:
    """Return the SQLSTATE of a psycopg2 error: its own, else the one its class stands for."""
    return getattr(exc, "pgcode", None) or _CLASS_CODES.get(type(exc))


def error_class(exc: BaseException) -> type[ConsoleError]:
    """Return the console error class a psycopg2 error becomes."""
    code = sqlstate(exc)
    if code is not None:
        if code == "57014":
            return Unavailable if "timeout" in str(exc) else Cancelled
        return _BY_CODE.get(code) or _BY_CLASS.get(code[:2], BadQuery)
    if isinstance(exc, psycopg2.OperationalError):
        return _connection_failure_class(_connection_message(str(exc)))
    for dbapi, console in _BY_DBAPI:
        if isinstance(exc, dbapi):
            return console
    return Unavailable


def _connection_failure_class(message: str) -> type[ConsoleError]:
    if re.search(r"database \".*\" does not exist", message):
        return NotFound
    return AuthError if _AUTH_HINTS.search(message) else Unavailable


def _connection_message(text: str) -> str:
    """Keep what the server said (after ``FATAL:``), on one line."""
    if "FATAL:" in text:
        text = text.rsplit("FATAL:", 1)[1]
    return " ".join(text.split())


def message(exc: BaseException) -> str:
    """Return the server's words: primary message, then detail and hint lines."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if not primary:
        return _connection_message(str(exc)) or type(exc).__name__
    lines = [primary]
    for label, text in (("DETAIL", diag.message_detail), ("HINT", diag.message_hint)):
        if text:
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def translate(
    exc: BaseException,
    operation: str,
    *,
    profile: str | None = None,
    locate: Callable[[int], int | None] | None = None,
) -> ConsoleError:
    """Build the console error for one psycopg2 error (not raised, not chained).

    Args:
        exc: The psycopg2 error.
        operation: What the console was doing, e.g. ``"list databases"``.
        profile: The profile's name.
        locate: Turns the server's 1-based position in the text it was sent
            into the position in the operator's statement (``None`` if outside).

    Returns:
        A ``ConsoleError`` subclass instance; ``BadQuery`` carries ``position``.
    """
    cls = error_class(exc)
    text = message(exc)
    if cls is BadQuery:
        return BadQuery(text, position=_position(exc, locate), profile=profile,
                        operation=operation)
    return cls(text, profile=profile, operation=operation)


def _position(exc: BaseException, locate: Callable[[int], int | None] | None) -> int | None:
    raw = getattr(getattr(exc, "diag", None), "statement_position", None)
    try:
        position = int(raw) if raw is not None else None
    except ValueError:
        return None
    if position is None or locate is None:
        return position
    return locate(position)


@contextmanager
def map_pg_errors(
    operation: str,
    *,
    profile: str | None = None,
    locate: Callable[[int], int | None] | None = None,
) -> Iterator[None]:
    """Re-raise psycopg2 errors raised inside the block as console errors.

    Args:
        operation: What the console was doing, e.g. ``"drop database"``.
        profile: The profile's name, carried by the error.
        locate: See ``translate``.

    Raises:
        ConsoleError: a subclass chosen from the SQLSTATE, chained ``from`` the original.
    """
    try:
        yield
    except (psycopg2.Error, psycopg2.Warning) as exc:
        raise translate(exc, operation, profile=profile, locate=locate) from exc
