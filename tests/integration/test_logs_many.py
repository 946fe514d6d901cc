"""Following more devices than an HTTP client's connection pool holds (issue 10 item 7)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from console.backends.balena.logs import MAX_FOLLOWED, DeviceLogs, LogLine
from console.errors import ConsoleError
from console.sandbox.balena.logs import LogHub, standalone_app
from console.sandbox.serve import ServerThread
from tests.integration.test_logs_stream import TOKEN, Client, Tail

DEVICES = [f"{n:032x}" for n in range(1, 151)]


@pytest.fixture(scope="module")
def hub() -> LogHub:
    return LogHub(keepalive=0.5, flush_interval=0.01)


@pytest.fixture(scope="module")
def server(hub: LogHub) -> Iterator[ServerThread]:
    with ServerThread(standalone_app(hub, {u: {"uuid": u} for u in DEVICES}, TOKEN)) as thread:
        yield thread


async def test_150_devices_are_followed_and_the_client_pool_stays_free(
    hub: LogHub, server: ServerThread
) -> None:
    """httpx pools 100 connections by default: the 101st stream used to wait silently."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        assert http._transport._pool._max_connections == 100  # type: ignore[attr-defined]
        reader = DeviceLogs(Client(http), read_timeout=5.0)
        stream = Tail(reader.stream(DEVICES))
        try:
            await stream.until(lambda _: all(hub.subscriber_count(u) for u in DEVICES))
            for uuid in DEVICES:
                hub.append(uuid, f"hello from {uuid[-3:]}")
            seen = await stream.until(
                lambda s: len({e.uuid for e in s if isinstance(e, LogLine)}) == len(DEVICES)
            )
            # The API client still answers while every stream is open.
            history = await asyncio.wait_for(reader.history(DEVICES[-1]), timeout=5)
        finally:
            await reader.stop()
    assert {e.message for e in seen if isinstance(e, LogLine)} == {
        f"hello from {uuid[-3:]}" for uuid in DEVICES
    }
    assert history[-1].message == f"hello from {DEVICES[-1][-3:]}"


async def test_more_than_the_limit_is_refused_naming_it(server: ServerThread) -> None:
    many = [f"{n:032x}" for n in range(MAX_FOLLOWED + 1)]
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        reader = DeviceLogs(Client(http))
        with pytest.raises(ConsoleError) as caught:
            await Tail(reader.stream(many)).until(lambda _: False)
    assert f"at most {MAX_FOLLOWED}" in str(caught.value)
    assert f"{MAX_FOLLOWED + 1:,} devices" in str(caught.value)
