"""``send`` over loopback: jittered backoff and ``Retry-After`` given as an HTTP date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.backends import http as http_module
from console.backends.http import send
from console.errors import RateLimited, Unavailable
from console.sandbox.serve import ServerThread

SEEN: Counter[str] = Counter()


async def busy(request: Request) -> Response:
    """Always 503, without a Retry-After: the client's own backoff applies."""
    return JSONResponse("Service Unavailable", status_code=503)


async def limited(request: Request) -> Response:
    """The first request of a key gets 429 with a Retry-After date; the next one 200."""
    key = request.query_params["key"]
    SEEN[key] += 1
    if SEEN[key] > 1:
        return JSONResponse({"ok": True})
    seconds = float(request.query_params.get("in", "1"))
    when = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return JSONResponse("Too Many Requests", status_code=429,
                        headers={"Retry-After": format_datetime(when, usegmt=True)})


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = Starlette(routes=[Route("/busy", busy), Route("/limited", limited)])
    with ServerThread(app) as running:
        yield running


async def _get(url: str, waits: list[float], attempts: int = 4) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as http:
        return await send(http, http.build_request("GET", url), service="test API",
                          operation="probe", attempts=attempts, backoff=0.02,
                          on_wait=waits.append)


async def test_backoff_pauses_are_jittered_within_their_doubling_steps(
    server: ServerThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = []
    for _ in range(3):
        waits: list[float] = []
        told: list[float] = []
        monkeypatch.setattr(http_module, "jittered", _recording(http_module.jittered, waits))
        with pytest.raises(Unavailable, match="503"):
            await _get(f"{server.url}/busy", told)
        assert told == []  # a busy gateway is no rate limit: nothing to count down
        runs.append(waits[:-1])  # the last try's pause is computed, never waited
    for waits in runs:
        assert len(waits) == 3
        for pause, step in zip(waits, (0.02, 0.04, 0.08)):
            assert step / 2 <= pause <= step
    assert len({tuple(waits) for waits in runs}) == 3  # three clients, three schedules


async def test_a_refused_connection_is_retried_but_never_told_as_a_rate_limit() -> None:
    """The Devices pane once stacked "Rate limited: retrying in 0 s" toasts over a
    stopped sandbox: the countdown hook is for ``429`` only."""
    with ServerThread(Starlette()) as gone:
        url = gone.url
    waits: list[float] = []
    with pytest.raises(Unavailable, match="cannot reach test API"):
        await _get(f"{url}/busy", waits)
    assert waits == []


def _recording(jittered, into: list[float]):  # type: ignore[no-untyped-def]
    def record(seconds: float) -> float:
        into.append(jittered(seconds))
        return into[-1]
    return record


async def test_retry_after_as_an_http_date_is_waited_out(server: ServerThread) -> None:
    waits: list[float] = []
    response = await _get(f"{server.url}/limited?key=date&in=1", waits)
    assert response.status_code == 200 and SEEN["date"] == 2
    assert len(waits) == 1 and 0 < waits[0] <= 2.0  # one-second resolution of the date


async def test_a_date_beyond_the_cap_is_reported_with_its_wait(server: ServerThread) -> None:
    with pytest.raises(RateLimited) as caught:
        await _get(f"{server.url}/limited?key=far&in=3600", [])
    assert SEEN["far"] == 1  # not waited out: an hour is past the cap
    assert caught.value.retry_after is not None and 3500 < caught.value.retry_after <= 3600
