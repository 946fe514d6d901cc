"""Faults: expired tokens, bad passwords, a server that is down, 500s, cut and malformed replies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from console.backends.balsam import BalsamClient
from console.backends.errors import AuthError, Unavailable
from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread

PASSWORD = "faults-test-password"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 100})
    with ServerThread(app) as running:
        yield running


@pytest.fixture
def state(server: ServerThread) -> Iterator[Any]:
    balsam = server.app.state.balsam
    yield balsam
    balsam.faults.fail = balsam.faults.drop = balsam.faults.malformed = 0


def client_for(server: ServerThread, **kwargs: Any) -> BalsamClient:
    return BalsamClient(server.url, username="operator", **kwargs)


async def test_expired_token_is_refreshed_by_logging_in_again(
    server: ServerThread, state: Any
) -> None:
    async with client_for(server, password=PASSWORD) as client:
        assert await client.jobs.count() == 100
        logins = state.auth.logins
        state.auth.expire_all()
        assert await client.jobs.count() == 100
        assert state.auth.logins == logins + 1


async def test_expired_token_without_password_is_reported(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as seeded:
        await seeded.login()
        token = seeded._token
    state.auth.expire_all()
    async with client_for(server, token=token) as client:
        with pytest.raises(AuthError, match="token was refused") as info:
            await client.jobs.count()
    assert token is not None and token not in str(info.value)


async def test_wrong_password_names_user_not_password(server: ServerThread) -> None:
    async with client_for(server, password="not-the-password") as client:
        with pytest.raises(AuthError) as info:
            await client.sites.all().all()
    assert "operator" in str(info.value)
    assert "not-the-password" not in str(info.value)


async def test_no_credentials_says_what_to_set(server: ServerThread) -> None:
    async with BalsamClient(server.url) as client:
        with pytest.raises(AuthError, match="password_env"):
            await client.jobs.count()


async def test_server_down_is_unavailable() -> None:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 10})
    running = ServerThread(app).start()
    url = running.url
    running.stop()
    async with BalsamClient(url, username="operator", password=PASSWORD) as client:
        with pytest.raises(Unavailable, match="cannot reach"):
            await client.jobs.count()


async def test_a_500_is_reported_and_the_next_call_works(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        state.faults.fail = 1
        with pytest.raises(Unavailable, match="500"):
            await client.jobs.count()
        assert state.faults.fail == 0
        assert await client.jobs.count() == 100


async def test_reply_cut_mid_body_is_unavailable(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        state.faults.drop = 3
        with pytest.raises(Unavailable):
            await client.jobs.all().all()


async def test_malformed_reply_is_unavailable(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        state.faults.malformed = 1
        with pytest.raises(Unavailable, match="malformed"):
            await client.jobs.count()
        assert await client.jobs.count() == 100


async def test_slow_server_times_out(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD, timeout=0.2) as client:
        await client.login()
        state.faults.delay = 0.5
        try:
            with pytest.raises(Unavailable, match="in time"):
                await client.jobs.count()
        finally:
            state.faults.delay = 0.0
