"""The one place CrateDB's failures become console errors.

``map_crate_errors`` translates every exception crate-python raises (and the
urllib3 ones it lets through); ``sql_error`` reads CrateDB's error message
(``RelationUnknown[Relation 'doc.x' unknown]``) whose exception name says
what went wrong, since crate-python keeps the message and drops the code;
``blob_error`` turns a ``/_blobs`` status into the error the protocol notes
give it. Messages never carry a credential: crate-python's own text can hold
a server URL with ``user:password@``, so it is scrubbed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from crate.client import exceptions as crate_exc
from urllib3 import exceptions as urllib3_exc

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

SERVICE = "CrateDB"
_NAME = re.compile(r"^([A-Za-z]+(?:Exception|Unknown|Exists|Error)?)\[")
_LINE = re.compile(r"line (\d+):(\d+)")
_URL_USER = re.compile(r"(://)[^/@\s:]+(:[^@\s/]*)?@")

_BY_NAME: dict[str, type[ConsoleError]] = {
    "RelationUnknown": NotFound,
    "SchemaUnknownException": NotFound,
    "ColumnUnknownException": NotFound,
    "PartitionUnknownException": NotFound,
    "RepositoryUnknownException": NotFound,
    "SnapshotUnknownException": NotFound,
    "UserDefinedFunctionUnknownException": NotFound,
    "RoleUnknownException": NotFound,
    "UserUnknownException": NotFound,
    "DuplicateKeyException": Conflict,
    "VersionConflictException": Conflict,
    "RelationAlreadyExists": Conflict,
    "SchemaAlreadyExistsException": Conflict,
    "RoleAlreadyExistsException": Conflict,
    "UserAlreadyExistsException": Conflict,
    "UnauthorizedException": AuthError,
    "MissingPrivilegeException": AuthError,
    "ReadOnlyException": ReadOnlyRefused,
    "ClusterBlockException": Unavailable,
    "JobKilledException": Cancelled,
    "ShardsUnavailableException": Unavailable,
    "UnhandledServerException": Unavailable,
    "TaskMissing": Unavailable,
}


def scrub(text: str) -> str:
    """Drop ``user:password@`` from URLs inside a library's message."""
    return _URL_USER.sub(r"\1", text)


def sql_error(message: str, operation: str, profile: str | None = None) -> ConsoleError:
    """The console error for a CrateDB error message (``Name[detail]``) or status line."""
    message = scrub(message.strip()) or "the server gave no reason"
    found = _NAME.match(message)
    name = found.group(1) if found else ""
    cls = _BY_NAME.get(name)
    if cls is None:
        cls = _by_status(message) or (BadQuery if name else Unavailable)
    if cls is BadQuery:
        return BadQuery(message, position=_position(message), operation=operation,
                        profile=profile)
    return cls(message, operation=operation, profile=profile)


def _by_status(message: str) -> type[ConsoleError] | None:
    """crate-python words a non-JSON error as ``401 Client Error: Unauthorized``."""
    status = message[:3]
    if not status.isdigit():
        return None
    if status in ("401", "403"):
        return AuthError
    if status == "404":
        return NotFound
    if status == "409":
        return Conflict
    return BadQuery if status.startswith("4") else Unavailable


def _position(message: str) -> int | None:
    """CrateDB says ``line L:C``; for a one-line statement that is the character."""
    found = _LINE.search(message)
    if found is None or found.group(1) != "1":
        return None
    return int(found.group(2))


@contextmanager
def map_crate_errors(operation: str, profile: str | None = None) -> Iterator[None]:
    """Translate crate-python's (and urllib3's) exceptions raised in the block.

    Raises:
        ConsoleError: a subclass for every exception of those libraries, chained.
    """
    try:
        yield
    except ConsoleError:
        raise
    except crate_exc.BlobException as exc:
        raise _blob_exception(exc, operation, profile) from exc
    except crate_exc.Error as exc:
        raise _crate_error(exc, operation, profile) from exc
    except crate_exc.Warning as exc:
        raise Unavailable(f"{SERVICE} warned: {scrub(str(exc))}", operation=operation,
                          profile=profile) from exc
    except urllib3_exc.HTTPError as exc:
        raise Unavailable(f"cannot reach {SERVICE}: {scrub(str(exc))[:300]}",
                          operation=operation, profile=profile) from exc
    except OSError as exc:  # crate-python checks ca_cert exists with IOError
        raise ConsoleError(f"{SERVICE}: {scrub(str(exc))}", title="Bad settings",
                           operation=operation, profile=profile) from exc


def _crate_error(exc: crate_exc.Error, operation: str, profile: str | None) -> ConsoleError:
    cause = exc.__cause__
    if isinstance(cause, ConsoleError):  # ours, raised inside crate-python's request loop
        return cause
    text = scrub(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
    if isinstance(exc, crate_exc.ConnectionError):
        return Unavailable(f"cannot reach {SERVICE}: {text}", operation=operation,
                           profile=profile)
    if isinstance(exc, crate_exc.IntegrityError):
        return Conflict(text, operation=operation, profile=profile)
    if isinstance(exc, (crate_exc.ProgrammingError, crate_exc.DatabaseError)):
        return sql_error(text, operation, profile)
    if isinstance(exc, crate_exc.TimezoneUnawareException):
        return BadQuery(text, operation=operation, profile=profile)
    return Unavailable(f"{SERVICE}: {text}", operation=operation, profile=profile)


def _blob_exception(exc: crate_exc.BlobException, operation: str,
                    profile: str | None) -> ConsoleError:
    if isinstance(exc, crate_exc.DigestNotFoundException):
        return NotFound(f"no blob {exc.digest} in blob table '{exc.table}'",
                        operation=operation, profile=profile)
    return NotFound(f"blob table '{exc.table}' does not exist (or blobs are disabled)",
                    operation=operation, profile=profile)


def blob_error(status: int, text: str, *, table: str, digest: str | None, operation: str,
               profile: str | None = None) -> ConsoleError:
    """The console error for a ``/_blobs`` reply status (notes §6)."""
    reason = scrub(text.strip())[:300]
    what = f"blob {digest} of '{table}'" if digest else f"blob table '{table}'"
    if status in (401, 403):
        return AuthError(f"{SERVICE} refused the credentials: {reason or status}",
                         operation=operation, profile=profile)
    if status == 404:
        return NotFound(reason or f"{what}: not found (no such blob or blob table)",
                        operation=operation, profile=profile)
    if status == 409:
        return Conflict(f"{what} already exists", operation=operation, profile=profile)
    if status == 400:
        why = reason or "digest mismatch or blobs disabled"
        return BadQuery(f"{SERVICE} refused {what}: {why}", operation=operation,
                        profile=profile)
    if status == 416:
        return BadQuery(f"{what}: the requested range starts past its end",
                        operation=operation, profile=profile)
    return Unavailable(f"{SERVICE} answered {status} for {what}: {reason}".rstrip(": "),
                       operation=operation, profile=profile)
