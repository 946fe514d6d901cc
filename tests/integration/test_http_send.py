"""The shared ``send`` against a real server on loopback: retry policies and redirects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from console.backends.http import IDEMPOTENT_RETRIES, RetryPolicy, send
from console.errors import ConsoleError, Unavailable
from console.sandbox.serve import ServerThread

SEEN: Counter[str] = Counter()


async def flaky(request: Request) -> Response:
    SEEN[request.method] += 1
    return JSONResponse("Gateway Timeout", status_code=504)


async def moved(request: Request) -> Response:
    return RedirectResponse("/elsewhere/", status_code=307)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = Starlette(
        routes=[
            Route("/flaky", flaky, methods=["GET", "POST"]),
            Route("/moved", moved, methods=["GET"]),
        ]
    )
    with ServerThread(app) as running:
        yield running


async def _send(
    url: str,
    method: str,
    *,
    path: str = "flaky",
    policy: RetryPolicy = IDEMPOTENT_RETRIES,
    on_send: Callable[[], None] | None = None,
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as http:
        request = http.build_request(method, f"{url}/{path}")
        return await send(
            http, request, service="test API", operation="probe", backoff=0.01,
            policy=policy, on_send=on_send,
        )


async def test_a_gateway_status_is_retried_only_where_the_policy_says(server: ServerThread) -> None:
    SEEN.clear()
    with pytest.raises(Unavailable, match="504"):
        await _send(server.url, "GET")  # the default policy: 502 and 503 only
    assert SEEN["GET"] == 1
    policy = RetryPolicy(resend=frozenset({"GET"}), gateway_statuses=frozenset({504}))
    sends: list[None] = []
    with pytest.raises(Unavailable, match="504"):
        await _send(server.url, "GET", policy=policy, on_send=lambda: sends.append(None))
    assert SEEN["GET"] == 1 + 3 and len(sends) == 3
    with pytest.raises(Unavailable):
        await _send(server.url, "POST", policy=policy)
    assert SEEN["POST"] == 1  # not named by the policy: sent once


async def test_a_redirect_is_reported_not_followed(server: ServerThread) -> None:
    with pytest.raises(ConsoleError, match="307") as info:
        await _send(server.url, "GET", path="moved")
    assert info.value.title == "Unexpected redirect" and "/elsewhere/" in str(info.value)
