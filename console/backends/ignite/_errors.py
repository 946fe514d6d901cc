"""The one boundary where pyignite's exceptions become the console's error tree.

pyignite raises its own classes for a node's error replies (the status code
is dropped: only the node's message is left), ``AuthenticationError`` for a
refused handshake, ``ReconnectError`` when no node is left, and plain
``OSError`` for a dead socket. ``map_ignite_errors()`` wraps every call into
pyignite and re-raises the most specific ``ConsoleError``, chained ``from``
the original, naming the node that failed when it knows it.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pyignite import exceptions as ig

from console.errors import (
    AuthError,
    BadQuery,
    Conflict,
    ConsoleError,
    NotFound,
    ReadOnlyRefused,
    Unavailable,
    redact,
)

MAPPED: tuple[type[BaseException], ...] = (
    ig.ParseError, ig.AuthenticationError, ig.ReconnectError, ig.ParameterError,
    ig.CacheError, ig.ClusterError, ig.NotSupportedByClusterError, ig.NotSupportedError,
    OSError, EOFError, Warning,
)
"""Everything pyignite raises (its exception module's classes, socket errors, and the
``Warning`` it raises when a server switches complex-object footers)."""

_NOT_FOUND = re.compile(r"Cache does not exist|Failed to find resource|not found", re.I)
_CONFLICT = re.compile(r"already exists|Duplicate key|UNIQUE constraint|PRIMARY KEY", re.I)
_READ_ONLY = re.compile(r"read-only mode|read only", re.I)
_INACTIVE = re.compile(r"cluster is inactive|not active", re.I)
_DENIED = re.compile(r"security|permission|not authorized|unauthorized", re.I)


def error_class(exc: BaseException) -> type[ConsoleError]:
    """Return the console error class a pyignite exception becomes."""
    text = _text(exc)
    if isinstance(exc, ig.AuthenticationError) or _DENIED.search(text):
        return AuthError
    if isinstance(exc, (OSError, EOFError, ig.ReconnectError, ig.ParseError, Warning)):
        return Unavailable
    if isinstance(exc, ig.ParameterError):
        return BadQuery
    if isinstance(exc, ig.SQLError):  # a missing table is a bad query, a missing cache is not
        if "Cache does not exist" in text:
            return NotFound
        return Conflict if _CONFLICT.search(text) else BadQuery
    if _NOT_FOUND.search(text):
        return NotFound
    if _CONFLICT.search(text):
        return Conflict
    if _READ_ONLY.search(text):
        return ReadOnlyRefused
    if _INACTIVE.search(text) or isinstance(exc, (ig.ClusterError, ig.NotSupportedByClusterError)):
        return Unavailable
    if isinstance(exc, ig.NotSupportedError):
        return BadQuery
    return BadQuery if isinstance(exc, ig.CacheError) else Unavailable


def _text(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    text = message if isinstance(message, str) and message else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def message(exc: BaseException, node: str | None = None) -> str:
    """Say what happened in words an operator reads (the node's own words when it sent some)."""
    text = _text(exc)
    if isinstance(exc, ig.AuthenticationError):
        return f"the cluster refused the credentials: {text}"
    if isinstance(exc, ig.ReconnectError):
        return "no node of the cluster answers (every address was tried)"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {node or 'the node'} failed: {getattr(exc, 'reason', None) or text}"
    if isinstance(exc, (OSError, EOFError)):
        where = f"node {node}" if node else "the node"
        return f"{where} went away ({type(exc).__name__}: {text})"
    if isinstance(exc, ig.ParseError):
        return f"{node or 'the node'} answered what the client cannot read: {text}"
    return text


def translate(exc: BaseException, operation: str, *, profile: str | None = None,
              node: str | None = None, secrets: tuple[str, ...] = ()) -> ConsoleError:
    """Build the console error for one pyignite exception (not raised, not chained)."""
    cls = error_class(exc)
    return cls(redact(message(exc, node), secrets), profile=profile, operation=operation)


@contextmanager
def map_ignite_errors(
    operation: str,
    *,
    profile: str | None = None,
    node: Callable[[], str | None] = lambda: None,
    secrets: tuple[str, ...] = (),
) -> Iterator[None]:
    """Re-raise pyignite's exceptions raised inside the block as console errors.

    Args:
        operation: What the console was doing, e.g. ``"get key"``.
        profile: The profile's name, carried by the error.
        node: Says which node the failing request went to, when known.
        secrets: Values to mask should a message echo one.

    Raises:
        ConsoleError: a subclass chosen from the exception and the node's message,
            chained ``from`` the original.
    """
    try:
        yield
    except ConsoleError:
        raise
    except MAPPED as exc:
        raise translate(exc, operation, profile=profile, node=node(), secrets=secrets) from exc
