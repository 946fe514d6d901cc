"""Roles and keys on the real server, with password logins turned on for the module.

The embedded server trusts every local login; for these tests its
``pg_hba.conf`` asks every role but ``postgres`` for a SCRAM password, and is
put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from console import profiles
from console.backends.postgres import PostgresClient, Roles
from console.errors import Conflict, NotFound, ReadOnlyRefused
from console.profiles import PostgresSettings, Profile, ProfileSettings, audit
from tests.conftest import scratch_database

DB = "it_roles"
HBA = "local all postgres trust\nlocal all all scram-sha-256\nhost all all all scram-sha-256\n"


@pytest.fixture(scope="module")
def client(local_pg: Any) -> Iterator[PostgresClient]:
    with scratch_database(DB, "create table readings (id int, v text)",
                          "insert into readings values (1, 'a')",
                          "create schema ops", "create table ops.jobs (id int)") as client:
        with client.run(DB, "show hba_file") as run:
            hba = Path(run.first_rows[0][0])
        original = hba.read_text()
        hba.write_text(HBA)
        client.run(DB, "select pg_reload_conf()").close()
        try:
            yield client
        finally:
            hba.write_text(original)
            client.run(DB, "select pg_reload_conf()").close()


@pytest.fixture
def role(client: PostgresClient, request: pytest.FixtureRequest) -> Iterator[str]:
    """A role name of this test's own, dropped (with what it owns) afterwards."""
    name = "it_" + request.node.name.removeprefix("test_")[:40]
    yield name
    for leftover in (name, f"{name}_heir"):
        if _role_exists(client, leftover):
            client.run(DB, f"drop owned by {leftover} cascade").close()
            client.run(DB, f"drop role {leftover}").close()


def _role_exists(client: PostgresClient, role: str) -> bool:
    with client.run(DB, "select count(*) from pg_roles where rolname = %s", params=(role,)) as r:
        return r.first_rows[0][0] == 1


def login(local_pg: Any, role: str, password: str, database: str = DB) -> Any:
    return psycopg2.connect(dbname=database, user=role, password=password,
                            host=local_pg.socket_dir)


def test_a_key_logs_in_reads_and_is_refused_writes(client: PostgresClient, local_pg: Any,
                                                   role: str) -> None:
    roles = Roles(client)
    key = roles.create(role, grants=((DB, None, "read"),))
    assert key.password not in repr(key)
    conn = login(local_pg, role, key.password)
    try:
        with conn.cursor() as cur:
            cur.execute("select v from readings")
            assert cur.fetchall() == [("a",)]
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("insert into readings values (2, 'b')")
    finally:
        conn.close()
    grants = {(g.database, g.schema): g.access for g in roles.grants([DB]) if g.role == role}
    assert grants == {(DB, ""): "connect", (DB, "public"): "read", (DB, "ops"): "read"}


def test_write_grant_then_revoke_on_one_schema(client: PostgresClient, local_pg: Any,
                                               role: str) -> None:
    roles = Roles(client)
    key = roles.create(role)
    assert roles.grant(role, DB, "ops", "write") == ["ops"]
    conn = login(local_pg, role, key.password)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("insert into ops.jobs values (1)")
            roles.revoke(role, DB, "ops", "write")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("insert into ops.jobs values (2)")
            cur.execute("select count(*) from ops.jobs")  # read stays
            assert cur.fetchone() == (1,)
    finally:
        conn.close()


def test_rotate_retires_the_old_key(client: PostgresClient, local_pg: Any, role: str) -> None:
    roles = Roles(client)
    old = roles.create(role, grants=((DB, "public", "read"),))
    new = roles.rotate(role)
    assert old.password != new.password
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        login(local_pg, role, old.password)
    login(local_pg, role, new.password).close()


def test_no_password_reaches_the_server_or_the_audit_log(client: PostgresClient,
                                                         role: str) -> None:
    Roles(client).create(role)
    key = Roles(client).rotate(role)
    with client.run(DB, "select query from pg_stat_activity") as run:
        assert not any(key.password in (q or "") for (q,) in run.first_rows)
    assert not any(key.password in str(entry) for entry in audit.read("local"))
    assert any(e.action == "roles.rotate" and e.target == role for e in audit.read("local"))


def test_dropping_a_role_that_owns_objects_is_refused_or_reassigned(
        client: PostgresClient, local_pg: Any, role: str) -> None:
    roles = Roles(client)
    key = roles.create(role, grants=((DB, "public", "read"),))
    client.run(DB, f"grant create on schema public to {role}").close()
    conn = login(local_pg, role, key.password)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create table mine (id int)")
    conn.close()
    owned = roles.owned(role)
    assert owned.objects.get(DB, 0) >= 1 and DB in owned.privileges
    with pytest.raises(Conflict, match=f"owns .* in {DB}"):
        roles.drop(role)
    roles.create(f"{role}_heir")
    roles.drop(role, reassign_to=f"{role}_heir")
    assert not _role_exists(client, role)
    with client.run(DB, "select tableowner from pg_tables where tablename = 'mine'") as run:
        assert run.first_rows == [(f"{role}_heir",)]
    with pytest.raises(NotFound):
        roles.drop(role)
    client.run(DB, "drop table mine").close()


def test_a_role_with_only_grants_drops_cleanly(client: PostgresClient, role: str) -> None:
    roles = Roles(client)
    roles.create(role, grants=((DB, None, "write"),))
    assert roles.owned(role).total == 0
    roles.drop(role)
    assert not _role_exists(client, role)


def test_a_read_only_profile_refuses_every_change(client: PostgresClient, local_pg: Any,
                                                  tmp_path: Path) -> None:
    settings = ProfileSettings(read_only=True,
                               postgres=PostgresSettings(host=local_pg.socket_dir))
    profiles.save_settings("ro-roles", settings)
    reader = PostgresClient(Profile("ro-roles", settings, tmp_path))
    try:
        roles = Roles(reader)
        with pytest.raises(ReadOnlyRefused):
            roles.create("it_never")
        with pytest.raises(ReadOnlyRefused):
            roles.grant("postgres", DB, None, "read")
        assert [r.name for r in roles.list() if r.name == "it_never"] == []
    finally:
        reader.close()
    assert audit.read("ro-roles")[-1].outcome.startswith("refused")


def test_bad_names_and_levels_are_refused_before_anything_is_sent(client: PostgresClient) -> None:
    roles = Roles(client)
    with pytest.raises(Exception, match="reserved"):
        roles.create("pg_mine")
    with pytest.raises(Exception, match="read or write"):
        roles.grant("postgres", DB, None, "admin")
    with pytest.raises(NotFound):
        roles.rotate("it_nobody")
