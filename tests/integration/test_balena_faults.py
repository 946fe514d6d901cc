"""Faults the stand-in can be switched into, and the exact errors the client turns them into."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from console.backends.balena import BalenaClient
from console.errors import BadQuery, RateLimited, Unavailable
from console.sandbox.balena.app import create_app
from console.sandbox.serve import ServerThread

TOKEN = "fault-token-77"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app(token=TOKEN, simulate=False)) as running:
        yield running


@pytest.fixture
def faults(server: ServerThread) -> Iterator[httpx.Client]:
    """Flip switches over HTTP, as a test rig would; cleared afterwards."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http
        http.post("/_sandbox/faults", json={})


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalenaClient]:
    waits: list[float] = []
    async with BalenaClient(server.url, TOKEN, timeout=0.3, on_wait=waits.append) as balena:
        balena.waits = waits  # type: ignore[attr-defined]
        yield balena


async def test_429_is_waited_out_then_succeeds(client: BalenaClient, faults: httpx.Client) -> None:
    faults.post("/_sandbox/faults", json={"rate_limited": 1, "retry_after": 1})
    page = await client.devices.list(top=1, text="online")
    assert page.devices
    assert 1.0 in client.waits  # type: ignore[attr-defined]


async def test_429_beyond_the_cap_is_reported(client: BalenaClient, faults: httpx.Client) -> None:
    faults.post("/_sandbox/faults", json={"rate_limited": 1, "retry_after": 3600})
    with pytest.raises(RateLimited) as caught:
        await client.fleets.get("acme/gateways")
    assert caught.value.retry_after == 3600


async def test_post_is_never_retried_on_429(client: BalenaClient, faults: httpx.Client) -> None:
    """Only one 429 is queued: a retry would have succeeded, so raising proves none was made."""
    device = await client.resolve_device(1)
    faults.post("/_sandbox/faults", json={"rate_limited": 1, "retry_after": 1})
    with pytest.raises(RateLimited):
        await client.supervisor("v1/blink", {"uuid": device.uuid}, "blink")
    assert client.waits == []  # type: ignore[attr-defined]


async def test_malformed_json_is_unavailable(client: BalenaClient, faults: httpx.Client) -> None:
    faults.post("/_sandbox/faults", json={"malformed": 1})
    with pytest.raises(Unavailable, match="malformed"):
        await client.fleets.list()


async def test_slow_response_times_out(client: BalenaClient, faults: httpx.Client) -> None:
    faults.post("/_sandbox/faults", json={"slow": 0.6, "slow_count": 3})
    with pytest.raises(Unavailable, match="did not answer in time"):
        await client.resolve_device(1)


async def test_malformed_filter_answers_the_api_error_shape(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        response = http.get("/v7/device?$filter=is_online eq")
    assert response.status_code == 400
    assert response.json() == "Malformed url: '/device?$filter=is_online%20eq'"


async def test_bad_filter_text_never_reaches_the_server(client: BalenaClient) -> None:
    with pytest.raises(BadQuery) as caught:
        await client.devices.list(text="online colour=red")
    assert caught.value.position == 8
