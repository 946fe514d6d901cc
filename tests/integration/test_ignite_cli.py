"""`fleet-console cache …` in a subprocess, against the in-process three-node stand-in."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from console import profiles
from console.profiles import ProfileSettings
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import PASSWORD, Cluster

cluster = ignite_fixtures.cluster  # the module-scoped stand-in
ENV = {"CACHE_CLI_PW": PASSWORD}


@pytest.fixture(scope="module")
def cache_profiles(cluster: Cluster) -> Iterator[None]:
    for name, read_only in (("cache-cli", False), ("cache-cli-ro", True)):
        settings = ProfileSettings.model_validate({"read_only": read_only, "ignite": {
            "nodes": cluster.addresses, "username": "ignite", "password_env": "CACHE_CLI_PW",
            "timeout": 5.0}})
        if name not in profiles.names():
            profiles.add(name, settings)
    yield


def cache(cli: Any, *args: str, profile: str = "cache-cli", stdin: str | None = None,
          env: dict[str, str] | None = None) -> Any:
    return cli("--profile", profile, "cache", *args, input=stdin, env=env or ENV)


@pytest.fixture(autouse=True)
def _profiles(cache_profiles: None) -> None:
    return None


def test_list_json_and_table(cli: Any) -> None:
    listed = json.loads(cache(cli, "list", "--json").stdout)
    by_name = {c["name"]: c for c in listed}
    assert by_name["telemetry"]["size"] == 3000
    assert by_name["greetings"]["mode"] == "replicated"
    table = cache(cli, "list").stdout.splitlines()
    assert table[0].split() == ["NAME", "SIZE", "MODE", "BACKUPS", "ATOMICITY"]


def test_info_names_tables_and_fields(cli: Any) -> None:
    result = cache(cli, "info", "SQL_PUBLIC_CITY", "--json")
    data = json.loads(result.stdout)
    assert data["tables"][0]["table"] == "CITY"
    assert [f["name"] for f in data["tables"][0]["fields"]] == ["ID", "NAME", "COUNTRY",
                                                                "POPULATION"]


def test_put_get_rm_round_trip(cli: Any) -> None:
    assert cache(cli, "put", "greetings", "cli-key", '{"a": 1}', "--value-type", "json"
                 ).returncode == 0
    got = json.loads(cache(cli, "get", "greetings", "cli-key", "--json").stdout)
    assert got["value"] == {"a": 1} and got["value_type"] == "json"
    assert cache(cli, "get", "greetings", "cli-key").stdout.strip().startswith("{")
    refused = cache(cli, "rm", "greetings", "cli-key")  # no stdin: not removed
    assert refused.returncode == 1 and "Pass --yes" in refused.stderr
    removed = cache(cli, "rm", "greetings", "cli-key", stdin="y\n")
    assert removed.returncode == 0 and "Removed 1 of 1" in removed.stdout
    missing = cache(cli, "get", "greetings", "cli-key")
    assert missing.returncode == 1 and "holds no key" in missing.stderr


def test_get_auto_finds_int_keys(cli: Any) -> None:
    result = cache(cli, "get", "people", "5", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["value"]["id"] == 5


def test_bad_input_is_exit_2_with_a_message(cli: Any) -> None:
    bad_type = cache(cli, "put", "greetings", "k", "abc", "--value-type", "long")
    assert bad_type.returncode == 2 and "'abc' is not a long" in bad_type.stderr
    unknown = cache(cli, "get", "no-such-cache", "k")
    assert unknown.returncode == 1 and "Cache does not exist" in unknown.stderr
    usage = cache(cli, "create", "x", "--mode", "mirrored")
    assert usage.returncode == 2
    assert "Traceback" not in bad_type.stderr + unknown.stderr


def test_scan_streams_with_limit_and_json(cli: Any) -> None:
    entries = json.loads(cache(cli, "scan", "telemetry", "--limit", "25", "--json",
                               "--page-size", "10").stdout)
    assert len(entries) == 25 and len({e["key"] for e in entries}) == 25
    table = cache(cli, "scan", "people", "--limit", "3")
    assert table.stdout.splitlines()[0].split() == ["KEY", "TYPE", "VALUE"]
    assert "Person" in table.stdout and "(3 entries, limit reached)" in table.stderr


def test_sql_formats_and_args(cli: Any) -> None:
    query = "SELECT id, name FROM city WHERE population > ? ORDER BY id"
    as_json = json.loads(cache(cli, "sql", query, "--arg", "2000000", "--format", "json").stdout)
    assert [r["NAME"] for r in as_json] == ["New York", "Los Angeles", "Chicago"]
    as_csv = list(csv.reader(io.StringIO(cache(cli, "sql", query, "--arg", "long:2000000",
                                               "--format", "csv").stdout)))
    assert as_csv[0] == ["ID", "NAME"] and len(as_csv) == 4
    table = cache(cli, "sql", query, "--arg", "2000000").stdout
    assert "(3 rows)" in table


def test_sql_error_shows_the_engine_message(cli: Any) -> None:
    result = cache(cli, "sql", "SELEC 1")
    assert result.returncode == 2 and "syntax error" in result.stderr


def test_create_and_destroy_asks_first(cli: Any) -> None:
    made = cache(cli, "create", "cli-made", "--mode", "replicated", "--backups", "2")
    assert made.returncode == 0 and "replicated, 2 backup(s)" in made.stdout
    assert cache(cli, "destroy", "cli-made").returncode == 1  # no answer: kept
    assert "cli-made" in cache(cli, "list").stdout
    assert cache(cli, "destroy", "cli-made", "--yes").returncode == 0
    assert "cli-made" not in cache(cli, "list").stdout


def test_nodes_reports_a_stopped_node(cli: Any, cluster: Cluster) -> None:
    with cluster.stopped(2):
        listed = json.loads(cache(cli, "nodes", "--json").stdout)
    states = {n["address"]: n["state"] for n in listed}
    assert states == {cluster.addresses[0]: "up", cluster.addresses[1]: "up",
                      cluster.addresses[2]: "down"}
    assert sum(n["answering"] for n in listed) == 1


def test_read_only_profile_refuses_writes(cli: Any) -> None:
    result = cache(cli, "put", "greetings", "k", "v", profile="cache-cli-ro")
    assert result.returncode == 1 and "read-only" in result.stderr
    assert cache(cli, "sql", "DELETE FROM city", profile="cache-cli-ro").returncode == 1
    assert cache(cli, "get", "greetings", "en", profile="cache-cli-ro").returncode == 0


def test_wrong_password_never_shows_it(cli: Any) -> None:
    result = cache(cli, "list", env={"CACHE_CLI_PW": "not-the-password-9"})
    assert result.returncode == 1 and "refused the credentials" in result.stderr
    assert "not-the-password-9" not in result.stderr + result.stdout
