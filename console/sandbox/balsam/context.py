"""The stand-in's shared state, reachable from every route, and the bearer-token gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from console.sandbox.balsam.auth import Auth
from console.sandbox.balsam.select import JobSelector
from console.sandbox.balsam.store import Store
from console.sandbox.balsam.web import Faults

OPEN_PATHS = ("/auth/how", "/auth/password/login", "/auth/password/register")
COLLECTIONS = ("/sites", "/apps", "/jobs", "/events", "/batch-jobs", "/transfers")
"""Asked without the slash, these answer 307 before any auth check, as FastAPI's router does."""


@dataclass
class BalsamState:
    """Everything one running stand-in holds."""

    store: Store
    auth: Auth
    selector: JobSelector
    faults: Faults = field(default_factory=Faults)


def state_of(request: Request) -> BalsamState:
    """Return the stand-in state of the app serving ``request``."""
    return request.app.state.balsam  # type: ignore[no-any-return]


class AuthGate:
    """Refuses every route but login and register without a valid bearer token."""

    def __init__(self, app: ASGIApp, auth: Auth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS or scope["path"] in COLLECTIONS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        value = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token:
            reply = JSONResponse(
                {"detail": "Not authenticated"}, 401, headers={"WWW-Authenticate": "Bearer"}
            )
        elif (claims := self.auth.verify(token.strip())) is None:
            reply = JSONResponse(
                {"detail": "Could not validate credentials"},
                401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        else:
            scope.setdefault("state", {})["user"] = claims
            await self.app(scope, receive, send)
            return
        await reply(scope, receive, send)
