"""The Balsam REST client: authentication, one request path, and a manager per collection.

Logs in with a username and password (form-encoded ``/auth/password/login``,
JWT bearer) or uses a token from the profile. There is no refresh route: on a
``401`` the client logs in again once when it holds a password, and otherwise
reports that the token is no longer accepted.

Retries follow protocols/balsam.md §12, not the shared rule for every service:
a GET is retried on transport errors and ``502``/``503``/``504``; a write only
when it never reached the server (the connection could not be made). A ``PUT``
or ``DELETE`` by filter that timed out or met a gateway error may have been
applied, and repeating it would touch whatever matches *now* and log every
state change twice (``RETRIES``). A ``3xx`` is reported, never followed or read
as a reply.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from console.backends.balsam.batch import BatchJobManager
from console.backends.balsam.jobs import JobManager
from console.backends.balsam.manager import Manager
from console.backends.balsam.resources import APPS, EVENTS, SITES, TRANSFERS, Params
from console.backends.http import RetryPolicy, json_body, send
from console.errors import AuthError, BadQuery, ConsoleError, ReadOnlyRefused
from console.profiles import audit

SERVICE = "Balsam API"
RETRIES = RetryPolicy(
    resend=frozenset({"GET"}),
    gateway_statuses=frozenset({502, 503, 504}),
    unsent=(httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout),
    rate_limited_any_method=True,
)
"""§12: GETs retried on transport errors and gateway statuses; a write only when it
never left; a ``429`` did no work, so every method waits out a short ``Retry-After``."""


class BalsamClient:
    """An async client of one Balsam server.

    Args:
        url: The API root, e.g. ``https://balsam.example.org``.
        username: Who logs in with ``password``.
        password: Used to log in (and to log in again when the token expires).
        token: A ready JWT; used as is, never refreshed.
        read_only: Refuse every write before sending it.
        timeout: Seconds per request.
        profile: The profile's name, carried by errors.
        http: An ``httpx.AsyncClient`` to use (the client owns one otherwise).
    """

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        read_only: bool = False,
        timeout: float = 15.0,
        profile: str | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.username = username
        self._password = password
        self._token = token
        self.read_only = read_only
        self.profile = profile
        self.requests_sent = 0
        """How many requests went to the server (login included); tests and benchmarks read it."""
        self._login_lock = asyncio.Lock()
        self._logins_finished = 0
        self._login_failure: ConsoleError | None = None
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self.sites = Manager(self, SITES)
        self.apps = Manager(self, APPS)
        self.jobs = JobManager(self)
        self.batch_jobs = BatchJobManager(self)
        self.transfers = Manager(self, TRANSFERS)
        self.events = Manager(self, EVENTS)

    @classmethod
    def from_profile(cls, profile: Any) -> BalsamClient:
        """Build a client from a profile's ``[balsam]`` section and secrets.

        Raises:
            ConsoleError: the profile has no Balsam server (the message says what to add).
        """
        settings = profile.service("balsam")
        if settings is None:
            raise ConsoleError(profile.missing_hint("balsam"), title="No Balsam server")
        return cls(
            settings.url,
            username=settings.username,
            password=profile.secret("balsam", "password"),
            token=profile.secret("balsam", "token"),
            read_only=profile.read_only,
            timeout=settings.timeout,
            profile=profile.name,
        )

    async def aclose(self) -> None:
        """Close the HTTP connections the client opened itself."""
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> BalsamClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def check_writable(self, operation: str) -> None:
        """Raise ``ReadOnlyRefused`` for a write under a read-only profile (nothing is sent).

        The refusal is recorded in the profile's audit log.
        """
        if self.read_only:
            audit.record(self.profile, _action(operation), "balsam", outcome="refused: read-only")
            raise ReadOnlyRefused(
                f"profile '{self.profile}' is read-only; nothing was sent",
                profile=self.profile,
                operation=operation,
            )

    async def login(self) -> None:
        """Exchange the username and password for a JWT.

        Raises:
            AuthError: no credentials, or the server refused them.
            Unavailable: the server cannot be reached.
        """
        if not (self.username and self._password):
            raise AuthError(
                "no Balsam credentials: set username and password_env (or token_env) "
                "in the profile's [balsam] section",
                profile=self.profile,
                operation="log in",
            )
        request = self._http.build_request(
            "POST",
            f"{self.url}/auth/password/login",
            data={"username": self.username, "password": self._password},
        )
        try:
            response = await self._send(request, "log in")
        except AuthError as exc:
            raise AuthError(
                f"the Balsam server refused the password of '{self.username}'",
                profile=self.profile,
                operation="log in",
            ) from exc
        body = json_body(response, service=SERVICE, operation="log in")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthError("the login reply carried no access token", operation="log in")
        self._token = token

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        operation: str,
    ) -> Any:
        """Send one authenticated request and return its parsed JSON (``None`` for 204).

        Writes are checked first: refused under a read-only profile, and a ``PUT``
        or ``DELETE`` of a whole collection must carry a filter (without one the
        server changes every row). Every write is appended to the profile's audit
        log with its outcome.

        Raises:
            ReadOnlyRefused: a write under a read-only profile (checked before sending).
            BadQuery: a collection-wide write without a filter (nothing is sent).
            ConsoleError: a subclass matching the failure.
        """
        if method == "GET":
            return await self._call(method, path, params, json, operation)
        self.check_writable(operation)
        _check_scope(method, path, params, json)
        target = _target(path, params)
        try:
            body = await self._call(method, path, params, json, operation)
        except ConsoleError as exc:
            audit.record(self.profile, _action(operation), target, outcome=f"failed: {exc.title}")
            raise
        audit.record(self.profile, _action(operation), target, count=_count(body, json))
        return body

    async def _call(
        self, method: str, path: str, params: Params | None, body: Any, operation: str
    ) -> Any:
        if self._token is None:
            await self._login_once(None)
        token = self._token
        try:
            response = await self._authorised(method, path, params, body, operation)
        except AuthError:
            if not self._password:
                raise AuthError(
                    "the Balsam token was refused (expired?); put a fresh one in the "
                    "profile or set a password to log in again",
                    profile=self.profile,
                    operation=operation,
                ) from None
            await self._login_again(token)
            response = await self._authorised(method, path, params, body, operation)
        if response.status_code == 204 or not response.content:
            return None
        return json_body(response, service=SERVICE, operation=operation)

    async def _login_again(self, refused: str | None) -> None:
        """Log in once for every request the server refused the same token to."""
        await self._login_once(refused)

    async def _login_once(self, refused: str | None) -> None:
        """Log in unless another request already did while this one waited.

        Requests that queued behind a failed login share its error rather than each
        trying again: fourteen counts sent at once with a wrong password make one
        login request, not fourteen.
        """
        finished = self._logins_finished
        async with self._login_lock:
            if self._logins_finished != finished and self._login_failure is not None:
                raise self._login_failure  # a login ended while this one waited, and failed
            if self._token is not None and self._token != refused:
                return
            try:
                await self.login()
            except ConsoleError as exc:
                self._login_failure = exc
                raise
            else:
                self._login_failure = None
            finally:
                self._logins_finished += 1

    async def _authorised(
        self, method: str, path: str, params: Params | None, body: Any, operation: str
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"}
        if method == "DELETE":
            # The server's 204 breaks the kept-alive connection, and a write sent on
            # it next would be lost (§8): this one closes it instead.
            headers["Connection"] = "close"
        request = self._http.build_request(
            method, f"{self.url}{path}", params=params, json=body, headers=headers
        )
        return await self._send(request, operation)

    async def _send(self, request: httpx.Request, operation: str) -> httpx.Response:
        try:
            return await send(
                self._http,
                request,
                service=SERVICE,
                operation=operation,
                policy=RETRIES,
                on_send=self._count_request,
            )
        except ConsoleError as exc:
            exc.profile = self.profile
            raise

    def _count_request(self) -> None:
        self.requests_sent += 1


def _check_scope(method: str, path: str, params: Params | None, body: Any) -> None:
    """Refuse a collection-wide write that would reach every row (§8)."""
    collection = path.endswith("/")
    if collection and method in ("PUT", "DELETE") and not params:
        raise BadQuery(
            f"refusing to send {method} {path} without a filter: it would reach every row"
        )
    if collection and method == "PATCH" and not body:
        raise BadQuery(f"refusing to send PATCH {path} with nothing in it")


def _action(operation: str) -> str:
    """``update jobs`` → ``balsam.update-jobs`` (ids dropped: the target names them)."""
    words = [w for w in operation.split() if not w.isdigit()]
    return "balsam." + "-".join(words)


def _target(path: str, params: Params | None) -> str:
    if not params:
        return path
    ids = [v for k, v in params if k == "id"]
    if ids and len(ids) == len(params):
        shown = ",".join(ids[:5]) + (f",… ({len(ids)} ids)" if len(ids) > 5 else "")
        return f"{path}?id={shown}"
    return f"{path}?" + "&".join(f"{k}={v}" for k, v in params)[:200]


def _count(reply: Any, body: Any) -> int | None:
    if isinstance(reply, int) and not isinstance(reply, bool):
        return reply
    if isinstance(reply, list):
        return len(reply)
    if isinstance(body, list):
        return len(body)
    return 1 if isinstance(reply, dict) else None
