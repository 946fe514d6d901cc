"""Faults: expired tokens, bad passwords, a server that is down, 500s, cut and malformed replies,
gateway errors (retried for GETs only), and redirects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from console.backends.balsam import BalsamClient
from console.errors import AuthError, ConsoleError, Unavailable
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
    balsam.faults.reset()


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


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_get_is_retried_through_gateway_errors(
    server: ServerThread, state: Any, status: int
) -> None:
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        seen = state.faults.seen["GET"]
        state.faults.gateway, state.faults.gateway_status = 2, status
        assert await client.jobs.count() == 100
        assert state.faults.seen["GET"] - seen == 3


async def test_a_get_gives_up_after_three_tries(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        state.faults.gateway, state.faults.gateway_status = 3, 504
        with pytest.raises(Unavailable, match="504"):
            await client.jobs.count()
        assert await client.jobs.count() == 100


async def test_a_bulk_update_that_may_have_applied_is_not_repeated(
    server: ServerThread, state: Any
) -> None:
    """The gateway passes the PATCH on, then answers 502: the change is made once, and the
    error says what a read afterwards shows."""
    store = state.store
    chosen = sorted(i for i, j in store.jobs.items() if j["state"] == "JOB_FINISHED")[:5]
    events = {i: len(store.events_by_job[i]) for i in chosen}
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        patches = state.faults.seen["PATCH"]
        state.faults.gateway, state.faults.gateway_method = 1, "PATCH"
        state.faults.gateway_after = True
        with pytest.raises(Unavailable, match="502") as info:
            await client.jobs.filter(id=chosen).update(state="RESTART_READY")
    assert "read again afterwards: 5 requested, 5 changed" in str(info.value)
    assert state.faults.seen["PATCH"] - patches == 1
    assert len(chosen) == 5
    assert all(store.jobs[i]["state"] == "RESTART_READY" for i in chosen)
    assert all(len(store.events_by_job[i]) == events[i] + 1 for i in chosen)


async def test_a_delete_answered_503_is_not_repeated(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as client:
        await client.login()
        target = client.jobs.filter(state="FAILED", tags={"exp": "A"})
        before = await target.count()
        deletes = state.faults.seen["DELETE"]
        state.faults.gateway, state.faults.gateway_status = 1, 503
        state.faults.gateway_method = "DELETE"
        with pytest.raises(Unavailable, match="503"):
            await target.delete()
        assert state.faults.seen["DELETE"] - deletes == 1
        assert await target._clone().count() == before > 0


async def test_a_write_that_never_connected_is_tried_again() -> None:
    """Connection refused: nothing reached the server, so even a DELETE may be sent again."""
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 10})
    running = ServerThread(app).start()
    url = running.url
    running.stop()
    async with BalsamClient(url, token="any-token") as client:
        with pytest.raises(Unavailable, match="cannot reach"):
            await client.request("DELETE", "/jobs/", params=[("id", "1")], operation="delete jobs")
        assert client.requests_sent == 3


async def test_a_slashless_get_reports_the_redirect(server: ServerThread, state: Any) -> None:
    async with client_for(server, password=PASSWORD) as client:
        with pytest.raises(ConsoleError, match="307") as info:
            await client.request("GET", "/jobs", params=[("limit", "1")], operation="list jobs")
    assert "/jobs/?limit=1" in str(info.value) and "trailing slash" in str(info.value)
    assert info.value.title == "Unexpected redirect"


async def test_a_slashless_put_changes_nothing_and_is_reported(
    server: ServerThread, state: Any
) -> None:
    version = state.store.version
    async with client_for(server, password=PASSWORD) as client:
        with pytest.raises(ConsoleError, match="307 to PUT /jobs"):
            await client.request(
                "PUT",
                "/jobs",
                params=[("state", "FAILED")],
                json={"state": "RESTART_READY"},
                operation="update jobs",
            )
    assert state.store.version == version
