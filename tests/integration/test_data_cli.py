"""The import, export, data-jobs, roles and sql --param commands, run as an operator would."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from console import profiles
from console.backends.postgres import PostgresClient
from console.profiles import locations
from console.sandbox.serve import ServerThread
from tests.conftest import run_cli, scratch_database

DB = "it_data_cli"
STOP = threading.Event()


async def stalled(request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        yield b"n\n" + b"".join(f"{i}\n".encode() for i in range(100))
        while not STOP.is_set():
            await asyncio.sleep(0.05)

    return StreamingResponse(body(), media_type="text/csv")


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(Starlette(routes=[Route("/stalled.csv", stalled)])) as running:
        yield running
        STOP.set()


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB) as client:
        yield client


def fetch(client: PostgresClient, query: str) -> list[tuple[Any, ...]]:
    with client.run(DB, query) as run:
        return run.first_rows


def test_import_creates_then_refuses_naming_the_flags(client: PostgresClient,
                                                      tmp_path: Path) -> None:
    source = tmp_path / "fleet.csv"
    source.write_text("id,name\n1,alpha\n2,beta\n")
    done = run_cli("import", str(source), "--table", "fleet", "--db", DB)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"DONE: 2 rows into {DB}.public.fleet")
    again = run_cli("import", str(source), "--table", "fleet", "--db", DB)
    assert again.returncode == 1
    assert "--append" in again.stderr and "FAILED" in again.stderr
    appended = run_cli("import", str(source), "--table", "fleet", "--db", DB, "--append", "--json")
    job = json.loads(appended.stdout)
    assert (job["state"], job["rows"], job["kind"]) == ("DONE", 2, "import")
    assert fetch(client, "select count(*) from fleet") == [(4,)]


def test_import_with_a_column_type_changed(client: PostgresClient, tmp_path: Path) -> None:
    source = tmp_path / "codes.csv"
    source.write_text("code,qty\n007,1\n123,2\n")
    done = run_cli("import", str(source), "--table", "codes", "--db", DB, "--type", "qty=text",
                   "--type", "code=integer")
    assert done.returncode == 0, done.stderr
    assert fetch(client, "select format_type(atttypid, null) from pg_attribute where attrelid = "
                         "'codes'::regclass and attnum > 0 order by attnum") == [("bigint",),
                                                                                 ("text",)]
    bad = run_cli("import", str(source), "--table", "codes2", "--db", DB, "--type", "qty=money")
    assert bad.returncode == 2 and "unknown column type" in bad.stderr


def test_export_table_and_query_with_parameters(client: PostgresClient, tmp_path: Path) -> None:
    client.run(DB, "create table sample as select g as id, g * 1.5 as v "
                   "from generate_series(1, 10) g").close()
    parquet = tmp_path / "sample.parquet"
    done = run_cli("export", "--table", "sample", "--db", DB, "-o", str(parquet))
    assert done.returncode == 0, done.stderr
    assert pq.read_table(parquet).num_rows == 10
    picked = tmp_path / "picked.json"
    done = run_cli("export", "--db", DB, "-q", "select * from sample where id > %(low)s",
                   "--param", "low=8", "-o", str(picked))
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in json.loads(picked.read_text())] == [9, 10]
    usage = run_cli("export", "--db", DB, "--table", "sample", "-o", str(tmp_path / "x.txt"))
    assert usage.returncode == 2 and "use csv, json, xlsx or parquet" in usage.stderr


def test_sql_param_is_bound_not_pasted(client: PostgresClient) -> None:
    client.run(DB, "create table keep_me (id int)").close()
    hostile = "1; drop table keep_me"
    done = run_cli("sql", "--db", DB, "-q", "select %(v)s as v, 'a%%' as pct", "--param",
                   f"v={hostile}", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"v": hostile, "pct": "a%"}]
    missing = run_cli("sql", "--db", DB, "-q", "select %(v)s", "--param", "w=1")
    assert missing.returncode == 2 and "no value for parameter v" in missing.stderr
    assert fetch(client, "select to_regclass('keep_me') is not null") == [(True,)]


def test_a_killed_console_leaves_its_job_failed_with_the_reason(
        client: PostgresClient, server: ServerThread) -> None:
    """An import whose process is killed mid-stream is FAILED on the next list, nothing kept."""
    command = [sys.executable, "-m", "console", "import", f"{server.url}/stalled.csv",
               "--table", "cut_short", "--db", DB]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        job = _wait_for_processing(process)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    listed = run_cli("data-jobs", "list", "--json")
    record = next(j for j in json.loads(listed.stdout) if j["id"] == job)
    assert record["state"] == "FAILED"
    assert f"pid {process.pid}" in record["error_details"]
    assert "nothing was committed" in record["error_details"]
    assert fetch(client, "select to_regclass('cut_short') is null") == [(True,)]


def _wait_for_processing(process: subprocess.Popen[bytes]) -> str:
    from console.backends.datajobs import JobStore

    store = JobStore(locations.data_jobs_file("local"))
    for _ in range(1000):  # a bound on polls, not a timing assertion
        for job in store.list(20):
            if job.pid == process.pid and job.state.value == "PROCESSING" and job.rows > 0:
                return job.id
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.05)
    raise AssertionError("the import never started")


def test_roles_create_keep_list_and_drop(client: PostgresClient) -> None:
    created = run_cli("roles", "create", "it_cli_svc", "--grant", f"{DB}:read", "--keep")
    assert created.returncode == 0, created.stderr
    password = created.stdout.strip()
    assert len(password) >= 32 and "shown this once" in created.stderr
    credentials = locations.credentials_file("local")
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
    assert profiles.load("local").secret("roles", "it_cli_svc") == password
    listed = json.loads(run_cli("roles", "list", "--json").stdout)
    svc = next(r for r in listed if r["name"] == "it_cli_svc")
    assert {"database": DB, "schema": "public", "access": "read", "detail": None} in svc["grants"]
    assert password not in run_cli("roles", "list").stdout
    refused = run_cli("roles", "drop", "it_cli_svc", input="")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    dropped = run_cli("roles", "drop", "it_cli_svc", "--yes")
    assert dropped.returncode == 0, dropped.stderr
    assert not any(r["name"] == "it_cli_svc" for r in json.loads(
        run_cli("roles", "list", "--json").stdout))


def test_roles_grant_write_then_revoke_it_keeps_read(client: PostgresClient) -> None:
    assert run_cli("roles", "create", "it_cli_rw", "--grant", f"{DB}:read").returncode == 0

    def access() -> set[str]:
        listed = json.loads(run_cli("roles", "list", "--json").stdout)
        role = next(r for r in listed if r["name"] == "it_cli_rw")
        return {g["access"] for g in role["grants"] if g["database"] == DB}

    granted = run_cli("roles", "grant", "it_cli_rw", f"{DB}:public", "write")
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.startswith('Granted write to "it_cli_rw"') and "public" in granted.stdout
    assert "write" in access()
    revoked = run_cli("roles", "revoke", "it_cli_rw", DB, "write")
    assert revoked.returncode == 0 and revoked.stdout.startswith('Revoked write from "it_cli_rw"')
    assert "write" not in access() and "read" in access()
    assert run_cli("roles", "drop", "it_cli_rw", "--yes").returncode == 0


def test_data_jobs_show_and_cancel_a_finished_job(tmp_path: Path, client: PostgresClient) -> None:
    source = tmp_path / "one.csv"
    source.write_text("a\n1\n")
    job = json.loads(run_cli("import", str(source), "--table", "one", "--db", DB,
                             "--json").stdout)
    shown = run_cli("data-jobs", "show", job["id"][:6])
    assert shown.returncode == 0 and shown.stdout.startswith("DONE: 1 rows")
    cancel = run_cli("data-jobs", "cancel", job["id"])
    assert cancel.returncode == 1 and "already finished" in cancel.stderr
