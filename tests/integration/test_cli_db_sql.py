"""`fleet-console db …` and `fleet-console sql …` as an operator's shell runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from subprocess import CompletedProcess

import psycopg2
import pytest

from console import profiles
from console.backends.postgres import PostgresClient
from console.profiles import PostgresSettings, ProfileSettings
from tests.conftest import scratch_database

Cli = Callable[..., CompletedProcess[str]]
DB = "clitest_data"


@pytest.fixture(scope="module")
def data_db(local_pg: object) -> Iterator[str]:
    """A database with a small table (made through the client: quicker than subprocesses)."""
    with scratch_database(
        DB,
        "create table t (id int, label text, at timestamptz, price numeric(10,2))",
        "insert into t select g, 'row ' || g, timestamptz '2026-03-01 12:00+00' "
        "+ g * interval '1 minute', g * 0.5 from generate_series(1, 25) g",
    ):
        yield DB


def test_db_list_json(cli: Cli, data_db: str) -> None:
    result = cli("db", "list", "--json")
    assert result.returncode == 0, result.stderr
    databases = {d["name"]: d for d in json.loads(result.stdout)}
    assert {"postgres", data_db} <= set(databases)
    entry = databases[data_db]
    assert entry["owner"] == "postgres" and entry["encoding"] == "UTF8"
    assert isinstance(entry["size_bytes"], int) and entry["size_bytes"] > 0


def test_db_list_table(cli: Cli, data_db: str) -> None:
    result = cli("db", "list")
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["NAME", "OWNER", "SIZE_BYTES", "ENCODING"]
    assert any(line.split()[0] == data_db for line in lines)


def test_db_create_rename_drop_with_clear_errors(cli: Cli, local_pg: object) -> None:
    assert cli("db", "create", "cli_one").returncode == 0
    again = cli("db", "create", "cli_one")
    assert again.returncode == 1 and 'database "cli_one" already exists' in again.stderr
    assert "Traceback" not in again.stderr
    assert cli("db", "rename", "cli_one", "cli_two").returncode == 0
    missing = cli("db", "rename", "cli_one", "cli_three")
    assert missing.returncode == 1 and 'database "cli_one" does not exist' in missing.stderr

    holder = psycopg2.connect(dbname="cli_two", user="postgres", host=local_pg.socket_dir)
    try:
        busy = cli("db", "drop", "cli_two", "--yes")
        assert busy.returncode == 1
        assert 'database "cli_two" is in use by 1 connection' in busy.stderr
        assert "--force" in busy.stderr
        forced = cli("db", "drop", "cli_two", "--force", "--yes")
        assert forced.returncode == 0, forced.stderr
    finally:
        holder.close()
    gone = cli("db", "drop", "cli_two", "--yes")
    assert gone.returncode == 1 and 'database "cli_two" does not exist' in gone.stderr


def test_db_drop_asks_first(cli: Cli) -> None:
    assert cli("db", "create", "cli_ask").returncode == 0
    no_stdin = cli("db", "drop", "cli_ask", input="")
    assert no_stdin.returncode == 1 and "--yes" in no_stdin.stderr
    declined = cli("db", "drop", "cli_ask", input="n\n")
    assert declined.returncode == 1 and "Nothing was changed" in declined.stderr
    names = [d["name"] for d in json.loads(cli("db", "list", "--json").stdout)]
    assert "cli_ask" in names
    accepted = cli("db", "drop", "cli_ask", input="y\n")
    assert accepted.returncode == 0 and 'Dropped database "cli_ask"' in accepted.stdout


def test_db_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("db", "rename", "only-one").returncode == 2
    assert cli("db", "frobnicate").returncode == 2


def test_sql_table_streams_every_row(cli: Cli, data_db: str) -> None:
    result = cli("sql", "--db", data_db, "-q", "select id, label from t order by id")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split(" | ") == ["id", "label"]
    assert lines[2].split("|")[1].strip() == "row 1"
    assert lines[-1] == "(25 rows)"


def test_sql_json_keeps_types(cli: Cli, data_db: str) -> None:
    result = cli("sql", "--db", data_db, "--format", "json", "-q",
                 "select id, label, at, price, null as nothing from t where id = 3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"id": 3, "label": "row 3",
                                          "at": "2026-03-01T12:03:00+00:00", "price": 1.5,
                                          "nothing": None}]


def test_sql_json_keeps_numerics_exact(cli: Cli, local_pg: object) -> None:
    """A numeric a float would change (1e-400 is 0.0 as a float) is written as its text."""
    result = cli("sql", "--format", "json", "-q",
                 "select 1e-400::numeric as tiny, 12345678901234567890::numeric as big, "
                 "2.50::numeric(4, 2) as price")
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert Decimal(row["tiny"]) == Decimal("1e-400")
    assert row["big"] == "12345678901234567890"
    assert row["price"] == 2.5


def test_sql_csv_of_a_query_and_of_other_statements(cli: Cli, data_db: str) -> None:
    result = cli("sql", "--db", data_db, "--format", "csv", "-q",
                 "select id, label from t where id <= 2 order by id; show server_encoding;"
                 "update t set label = label where id = 1")
    assert result.returncode == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["id", "label"], ["1", "row 1"], ["2", "row 2"], ["server_encoding"], ["UTF8"]]
    assert result.stderr.strip() == "UPDATE 1"


def test_sql_many_rows_stream_in_batches(cli: Cli, local_pg: object) -> None:
    query = "select g, md5(g::text) from generate_series(1, 30000) g"
    as_json = cli("sql", "--format", "json", "-q", query)
    assert len(json.loads(as_json.stdout)) == 30000
    as_csv = cli("sql", "--format", "csv", "-q", query)
    assert len(as_csv.stdout.splitlines()) == 30001


def test_sql_from_file_and_stdin(cli: Cli, data_db: str, tmp_path: Path) -> None:
    script = tmp_path / "count.sql"
    script.write_text("-- how many\nselect count(*) as n from t;\n")
    from_file = cli("sql", "--db", data_db, "--format", "json", "-f", str(script))
    assert json.loads(from_file.stdout) == [{"n": 25}]
    from_stdin = cli("sql", "--db", data_db, "--format", "json", input="select 7 as seven")
    assert json.loads(from_stdin.stdout) == [{"seven": 7}]


def test_sql_script_transaction_holds(cli: Cli, data_db: str) -> None:
    result = cli("sql", "--db", data_db, "-q",
                 "begin; delete from t; select count(*) from t; rollback; select count(*) from t",
                 "--yes")
    assert result.returncode == 0, result.stderr
    counts = [line.strip() for line in result.stdout.splitlines() if line.strip().isdigit()]
    assert counts == ["0", "25"]


def test_sql_error_shows_message_line_and_column(cli: Cli, data_db: str) -> None:
    result = cli("sql", "--db", data_db, "-q", "select 1;\nselect\n  nope from t;\nselect 2")
    assert result.returncode == 1
    assert 'statement 2: column "nope" does not exist' in result.stderr
    assert "at line 3, column 3" in result.stderr
    assert "LINE 3:   nope from t;\n" in result.stderr
    assert "Traceback" not in result.stderr
    assert "?column?" in result.stdout and "2" not in result.stdout.split("(1 row)")[1]


def test_sql_bad_input_exits_with_clear_messages(cli: Cli, local_pg: object,
                                                 tmp_path: Path) -> None:
    nodb = cli("sql", "--db", "cli_nope", "-q", "select 1")
    assert nodb.returncode == 1 and 'database "cli_nope" does not exist' in nodb.stderr
    both = cli("sql", "-q", "select 1", "-f", __file__)
    assert both.returncode == 2 and "not both" in both.stderr
    empty = cli("sql", "-q", "  -- nothing ")
    assert empty.returncode == 2 and "no SQL statement" in empty.stderr
    binary = tmp_path / "bin.sql"
    binary.write_bytes(b"\xff\xfe\x00select")
    assert cli("sql", "-f", str(binary)).returncode == 2
    unknown = cli("--profile", "cli-no-such", "sql", "-q", "select 1")
    assert unknown.returncode == 1 and "no profile named 'cli-no-such'" in unknown.stderr


def test_sql_read_only_profile_refuses_writes(cli: Cli, data_db: str, local_pg: object) -> None:
    if "cli-ro" not in profiles.names():
        profiles.add("cli-ro", ProfileSettings(
            read_only=True, postgres=PostgresSettings(host=local_pg.socket_dir)))
    refused = cli("--profile", "cli-ro", "sql", "--db", data_db, "-q", "delete from t")
    assert refused.returncode == 1 and "read-only" in refused.stderr
    allowed = cli("--profile", "cli-ro", "sql", "--db", data_db, "--format", "json", "-q",
                  "select count(*) as n from t")
    assert json.loads(allowed.stdout) == [{"n": 25}]
    assert cli("--profile", "cli-ro", "db", "create", "cli_never").returncode == 1


def test_secrets_never_reach_the_terminal(cli: Cli, local_pg: object) -> None:
    if "cli-secret" not in profiles.names():
        profiles.add("cli-secret", ProfileSettings(
            postgres=PostgresSettings(host=local_pg.socket_dir, dbname="cli_missing_db")))
        profiles.set_secret("cli-secret", "postgres", "password", "pw-Zx81-secret")
    result = cli("--profile", "cli-secret", "db", "list")
    assert result.returncode == 1 and 'database "cli_missing_db" does not exist' in result.stderr
    assert "pw-Zx81-secret" not in result.stderr + result.stdout


def _sleeping(client: PostgresClient) -> bool:
    run = client.run("postgres", "select count(*) from pg_stat_activity "
                                 "where wait_event = 'PgSleep'")
    return bool(run.first_rows[0][0])


def test_sql_server_killed_mid_query_exits_1_with_a_message(local_pg: object) -> None:
    """`sql -q 'select pg_sleep(30)'` while the server dies: exit 1, what happened, no
    traceback. The server is started again for the tests after this one."""
    import psutil

    from console.clients import Clients
    from console.sandbox import control

    watcher = Clients(profiles.load("local")).postgres()
    command = subprocess.Popen([sys.executable, "-m", "console", "sql", "-q",
                                "select pg_sleep(30)"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while not _sleeping(watcher):
            assert time.monotonic() < deadline and command.poll() is None, "never slept"
            time.sleep(0.05)
        server = psutil.Process(control.postgres("local").state().pid)
        server.send_signal(signal.SIGQUIT)  # immediate shutdown, as a crash ends sessions
        server.wait(30)
        stdout, stderr = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
        watcher.close()
        control.ensure_postgres("local")
    assert command.returncode == 1
    assert "server closed the connection unexpectedly" in stderr
    assert "Traceback" not in stderr and stdout == ""
