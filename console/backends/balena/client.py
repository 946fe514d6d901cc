"""The balena API v7 client: one ``httpx.AsyncClient``, its encoder and identifier lookups.

Resource families hang off it (``client.devices``, ``client.fleets``,
``client.tags``, ``client.variables``); they share its request helpers, so
every call has the profile's timeout, honours ``429 Retry-After`` and maps
failures onto the console's error tree.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from console import __version__
from console.backends.balena import odata
from console.backends.balena.models import DEVICE_EXPAND, DEVICE_SELECT, Device, Fleet
from console.backends.http import json_body, send
from console.errors import (
    AuthError,
    BadQuery,
    Conflict,
    ConsoleError,
    NotFound,
    ReadOnlyRefused,
    Unavailable,
)
from console.profiles import audit

SHORT_UUID = re.compile(r"^[0-9a-f]{7,}$")
"""A device's short uuid: 7 hex characters or more, as the seed shows ``01ee734``."""
FLEET_SHORT_UUID = re.compile(r"^[0-9a-f]{5,}$")
"""A fleet's short uuid: 5 hex characters or more, as the seed shows ``bce0e``."""
FLEET_UUID_LENGTH = 32
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
MAX_URL = 12_000
"""Longest request URL sent. Servers cap the request line (uvicorn and Node at 16 KiB with
the headers, proxies often less); past it the request fails as malformed, so a filter
that long is refused here with advice instead."""
ACTION_TIMEOUT = 60.0
"""Seconds a device action may take: the API waits up to 50 s for the device (§12)."""


class BalenaClient:
    """Talks to one balena API (balenaCloud or openBalena) with one token.

    Args:
        url: The API's base URL, e.g. ``https://api.balena-cloud.com``.
        token: A session token or API key, sent as ``Authorization: Bearer``.
        timeout: Seconds before any call gives up.
        read_only: Refuse every write before sending it.
        profile: The profile's name, for messages.
        on_wait: Called with seconds about to be waited on ``429`` (a countdown).
        action_timeout: Seconds a device action may take (the API allows the device 50).
    """

    service_name = "balena API"

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 15.0,
        read_only: bool = False,
        profile: str | None = None,
        on_wait: Callable[[float], Awaitable[None] | None] | None = None,
        action_timeout: float = ACTION_TIMEOUT,
    ) -> None:
        from console.backends.balena.devices import DeviceAPI
        from console.backends.balena.fleets import FleetAPI
        from console.backends.balena.hostos import HostOsAPI
        from console.backends.balena.metadata import ServiceVariableAPI, TagAPI, VariableAPI

        self.http = httpx.AsyncClient(
            base_url=url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "X-Balena-Client": f"fleet-console/{__version__}",
            },
            timeout=timeout,
        )
        self.read_only = read_only
        self.profile = profile
        self.on_wait = on_wait
        self.action_timeout = action_timeout
        self._token = token
        self.devices = DeviceAPI(self)
        self.fleets = FleetAPI(self)
        self.tags = TagAPI(self)
        self.variables = VariableAPI(self)
        self.service_variables = ServiceVariableAPI(self)
        self.host_os = HostOsAPI(self)

    @classmethod
    def from_profile(cls, profile: Any, **kwargs: Any) -> BalenaClient:
        """Build a client from a profile's ``[balena]`` section and token.

        Raises:
            ConsoleError: the profile has no balena section.
            AuthError: no token is stored or named for it.
        """
        settings = profile.service("balena")
        if settings is None:
            raise ConsoleError(profile.missing_hint("balena"), title="balena not configured")
        token = profile.secret("balena", "token")
        if not token:
            where = f"${settings.token_env}" if settings.token_env else "the credentials file"
            raise AuthError(
                f"no balena API token for profile '{profile.name}' (looked in {where})",
                profile=profile.name,
            )
        return cls(
            settings.url,
            token,
            timeout=settings.timeout,
            read_only=profile.read_only,
            profile=profile.name,
            **kwargs,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def __aenter__(self) -> BalenaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def encode_url(self, resource: str, query: Mapping[str, Any] | None = None, **kw: Any) -> str:
        """Return the encoded ``/v7`` URL of a query object (see ``odata.encode_url``)."""
        return odata.encode_url(resource, query, **kw)

    # -- requests -------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        operation: str,
        *,
        json: Any = None,
        count: int | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send one request; writes are refused up front on a read-only profile.

        Every write (supervisor actions included) is recorded in the profile's audit
        log with its outcome (``count``: how many rows it targets, when known).

        Raises:
            ReadOnlyRefused: a write on a read-only profile (nothing is sent).
            BadQuery: the URL is longer than servers take (nothing is sent).
            ConsoleError: the subclass matching the failure.
        """
        if method not in WRITES:
            return await self._send(method, url, operation, json, timeout)
        action, target = _action(operation), f"{operation} ({httpx.URL(url).path})"
        if self.read_only:
            audit.record(self.profile, action, target, count=count, outcome="refused: read-only")
            raise ReadOnlyRefused(
                f"profile '{self.profile}' is read-only; not sent", operation=operation
            )
        try:
            response = await self._send(method, url, operation, json, timeout)
        except ConsoleError as exc:
            audit.record(self.profile, action, target, count=count, outcome=f"failed: {exc.title}")
            raise
        audit.record(self.profile, action, target, count=count)
        return response

    async def _send(
        self, method: str, url: str, operation: str, json: Any, timeout: float | None
    ) -> httpx.Response:
        _check_length(url, operation)
        limit = httpx.Timeout(timeout) if timeout else httpx.USE_CLIENT_DEFAULT
        request = self.http.build_request(method, url, json=json, timeout=limit)
        try:
            response = await send(
                self.http,
                request,
                service=self.service_name,
                operation=operation,
                on_wait=self.on_wait,
            )
        except ConsoleError as exc:
            exc.profile = self.profile
            if isinstance(exc, AuthError):
                exc.message = _auth_hint(exc.message, self.profile)
            raise
        return response

    async def get(
        self, resource: str, query: Mapping[str, Any] | None, operation: str, **kw: Any
    ) -> Any:
        """GET a collection (or ``$count``) and return the ``d`` of its envelope."""
        response = await self.request("GET", self.encode_url(resource, query, **kw), operation)
        body = json_body(response, service=self.service_name, operation=operation)
        if not isinstance(body, dict) or "d" not in body:
            raise Unavailable(f"{self.service_name} sent an unexpected reply", operation=operation)
        return body["d"]

    async def post(self, resource: str, body: dict[str, Any], operation: str) -> dict[str, Any]:
        """POST a new row; return the created entity."""
        response = await self.request("POST", self.encode_url(resource), operation, json=body)
        created = json_body(response, service=self.service_name, operation=operation)
        return created if isinstance(created, dict) else {}

    async def patch(self, resource: str, where: Any, body: dict[str, Any], operation: str) -> None:
        """PATCH rows by id (``where`` an int) or by a ``$filter`` object."""
        await self.request("PATCH", self._target(resource, where), operation, json=body,
                           count=_counted(where))

    async def delete(self, resource: str, where: Any, operation: str) -> None:
        """DELETE rows by id or by a ``$filter`` object."""
        await self.request("DELETE", self._target(resource, where), operation,
                           count=_counted(where))

    def _target(self, resource: str, where: Any) -> str:
        if isinstance(where, int):
            return self.encode_url(resource, key=where)
        return self.encode_url(resource, {"$filter": where})

    async def supervisor(self, path: str, body: dict[str, Any], operation: str) -> httpx.Response:
        """POST a device action through the API's supervisor proxy (§12).

        It waits ``action_timeout`` seconds, not the profile's timeout: the API
        itself waits up to 50 s for the device to answer.
        """
        return await self.request(
            "POST", f"/supervisor/{path}", operation, json=body, count=1,
            timeout=self.action_timeout,
        )

    async def whoami(self) -> dict[str, Any]:
        """Return the actor the token belongs to (checks the token)."""
        response = await self.request("GET", "/actor/v1/whoami", "check the token")
        body = json_body(response, service=self.service_name, operation="check the token")
        return body if isinstance(body, dict) else {}

    # -- identifiers ----------------------------------------------------------

    async def resolve_device(
        self, identifier: int | str, *, select: Any = DEVICE_SELECT, by_name: bool = False
    ) -> Device:
        """Find one device by id, full uuid or short uuid (≥ 7 hex characters).

        Args:
            identifier: The id, uuid or short uuid.
            select: Fields to read.
            by_name: Also take a device name, when exactly one device has it (read-only
                commands use it; an action never guesses from a name).

        Raises:
            NotFound: nothing matches.
            Conflict: a short uuid (or name) matches several devices (they are named).
            BadQuery: the identifier has none of those forms.
        """
        operation = f"find device {identifier}"
        query = {"$select": list(select), "$expand": DEVICE_EXPAND}
        try:
            where = _device_where(identifier)
        except BadQuery:
            if not by_name:
                raise
            where = None
        rows = await self.get("device", {**query, **where}, operation) if where else []
        if not rows and by_name and isinstance(identifier, str):
            named = {"$filter": {"device_name": identifier.strip()}, "$top": 3}
            rows = await self.get("device", {**query, **named}, operation)
        if not rows:
            raise NotFound(f"no device matches '{identifier}'", operation=operation)
        if len(rows) > 1:
            names = ", ".join(f"{r.get('uuid', '')[:10]} ({r.get('device_name')})" for r in rows)
            raise Conflict(
                f"'{identifier}' is ambiguous: it matches {names}; give more characters "
                "or the full uuid",
                operation=operation,
            )
        return Device.from_api(rows[0])

    async def resolve_fleet(self, identifier: int | str) -> Fleet:
        """Find one fleet by id, slug (``org/name``), full uuid or short uuid (≥ 5 hex).

        Raises:
            NotFound: nothing matches.
            Conflict: several fleets match (they are named).
        """
        operation = f"find fleet {identifier}"
        query: dict[str, Any] = {
            "$expand": {
                "organization": {"$select": ["handle"]},
                "is_for__device_type": {"$select": ["slug"]},
            },
            "$filter": _fleet_where(identifier),
            "$top": 2,
        }
        rows = await self.get("application", query, operation)
        if not rows:
            raise NotFound(f"no fleet matches '{identifier}'", operation=operation)
        if len(rows) > 1:
            names = ", ".join(f"{r.get('slug')} ({r.get('uuid', '')[:10]})" for r in rows)
            raise Conflict(
                f"'{identifier}' is ambiguous: it matches fleets {names}; give more characters",
                operation=operation,
            )
        return Fleet.from_api(rows[0])


def _counted(where: Any) -> int | None:
    """How many rows a write targets: one id, or the ids of an ``{"id": {"$in": […]}}``."""
    if isinstance(where, int):
        return 1
    ids = where.get("id") if isinstance(where, dict) else None
    if isinstance(ids, dict) and isinstance(ids.get("$in"), list):
        return len(ids["$in"])
    return None


def _fleet_where(identifier: int | str) -> Any:
    text = str(identifier).strip().lower()
    if isinstance(identifier, int) or (text.isdigit() and len(text) < 5):
        return {"id": int(text)}
    if FLEET_SHORT_UUID.match(text) and len(text) != FLEET_UUID_LENGTH:
        # As for devices (§10): $top=2 shows an ambiguous prefix; an all-digit text
        # of 5 or more may be an id as well as a uuid prefix.
        prefix = {"uuid": {"$startswith": text}}
        return [{"id": int(text)}, prefix] if text.isdigit() else prefix
    return [{"slug": text}, {"uuid": text}]


def _device_where(identifier: int | str) -> dict[str, Any]:
    text = str(identifier).strip().lower()
    if isinstance(identifier, int) or (text.isdigit() and len(text) < 7):
        return {"$filter": {"id": int(text)}, "$top": 2}
    if len(text) in (32, 62):
        return {"$filter": {"uuid": text}, "$top": 2}
    if SHORT_UUID.match(text):
        # $top=2 so an ambiguous prefix is seen, never acted on (§10); a long
        # all-digit text may be an id as well as a uuid prefix, so ask for both.
        prefix = {"uuid": {"$startswith": text}}
        where = [{"id": int(text)}, prefix] if text.isdigit() else prefix
        return {"$filter": where, "$top": 2}
    raise BadQuery(
        f"'{identifier}' is not a device id, uuid or short uuid (7+ hex characters)",
        operation=f"find device {identifier}",
    )


def _check_length(url: str, operation: str) -> None:
    if len(url) > MAX_URL:
        raise BadQuery(
            f"the request is too long for the balena API ({len(url):,} characters; servers "
            f"take about {MAX_URL:,}): use fewer filter terms, or one term with a list "
            "(id=1,2,3 or status=a,b) instead of a term per value",
            operation=operation,
        )


def _action(operation: str) -> str:
    """``rename device`` → ``balena.rename-device`` (the target names what)."""
    return "balena." + "-".join(operation.split()[:2])


def _auth_hint(message: str, profile: str | None) -> str:
    where = f" of profile '{profile}'" if profile else ""
    return f"{message} — the API token{where} was refused; check or replace it"
