"""The server stopped mid-query: the operator is told, and the same client works once it is back.

Uses a profile of its own with its own embedded server, so stopping it does
not pull the shared server out from under other tests. The server is started
again from another process, as an operator would from another shell.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from console import profiles
from console.backends.postgres import PostgresClient
from console.clients import Clients
from console.errors import Unavailable
from console.profiles import PostgresSettings, ProfileSettings
from console.sandbox import control

PROFILE = "pgfaults"


@pytest.fixture(scope="module")
def client(fleet_home: object) -> Iterator[PostgresClient]:
    if PROFILE not in profiles.names():
        profiles.add(PROFILE, ProfileSettings(postgres=PostgresSettings(embedded=True)))
    client = Clients(profiles.load(PROFILE)).postgres()
    yield client
    client.close()
    control.stop(PROFILE)


def _wait_until_sleeping(client: PostgresClient) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        run = client.run("postgres", "select count(*) from pg_stat_activity "
                                     "where wait_event = 'PgSleep'")
        if run.first_rows[0][0]:
            return
        time.sleep(0.02)
    raise AssertionError("the statement never started")


def _start_from_another_process() -> None:
    """Start the server again as an operator would, from another shell."""
    code = f"from console.sandbox import control; control.ensure_postgres({PROFILE!r})"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=60)


def test_server_stopped_mid_query_then_back(client: PostgresClient) -> None:
    sql = "select pg_sleep(30)"
    errors: list[BaseException] = []

    def run() -> None:
        try:
            client.run("postgres", sql)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    _wait_until_sleeping(client)
    control.postgres(PROFILE).stop()
    worker.join(15)
    assert not worker.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], Unavailable), errors
    assert errors[0].operation == "run query"
    assert "terminating connection" in str(errors[0]) or "server closed the connection" in str(
        errors[0])

    with pytest.raises(Unavailable):
        client.run("postgres", "select 1")  # still down: said so, no traceback
    with pytest.raises(Unavailable):
        client.list_databases()

    _start_from_another_process()
    assert client.run("postgres", "select 1").first_rows == [(1,)]
    assert "postgres" in [d.name for d in client.list_databases()]
    assert client.schemas("postgres")[0] == "public"


def test_a_block_cut_off_by_a_restart_is_not_silently_left(client: PostgresClient) -> None:
    """After the server drops a session mid-block, the next statement is refused once."""
    client.run("postgres", "create table if not exists kept (a int)").close()
    with client.session("postgres") as session:
        session.run("select 1").close()
        session.run("begin").close()
        session.run("insert into kept values (1)").close()
        control.postgres(PROFILE).stop()
        _start_from_another_process()
        with pytest.raises(Unavailable, match="inside a transaction block"):
            session.run("insert into kept values (2)")
        session.run("insert into kept values (3)").close()  # a new connection, autocommit
    assert client.run("postgres", "select a from kept").first_rows == [(3,)]


def test_a_session_outside_a_block_reconnects_quietly(client: PostgresClient) -> None:
    with client.session("postgres") as session:
        assert session.run("select 1").first_rows == [(1,)]
        control.postgres(PROFILE).stop()
        _start_from_another_process()
        assert session.run("select 2").first_rows == [(2,)]
