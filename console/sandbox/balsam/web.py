"""HTTP plumbing shared by the stand-in's routes: replies, errors, auth, paging, faults."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from console.sandbox.balsam.params import Invalid


class Reply(Exception):
    """Stop handling and answer with this status and JSON body."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def not_found() -> Reply:
    """The SQLAlchemy ``NoResultFound`` shape: ``404 {"error": "Not found"}``."""
    return Reply(404, {"error": "Not found"})


def detail(status: int, text: str) -> Reply:
    """The ``HTTPException`` shape: ``{"detail": "..."}``."""
    return Reply(status, {"detail": text})


async def on_reply(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Reply)
    return JSONResponse(exc.body, exc.status, headers=exc.headers)


async def on_invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Invalid)
    return JSONResponse({"detail": exc.errors}, 422)


async def on_missing_route(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": "Not Found"}, 404)


async def json_of(request: Request, kind: type) -> Any:
    """Parse a JSON body of the expected kind, answering 422 like FastAPI otherwise."""
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise Invalid(
            [{"loc": ["body"], "msg": "Expecting value", "type": "value_error.jsondecode"}]
        ) from exc
    if not isinstance(body, kind):
        name = "list" if kind is list else "dict"
        raise Invalid(
            [{"loc": ["body"], "msg": f"value is not a valid {name}", "type": f"type_error.{name}"}]
        )
    return body


def page(rows: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """The ``{"count", "results"}`` envelope of one page."""
    return {"count": len(rows), "results": rows[offset : offset + limit]}


@dataclass
class Faults:
    """Switches tests flip to make the stand-in misbehave.

    Attributes:
        delay: Seconds to wait before answering every request.
        fail: Answer the next N requests with a bare 500.
        drop: Cut the next N replies off mid-body (the connection closes).
        malformed: Answer the next N requests with a 200 that is not JSON.
        gateway: Answer the next N requests (of ``gateway_method``, when set) with
            ``gateway_status``, as a proxy in front of a sick server would.
        gateway_status: ``502``, ``503`` or ``504``.
        gateway_method: Only requests of this method count toward ``gateway``.
        gateway_after: Pass those requests on first and answer the status in place
            of the reply: the change is made, and the caller cannot know it.
        seen: Requests received, by method (faulted ones included).
    """

    delay: float = 0.0
    fail: int = 0
    drop: int = 0
    malformed: int = 0
    gateway: int = 0
    gateway_status: int = 502
    gateway_method: str = ""
    gateway_after: bool = False
    seen: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        """Behave again (the counts in ``seen`` are kept)."""
        self.delay, self.fail, self.drop, self.malformed = 0.0, 0, 0, 0
        self.gateway, self.gateway_status, self.gateway_method = 0, 502, ""
        self.gateway_after = False

    def take_gateway(self, method: str) -> bool:
        """Whether this request meets the gateway fault (and count it off)."""
        if self.gateway <= 0 or self.gateway_method not in ("", method):
            return False
        self.gateway -= 1
        return True


class FaultMiddleware:
    """Applies ``Faults`` in front of every route."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        f = self.faults
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        f.seen[scope["method"]] += 1
        # Each request meets the faults set when it arrived: one still sleeping out an
        # earlier delay must not use up a fault a later test set for its own requests.
        fault = self._fault(scope["method"])
        if f.delay:
            await asyncio.sleep(f.delay)
        if fault == "gateway":
            await self._gateway(scope, receive, send)
        elif fault == "fail":
            await _answer(send, 500, b"Internal Server Error", "text/plain")
        elif fault == "drop":
            await _answer(send, 200, b'{"count": 1, "res', "application/json", length=4096)
        elif fault == "malformed":
            await _answer(send, 200, b"<html>proxy error</html>", "application/json")
        else:
            await self.app(scope, receive, send)

    def _fault(self, method: str) -> str | None:
        f = self.faults
        if f.take_gateway(method):
            return "gateway"
        for name in ("fail", "drop", "malformed"):
            if getattr(f, name) > 0:
                setattr(f, name, getattr(f, name) - 1)
                return name
        return None

    async def _gateway(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.faults.gateway_after:
            await self.app(scope, receive, _discard)
        body = f"{self.faults.gateway_status} from the gateway".encode()
        await _answer(send, self.faults.gateway_status, body, "text/plain")


class BrokenAfterDelete:
    """The real server's 204 to a ``DELETE`` breaks the kept-alive connection (§8).

    Upstream answers 204 with a body, which h11 refuses ("Too much data for
    declared Content-Length"): the next request sent on that connection gets no
    reply at all. So here: after a 204 to a ``DELETE`` on a connection the
    client keeps alive, the next request on it is cut off unanswered (a write in
    it is lost, never applied). A client that sent ``Connection: close`` has
    nothing to lose.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.broken: set[tuple[str, int]] = set()
        """Connections (client address and port) whose next request is cut off."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = tuple(scope.get("client") or ())
        if scope["type"] != "http" or len(client) != 2:
            await self.app(scope, receive, send)
            return
        peer = (str(client[0]), int(client[1]))
        if peer in self.broken:
            self.broken.discard(peer)
            await _cut_off(send)
            return
        status: list[int] = []

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if scope["method"] == "DELETE" and status == [204] and not _closing(scope):
            self.broken.add(peer)


def _closing(scope: Scope) -> bool:
    value = dict(scope["headers"]).get(b"connection", b"")
    return b"close" in value.lower()


async def _cut_off(send: Send) -> None:
    """Close the connection without a byte of reply.

    The server (h11 or httptools) marks the reply started, then refuses the
    header before writing anything; with the reply unfinished it closes the
    connection, and the client reads "Server disconnected without sending a
    response", as it does from the real server.
    """
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"x-stand-in", b"connection\nbroken")],
            }
        )
    except Exception:  # the refusal is the point; the server closes the connection
        return


async def _discard(message: Any) -> None:
    """Swallow the app's reply (the gateway answers in its place)."""


async def _answer(send: Send, status: int, body: bytes, kind: str, length: int = 0) -> None:
    headers = [
        (b"content-type", kind.encode()),
        (b"content-length", str(length or len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
