"""The balena client's public surface, including what the logs part builds on."""

from __future__ import annotations

import inspect

import httpx

import console.backends.balena as balena
from console.backends.balena import BalenaClient


def test_every_exported_name_exists() -> None:
    assert sorted(balena.__all__) == balena.__all__
    for name in balena.__all__:
        assert getattr(balena, name) is not None


async def test_seam_used_by_the_logs_client() -> None:
    client = BalenaClient("http://127.0.0.1:9", "secret-token-value", timeout=3)
    try:
        assert isinstance(client.http, httpx.AsyncClient)
        assert str(client.http.base_url) == "http://127.0.0.1:9"
        assert client.http.headers["authorization"] == "Bearer secret-token-value"
        assert client.http.timeout.read == 3
        assert client.service_name == "balena API"
        assert inspect.iscoroutinefunction(client.resolve_device)
        assert client.encode_url("device", {"$filter": {"device_name": "a b"}}) == (
            "/v7/device?$filter=device_name eq 'a%20b'"
        )
    finally:
        await client.aclose()
