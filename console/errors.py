"""The one error tree every backend raises.

* ConsoleError            anything an operator should read instead of a traceback
  + AuthError             credentials missing, wrong or expired; permission denied
  + NotFound              the named thing does not exist
  + Conflict              already exists, in use, or ambiguous
  + BadQuery              the service rejected the query (``position`` when known)
  + RateLimited           ``429``; ``retry_after`` seconds when the service says
  + Unavailable           unreachable, timed out, cut off, or answered nonsense
  + ReadOnlyRefused       a write was asked of a read-only profile
  + Cancelled             the operator cancelled a running operation

Each error carries the profile and the operation it happened in. Messages are
built from service replies and names, never from credentials: ``redact`` strips
anything that looks like a secret that a service echoed back.
"""

from __future__ import annotations

import re

__all__ = [
    "AuthError",
    "BadQuery",
    "Cancelled",
    "Conflict",
    "ConsoleError",
    "NotFound",
    "RateLimited",
    "ReadOnlyRefused",
    "Unavailable",
    "redact",
]

_SECRET_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(password|passwd|pwd|token|api[_-]?key|secret)(\s*[=:]\s*)([^\s&'\";,]+)"),
    re.compile(r"(postgres(?:ql)?://[^:/@\s]+:)([^@\s]+)(@)"),
]


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Return ``text`` with credentials and the given secret values masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "*****")
    text = _SECRET_PATTERNS[0].sub(r"\1*****", text)
    text = _SECRET_PATTERNS[1].sub(r"\1\2*****", text)
    return _SECRET_PATTERNS[2].sub(r"\1*****\3", text)


class ConsoleError(Exception):
    """Something went wrong that the operator should read about.

    Args:
        message: What happened, in words an operator understands.
        title: A short heading for a notification.
        profile: The profile the operation ran under, when known.
        operation: What the console was doing, e.g. ``"list databases"``.
    """

    default_title = "Error"

    def __init__(
        self,
        message: str,
        *,
        title: str | None = None,
        profile: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.title = title or self.default_title
        self.profile = profile
        self.operation = operation
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.operation:
            return f"{self.operation}: {self.message}"
        return self.message


class AuthError(ConsoleError):
    """Credentials are missing, wrong or expired, or permission was denied."""

    default_title = "Not authorised"


class NotFound(ConsoleError):
    """The named thing does not exist."""

    default_title = "Not found"


class Conflict(ConsoleError):
    """The thing already exists, is in use, or the name is ambiguous."""

    default_title = "Conflict"


class BadQuery(ConsoleError):
    """The service rejected the query or the input.

    Args:
        position: 1-based character offset of the fault in the query, when known.
    """

    default_title = "Bad query"

    def __init__(self, message: str, *, position: int | None = None, **kwargs: str | None) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.position = position


class RateLimited(ConsoleError):
    """The service answered ``429 Too Many Requests``."""

    default_title = "Rate limited"

    def __init__(
        self, message: str, *, retry_after: float | None = None, **kwargs: str | None
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class Unavailable(ConsoleError):
    """The service is unreachable, timed out, went away or answered nonsense."""

    default_title = "Service unavailable"


class ReadOnlyRefused(ConsoleError):
    """A write was asked of a read-only profile."""

    default_title = "Read-only profile"


class Cancelled(ConsoleError):
    """The operator cancelled the operation."""

    default_title = "Cancelled"
