"""Protected profiles, the destructive-SQL question and the audit log, from the command line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from console import profiles
from console.backends.postgres import PostgresClient
from console.profiles import PostgresSettings, ProfileSettings
from tests.conftest import scratch_database

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
DB = f"cli_safety_{WORKER}"
PROTECTED = f"guard-cli-{WORKER}"
PLAIN = f"plain-cli-{WORKER}"


@pytest.fixture(scope="module")
def owner(local_pg: Any) -> Iterator[PostgresClient]:
    for name, protected in ((PROTECTED, True), (PLAIN, False)):
        if name not in profiles.names():
            profiles.add(name, ProfileSettings(
                protected=protected, postgres=PostgresSettings(host=local_pg.socket_dir)))
    with scratch_database(DB, "create table t (id int)",
                          "insert into t select generate_series(1, 10)") as client:
        yield client


def count(owner: PostgresClient) -> int:
    return int(owner.run(DB, "select count(*) from t").first_rows[0][0])


def test_protected_profile_refuses_yes_and_wants_its_name(cli: Any, owner: PostgresClient) -> None:
    owner.create_database(f"{DB}_doomed")
    try:
        refused = cli("--profile", PROTECTED, "db", "drop", f"{DB}_doomed", "--yes")
        assert refused.returncode == 1
        assert f"--confirm {PROTECTED}" in refused.stderr
        assert "Nothing was changed" in refused.stderr
        wrong = cli("--profile", PROTECTED, "db", "drop", f"{DB}_doomed", "--confirm", "prod")
        assert wrong.returncode == 1 and "does not name this profile" in wrong.stderr
        typed_wrong = cli("--profile", PROTECTED, "db", "drop", f"{DB}_doomed", input="y\n")
        assert typed_wrong.returncode == 1
        assert f"{DB}_doomed" in [d.name for d in owner.list_databases()]
        done = cli("--profile", PROTECTED, "db", "drop", f"{DB}_doomed", "--confirm", PROTECTED)
        assert done.returncode == 0, done.stderr
    finally:
        if f"{DB}_doomed" in [d.name for d in owner.list_databases()]:
            owner.drop_database(f"{DB}_doomed", force=True)


def test_destructive_sql_asks_first_on_any_profile(cli: Any, owner: PostgresClient) -> None:
    unasked = cli("--profile", PLAIN, "sql", "--db", DB, "-q", "select 1; delete from t")
    assert unasked.returncode == 1
    assert "deletes every row of t (no WHERE)" in unasked.stderr
    assert "?column?" not in unasked.stdout  # nothing ran, not even the harmless first one
    assert count(owner) == 10
    guarded = cli("--profile", PROTECTED, "sql", "--db", DB, "-q", "truncate t", "--yes")
    assert guarded.returncode == 1 and "protected" in guarded.stderr
    assert count(owner) == 10
    kept = cli("--profile", PLAIN, "sql", "--db", DB, "-q", "delete from t where id > 100")
    assert kept.returncode == 0, kept.stderr  # a WHERE: nothing to ask
    typed = cli("--profile", PROTECTED, "sql", "--db", DB, "-q",
                "delete from t where id = 10; update t set id = id", input=f"{PROTECTED}\n")
    assert typed.returncode == 0, typed.stderr
    assert "updates every row of t" in typed.stderr and count(owner) == 9


def test_audit_lists_writes_with_outcomes(cli: Any, owner: PostgresClient) -> None:
    inserted = cli("--profile", PLAIN, "sql", "--db", DB, "-q", "insert into t values (42)")
    assert inserted.returncode == 0, inserted.stderr
    failed = cli("--profile", PLAIN, "sql", "--db", DB, "-q", "insert into nope values (1)")
    assert failed.returncode == 1
    out = cli("--profile", PLAIN, "audit", "--since", "1h", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    inserts = [e for e in entries if e["action"] == "sql.insert"]
    assert inserts[-2]["target"] == f"{DB}: t" and inserts[-2]["count"] == 1
    assert inserts[-2]["outcome"] == "ok"
    assert inserts[-1]["outcome"].startswith("failed: ")
    assert all("42" not in json.dumps(e) for e in inserts)  # never a value written
    future = cli("--profile", PLAIN, "audit", "--since", "2999-01-01", "--json")
    assert json.loads(future.stdout) == []
    bad = cli("--profile", PLAIN, "audit", "--since", "yesterday-ish")
    assert bad.returncode == 2 and "30m" in bad.stderr


def test_profiles_add_read_only_prints_grants_and_show_masks(cli: Any) -> None:
    name = f"ro-advice-{WORKER}"
    added = cli("profiles", "add", name, "--read-only", "--protected", "--pg-host", "db.example",
                "--balena-url", "https://ops:s3cr3t-url-pw@balena.example")
    assert added.returncode == 0, added.stderr
    assert "GRANT SELECT ON ALL TABLES" in added.stdout
    shown = cli("profiles", "show", name, "--json")
    info = json.loads(shown.stdout)
    assert info["protected"] is True and info["read_only"] is True
    assert "s3cr3t-url-pw" not in shown.stdout and "ops:*****@" in shown.stdout
