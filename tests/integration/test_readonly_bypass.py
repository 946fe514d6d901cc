"""A read-only profile under attack through ``fleet-console sql`` and the backend itself.

Each attack of ``tests/readonly_attacks.py`` runs against a real table with a
known fingerprint; each must exit 1 with a message saying why, leave no
traceback, and change nothing: not the rows, the sequence, large objects, the
server's configuration, nor another session (a victim connection stays alive).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg2
import pytest
from click.testing import CliRunner

from console import profiles
from console.backends.postgres import PostgresClient, split_statements
from console.backends.postgres import _classify as classify_module
from console.cli import cli as root
from console.clients import Clients
from console.errors import BadQuery, ConsoleError, ReadOnlyRefused
from console.profiles import PostgresSettings, ProfileSettings, audit
from tests.conftest import scratch_database
from tests.readonly_attacks import ATTACKS, ROWS, SETUP, fingerprint

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
DB = f"ro_attacks_{WORKER}"
PROFILE = f"ro-attack-{WORKER}"


@dataclass
class Target:
    """The attacked database, its owner's client, its fingerprint and a bystander."""

    owner: PostgresClient
    read_only: PostgresClient
    before: tuple[Any, ...]
    victim: Any


@pytest.fixture(scope="module")
def target(local_pg: Any) -> Iterator[Target]:
    if PROFILE not in profiles.names():
        profiles.add(PROFILE, ProfileSettings(
            read_only=True, postgres=PostgresSettings(host=local_pg.socket_dir)))
    with scratch_database(DB, *SETUP) as owner:
        victim = psycopg2.connect(dbname=DB, user="postgres", host=local_pg.socket_dir)
        read_only = Clients(profiles.load(PROFILE)).postgres()
        try:
            yield Target(owner, read_only, fingerprint(owner, DB), victim)
        finally:
            read_only.close()
            victim.close()


def untouched(target: Target) -> None:
    assert fingerprint(target.owner, DB) == target.before
    with target.victim.cursor() as cur:  # another session was not terminated
        cur.execute("select 1")
        assert cur.fetchone() == (1,)


@pytest.mark.parametrize(("name", "sql"), ATTACKS, ids=[name for name, _ in ATTACKS])
def test_cli_attack_changes_nothing(target: Target, name: str, sql: str) -> None:
    """Each attack through `fleet-console sql -q` exits 1, says read-only, changes nothing.

    In-process (click's runner) to keep 50 attacks quick; the next test runs some in
    a real process, as an operator's shell would.
    """
    result = CliRunner().invoke(root, ["--profile", PROFILE, "sql", "--db", DB, "-q", sql,
                                       "--yes"])
    assert result.exit_code == 1, result.output
    assert "read-only" in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    untouched(target)


ISSUE_ATTACKS = {"issue-set-config-prepare-execute", "unicode-escaped-set",
                 "begin-set-transaction-read-write", "security-definer-writes"}


@pytest.mark.parametrize(("name", "sql"), [a for a in ATTACKS if a[0] in ISSUE_ATTACKS])
def test_cli_attack_in_a_real_process(cli: Any, target: Target, name: str, sql: str) -> None:
    result = cli("--profile", PROFILE, "sql", "--db", DB, "-q", sql, "--yes")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    untouched(target)


def test_attacks_are_at_least_thirty() -> None:
    assert len(ATTACKS) >= 30
    assert len({name for name, _ in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize(("name", "sql"), ATTACKS, ids=[name for name, _ in ATTACKS])
def test_session_attack_changes_nothing(target: Target, name: str, sql: str) -> None:
    """Through the backend as the SQL pane uses it: one session, statement by statement,
    and the whole text at once (what a caller that does not split would send)."""
    with target.read_only.session(DB) as session:
        for text in [s.text for s in split_statements(sql)] + [sql]:
            try:
                session.run(text).close()
            except ReadOnlyRefused as exc:
                assert "read-only" in str(exc)
    untouched(target)


SERVER_WALL = [
    "delete from t",
    "set transaction read write; delete from t",
    "select set_config('transaction_read_only', 'off', false); delete from t",
    "commit; delete from t",
    "select definer_delete()",
    "select nextval('s')",
    "with d as (delete from t returning 1) select count(*) from d",
]


@pytest.mark.parametrize("sql", SERVER_WALL)
def test_the_servers_read_only_transaction_stands_alone(
        target: Target, monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    """With the parser's verdict switched off, the transaction the console opens still
    refuses: it is READ ONLY and pinned by its first snapshot before the operator's text."""
    monkeypatch.setattr(classify_module._readonly, "refusal", lambda *args: None)
    with target.read_only.session(DB) as session, pytest.raises(ConsoleError) as caught:
        session.run(sql).close()
    assert re.search("read-only transaction|read-write mode must be set before any query",
                     str(caught.value)), caught.value
    untouched(target)


def test_a_connection_that_stopped_being_read_only_is_dropped(
        target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    """Had a SET got through, the connection reports it; the next statement is refused
    and the connection closed, and the one after runs read-only on a fresh one."""
    monkeypatch.setattr(classify_module._readonly, "refusal", lambda *args: None)
    with target.read_only.session(DB) as session:
        session.run("set default_transaction_read_only = off").close()
        with pytest.raises(ReadOnlyRefused, match="stopped being read-only"):
            session.run("delete from t")
        with pytest.raises(ReadOnlyRefused):
            session.run("delete from t")
    untouched(target)


def test_refusals_are_in_the_audit_log(target: Target) -> None:
    with pytest.raises(ReadOnlyRefused):
        target.read_only.run(DB, "truncate t")
    last = audit.read(PROFILE)[-1]
    assert (last.action, last.target) == ("sql.truncate", f"{DB}: t")
    assert last.outcome.startswith("refused: ")


def test_reads_still_work(target: Target) -> None:
    """Read-only is not no-use: selects stream, SET lasts, SHOW and EXPLAIN answer."""
    with target.read_only.session(DB) as session:
        assert session.run("select count(*) from t").first_rows == [(ROWS,)]
        session.run("set statement_timeout = 12345").close()
        assert session.run("show statement_timeout").first_rows == [("12345ms",)]
        assert session.run("explain select * from t").has_rows
        with session.run("select id from t order by id", batch=10) as run:
            assert len(run.first_rows) == 10 and len(run.fetch(100)) == ROWS - 10


def test_unparseable_text_is_refused_with_its_position(target: Target) -> None:
    with pytest.raises(BadQuery) as caught:
        target.read_only.run(DB, "select 1 frm t")  # `frm` is an alias: `t` is the error
    assert caught.value.position == 14


def test_nul_byte_is_refused_with_its_position_on_any_profile(target: Target) -> None:
    """`delete from t \\x00where id = 1` once deleted every row: libpq stopped at the NUL."""
    with pytest.raises(BadQuery, match="NUL byte at position 15") as caught:
        target.owner.run(DB, "delete from t \x00where id = 1")
    assert caught.value.position == 15
    with target.owner.session(DB) as session, pytest.raises(BadQuery, match="NUL byte"):
        session.run("delete from t \x00where id = 1")
    untouched(target)


def test_nul_byte_in_sql_q_refuses_the_whole_text() -> None:
    """An operating system cannot pass a NUL in an argument, but a caller of ``main`` can:
    nothing runs, not even the statements before it."""
    result = CliRunner().invoke(root, ["sql", "--db", DB, "-q",
                                       "select 1;\ndelete from t \x00where id = 1"])
    assert result.exit_code == 1
    assert "NUL byte" in result.output and "line 2, column 15" in result.output
    assert "?column?" not in result.output


def test_nul_byte_from_a_file_and_stdin(cli: Any, target: Target, tmp_path: Any) -> None:
    script = tmp_path / "nul.sql"
    script.write_text("delete from t \x00where id = 1\n", encoding="utf-8")
    for result in (cli("sql", "--db", DB, "-f", str(script)),
                   cli("sql", "--db", DB, input="delete from t \x00where id = 1")):
        assert result.returncode == 1 and "NUL byte" in result.stderr
    untouched(target)


def test_uncommitted_transaction_is_rolled_back_and_reported(cli: Any, target: Target) -> None:
    result = cli("sql", "--db", DB, "-q", "begin; insert into t values (5000, 'kept?')")
    assert result.returncode == 1
    assert "INSERT 0 1" in result.stdout
    assert "rolled back" in result.stderr and "nothing in it was committed" in result.stderr
    untouched(target)
    ended = [e for e in audit.read("local") if e.target.startswith(DB)][-2:]
    assert [e.action for e in ended] == ["sql.insert", "sql.rollback"]
    assert ended[0].outcome == "ok, in an open transaction"
