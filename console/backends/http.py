"""The one boundary between httpx and the console's errors, shared by every HTTP client.

``map_http_errors`` turns transport failures into ``Unavailable`` (and bad URLs
into ``ConsoleError``); ``raise_for_status`` turns status codes into the error
tree; ``send`` adds timeouts-by-default, retries with backoff for idempotent
requests and honours ``429 Retry-After`` (seconds or an HTTP date) up to a cap.
Backoff pauses are jittered, so clients that failed together do not all come
back in the same instant (150 log followers after a restart, two consoles).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from console.errors import (
    AuthError,
    BadQuery,
    Conflict,
    ConsoleError,
    NotFound,
    RateLimited,
    Unavailable,
)

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_RETRY_AFTER = 60.0
"""Longest ``Retry-After`` the console waits out before reporting ``RateLimited``."""


@dataclass(frozen=True)
class RetryPolicy:
    """Which failed requests ``send`` tries again; a service's protocol notes say."""

    resend: frozenset[str] = IDEMPOTENT
    """Methods tried again after a transport failure or a gateway status."""
    gateway_statuses: frozenset[int] = frozenset({502, 503})
    unsent: tuple[type[BaseException], ...] = ()
    """Transport failures that leave a request unsent, so any method may be tried again."""
    rate_limited_any_method: bool = False
    """A ``429`` did no work, so every method (not only ``resend``) waits it out."""

    def may_resend(self, method: str, failure: BaseException | None) -> bool:
        """Whether a request that failed in transport may be sent again."""
        return method in self.resend or isinstance(failure, self.unsent)

    def waits_out(self, method: str, status: int) -> bool:
        """Whether a reply with this status is worth waiting for and sending again."""
        if status == 429:
            return self.rate_limited_any_method or method in self.resend
        return method in self.resend and status in self.gateway_statuses


IDEMPOTENT_RETRIES = RetryPolicy()
"""Idempotent methods retried on transport errors, 502 and 503; 429 honoured for them."""


@contextmanager
def map_http_errors(service: str, operation: str) -> Iterator[None]:
    """Translate httpx's exceptions raised inside the block into console errors."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise Unavailable(
            f"{service} did not answer in time ({type(exc).__name__})", operation=operation
        ) from exc
    except httpx.ConnectError as exc:
        raise Unavailable(f"cannot reach {service}: {_reason(exc)}", operation=operation) from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise ConsoleError(
            f"bad {service} URL: {exc}", title="Bad URL", operation=operation
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise Unavailable(f"{service} redirected too many times", operation=operation) from exc
    except httpx.DecodingError as exc:
        raise Unavailable(
            f"{service} sent a body that could not be decoded", operation=operation
        ) from exc
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise Unavailable(
            f"connection to {service} failed: {_reason(exc)}", operation=operation
        ) from exc
    except httpx.HTTPStatusError as exc:
        raise_for_status(exc.response, service=service, operation=operation)
        raise Unavailable(f"{service}: {_reason(exc)}", operation=operation) from exc
    except (httpx.HTTPError, httpx.CookieConflict) as exc:
        raise Unavailable(f"{service} request failed: {_reason(exc)}", operation=operation) from exc


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def retry_after(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """Return the seconds a response's ``Retry-After`` asks to wait, or None when it has none.

    Args:
        response: The reply (``429``, ``503``…).
        now: The moment an HTTP date is counted from (the current time by default).

    Returns:
        Seconds from ``now``: the header's delay, or the time until its HTTP date
        (``Wed, 21 Oct 2015 07:28:00 GMT``; 0 for a date already past); None when
        the header is missing or unreadable.
    """
    return parse_retry_after(response.headers.get("retry-after", ""), now=now)


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` value: delay-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value, now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds_until(http_date: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; an HTTP date is always GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def jittered(seconds: float) -> float:
    """Return a pause between half of ``seconds`` and all of it, at random ("equal jitter").

    Without it every client that failed at the same moment retries at the same
    moment too, and meets the same overload again.
    """
    return random.uniform(seconds / 2, seconds)


def error_text(response: httpx.Response) -> str:
    """Return the service's own error message from a body (JSON string, detail, or text)."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return response.text.strip()[:500] or response.reason_phrase
    if isinstance(body, str):
        return body
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "msg"):
            if body.get(key):
                value = body[key]
                return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(body)[:500]


def raise_for_status(response: httpx.Response, *, service: str, operation: str) -> None:
    """Raise the console error that matches an error status; return on success."""
    status = response.status_code
    if status < 400:
        return
    message = f"{service} answered {status}: {error_text(response)}"
    if status in (401, 403):
        raise AuthError(message, operation=operation)
    if status == 404:
        raise NotFound(message, operation=operation)
    if status in (409, 423):
        raise Conflict(message, operation=operation)
    if status == 429:
        raise RateLimited(message, retry_after=retry_after(response), operation=operation)
    if status < 500:
        raise BadQuery(message, operation=operation)
    raise Unavailable(message, operation=operation)


def json_body(response: httpx.Response, *, service: str, operation: str) -> Any:
    """Parse a JSON body, reporting a malformed one as ``Unavailable``."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unavailable(
            f"{service} sent a malformed reply (not JSON)", operation=operation
        ) from exc


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    service: str,
    operation: str,
    attempts: int = 3,
    backoff: float = 0.2,
    on_wait: Callable[[float], Awaitable[None] | None] | None = None,
    policy: RetryPolicy = IDEMPOTENT_RETRIES,
    on_send: Callable[[], None] | None = None,
) -> httpx.Response:
    """Send a request; retry what ``policy`` allows with backoff; honour ``429``.

    Args:
        client: The service's client (its timeout applies to every call).
        request: Built with ``client.build_request`` (URL already encoded).
        service: Name used in messages, e.g. ``"balena API"``.
        operation: What the console is doing, e.g. ``"list devices"``.
        attempts: Tries in all, for requests the policy lets be repeated.
        backoff: First delay between tries; doubles each time, and each pause is
            jittered to between half of it and all of it.
        on_wait: Called with the seconds about to be waited out on a ``429`` (to show a
            countdown); not for a refused connection or a gateway status, which the
            operator must never read as "rate limited".
        policy: Which failures are tried again.
        on_send: Called before each try goes out (to count what reached the wire).

    Returns:
        A response with a status below 300.

    Raises:
        ConsoleError: a subclass matching the failure; a ``3xx`` is reported, not
            followed (following blindly could carry credentials elsewhere or drop a
            write's body).
    """
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        pause = jittered(backoff * 2 ** (attempt - 1))
        if on_send is not None:
            on_send()
        try:
            with map_http_errors(service, operation):
                response = await client.send(request)
        except Unavailable as exc:
            if last or not policy.may_resend(request.method, exc.__cause__):
                raise
            await _wait(pause, None)
            continue
        if 300 <= response.status_code < 400:
            raise _redirected(request, response, service, operation)
        retryable = policy.waits_out(request.method, response.status_code)
        delay = _retry_delay(response, retryable, pause)
        if delay is None or last:
            raise_for_status(response, service=service, operation=operation)
            return response
        await response.aclose()
        await _wait(delay, on_wait if response.status_code == 429 else None)
    raise AssertionError("unreachable")  # pragma: no cover


def _retry_delay(response: httpx.Response, retryable: bool, backoff: float) -> float | None:
    """Seconds to wait before trying again, or None to report the reply as it is.

    A ``429`` is waited out only as long as its ``Retry-After`` says (and not past
    ``MAX_RETRY_AFTER``); a gateway status waits what its ``Retry-After`` asks when it
    carries one, else the jittered backoff.
    """
    if not retryable:
        return None
    wait = retry_after(response)
    if response.status_code == 429:
        return wait if wait is not None and wait <= MAX_RETRY_AFTER else None
    return wait if wait is not None and wait <= MAX_RETRY_AFTER else backoff


def _redirected(
    request: httpx.Request, response: httpx.Response, service: str, operation: str
) -> ConsoleError:
    target = response.headers.get("location", "?")
    return ConsoleError(
        f"{service} answered {response.status_code} to {request.method} {request.url.path}, "
        f"redirecting to {target}. A path missing its trailing slash is redirected so; if "
        "the profile's url is out of date, set it to the address the server points to",
        title="Unexpected redirect",
        operation=operation,
    )


async def _wait(seconds: float, on_wait: Callable[[float], Awaitable[None] | None] | None) -> None:
    if on_wait is not None:
        result = on_wait(seconds)
        if result is not None:
            await result
    await asyncio.sleep(seconds)
