"""``fleet-console blobs …`` and ``crate sql`` against the stand-in, as an operator runs them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console import profiles
from console.profiles.settings import ProfileSettings
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin

PROFILE = "crate-cli"


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("cli") as running:
        if PROFILE not in profiles.names():
            profiles.add(PROFILE, ProfileSettings(cratedb=running.settings()))
        profiles.set_secret(PROFILE, "cratedb", "password", PASSWORD)
        yield running


def run(cli: Any, *args: str, **kwargs: Any) -> Any:
    return cli("--profile", PROFILE, *args, **kwargs)


def test_tables_json(cli: Any, standin: StandInCluster) -> None:
    out = run(cli, "blobs", "tables", "--json")
    assert out.returncode == 0, out.stderr
    firmware = next(t for t in json.loads(out.stdout) if t["name"] == "firmware")
    assert firmware["blobs"] == 2 and firmware["size"] == 5 * 2**20


def test_put_get_exists_rm(cli: Any, standin: StandInCluster, tmp_path: Path) -> None:
    source = tmp_path / "a.bin"
    source.write_bytes(b"cli blob " * 1000)
    digest = hashlib.sha1(source.read_bytes()).hexdigest()
    put = run(cli, "blobs", "put", "assets", str(source))
    assert put.returncode == 0, put.stderr
    assert put.stdout.split()[0] == digest
    piped = run(cli, "blobs", "put", "assets", "-", input="from stdin")
    assert piped.stdout.split()[0] == hashlib.sha1(b"from stdin").hexdigest()
    assert "already stored" in run(cli, "blobs", "put", "assets", str(source)).stdout
    assert run(cli, "blobs", "exists", "assets", digest).returncode == 0
    target = tmp_path / "back.bin"
    target.write_bytes(source.read_bytes()[:100])  # a partial file, resumed
    got = run(cli, "blobs", "get", "assets", digest, "-o", str(target))
    assert got.returncode == 0 and "resumed" in got.stdout
    assert target.read_bytes() == source.read_bytes()
    assert run(cli, "blobs", "rm", "assets", digest).returncode == 1  # no answer: not deleted
    assert run(cli, "blobs", "rm", "assets", digest, "--yes").returncode == 0
    assert run(cli, "blobs", "exists", "assets", digest).returncode == 1


def test_list_create_drop(cli: Any, standin: StandInCluster) -> None:
    listed = run(cli, "blobs", "list", "firmware", "--json")
    assert [len(b["digest"]) for b in json.loads(listed.stdout)] == [40, 40]
    assert run(cli, "blobs", "create", "cli_t", "--shards", "2", "--replicas", "1").returncode == 0
    assert run(cli, "blobs", "drop", "cli_t").returncode == 1  # asks; no stdin: no
    assert run(cli, "blobs", "drop", "cli_t", "--yes").returncode == 0


def test_bad_input_exit_codes(cli: Any, standin: StandInCluster, tmp_path: Path) -> None:
    bad_digest = run(cli, "blobs", "get", "assets", "xyz", "-o", str(tmp_path / "o"))
    assert bad_digest.returncode == 2 and "not a blob digest" in bad_digest.stderr
    assert run(cli, "blobs", "put", "assets", str(tmp_path / "missing")).returncode == 2
    assert run(cli, "blobs", "put", "assets", str(tmp_path)).returncode == 2
    unknown = run(cli, "blobs", "list", "nosuch")
    assert unknown.returncode == 1 and "RelationUnknown" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_crate_sql_formats_and_errors(cli: Any, standin: StandInCluster) -> None:
    out = run(cli, "crate", "sql", "SELECT id, name FROM sensors WHERE id < ? ORDER BY id",
              "--arg", "3", "--format", "json")
    assert json.loads(out.stdout) == [{"id": 1, "name": "sensor-001"},
                                      {"id": 2, "name": "sensor-002"}]
    assert "answered by http://127.0.0.1" in out.stderr
    csv_out = run(cli, "crate", "sql", "SELECT id FROM sensors ORDER BY id LIMIT 2",
                  "--format", "csv")
    assert csv_out.stdout.splitlines() == ["id", "1", "2"]
    bad = run(cli, "crate", "sql", "SELEC 1")
    assert bad.returncode == 2 and "SQLParseException" in bad.stderr
