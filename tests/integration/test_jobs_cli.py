"""`fleet-console jobs …` and `sites list` against the Balsam stand-in, in a subprocess."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from console import profiles
from console.profiles import ProfileSettings
from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread

PASSWORD = "cli-test-password-123"
ENV = {"JOBS_CLI_PW": PASSWORD}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 400})
    with ServerThread(app) as running:
        for name, read_only in (("jobs-cli", False), ("jobs-cli-ro", True)):
            settings = ProfileSettings.model_validate(
                {
                    "read_only": read_only,
                    "balsam": {
                        "url": running.url,
                        "username": "operator",
                        "password_env": "JOBS_CLI_PW",
                    },
                }
            )
            if name not in profiles.names():
                profiles.add(name, settings)
        yield running


def jobs_cli(cli: Any, *args: str, profile: str = "jobs-cli", stdin: str | None = None) -> Any:
    return cli("--profile", profile, *args, env=ENV, input=stdin)


def test_sites_list_json(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(cli, "sites", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert [s["name"] for s in json.loads(result.stdout)] == ["theta-gpu", "polaris"]


def test_jobs_list_filters_and_limit(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(
        cli,
        "jobs",
        "list",
        "--state",
        "FAILED",
        "--tag",
        "exp:B",
        "--site",
        "2",
        "--limit",
        "4",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert 0 < len(rows) <= 4
    assert all(
        r["state"] == "FAILED" and r["tags"]["exp"] == "B" and r["app_id"] in (4, 5) for r in rows
    )
    assert PASSWORD not in result.stdout + result.stderr


def test_jobs_list_by_app_name(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(cli, "jobs", "list", "--app", "Analyze", "--limit", "5", "--json")
    assert {(r["app_id"], r["app"]) for r in json.loads(result.stdout)} == {(3, "Analyze")}
    table = jobs_cli(cli, "jobs", "list", "--app", "Analyze", "--limit", "2")
    assert table.stdout.splitlines()[0].split()[:3] == ["ID", "STATE", "APP"]
    assert all(line.split()[2] == "Analyze" for line in table.stdout.splitlines()[1:])
    missing = jobs_cli(cli, "jobs", "list", "--app", "Nope")
    assert missing.returncode == 1 and "no app named 'Nope'" in missing.stderr


def test_count_by_state_matches_server(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(cli, "jobs", "count", "--json")
    assert result.returncode == 0, result.stderr
    counts = {r["state"]: r["count"] for r in json.loads(result.stdout)}
    store = server.app.state.balsam.store
    assert sum(counts.values()) == len(store.jobs)
    assert counts["FAILED"] == sum(1 for j in store.jobs.values() if j["state"] == "FAILED")


def test_count_by_site(cli: Any, server: ServerThread) -> None:
    rows = json.loads(jobs_cli(cli, "jobs", "count", "--by", "site", "--json").stdout)
    assert {r["site"] for r in rows} == {"theta-gpu", "polaris"}
    assert sum(r["count"] for r in rows) == len(server.app.state.balsam.store.jobs)


def store_counts(server: ServerThread, **want: Any) -> dict[tuple[str, str], int]:
    """(site/app, state) → jobs, counted in the stand-in's own rows."""
    store = server.app.state.balsam.store
    sites = {i: s["name"] for i, s in store.sites.items()}
    found: dict[tuple[str, str], int] = {}
    for job in store.jobs.values():
        app = store.apps[job["app_id"]]
        if want.get("state") not in (None, job["state"]) or any(
            job["tags"].get(k) != v for k, v in want.get("tags", {}).items()
        ):
            continue
        key = (f"{sites[app['site_id']]}/{app['name']}", job["state"])
        found[key] = found.get(key, 0) + 1
    return found


def test_count_by_app(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(cli, "jobs", "count", "--by", "app", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {(r["app"], r["state"]): r["count"] for r in rows} == store_counts(server)
    assert {r["app"] for r in rows} >= {"theta-gpu/SimulateH2O", "polaris/EigenSolve"}


def test_count_by_app_respects_state_and_tag(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(
        cli, "jobs", "count", "--by", "app", "--state", "FAILED", "--tag", "exp:A", "--json"
    )
    assert result.returncode == 0, result.stderr
    got = {(r["app"], r["state"]): r["count"] for r in json.loads(result.stdout)}
    expected = store_counts(server, state="FAILED", tags={"exp": "A"})
    assert got == expected and sum(expected.values()) > 0


def test_count_by_site_respects_site_app_and_state(cli: Any, server: ServerThread) -> None:
    args = ["--site", "2", "--app", "EigenSolve", "--state", "RUNNING", "--state", "FAILED"]
    result = jobs_cli(cli, "jobs", "count", "--by", "site", *args, "--json")
    assert result.returncode == 0, result.stderr
    got = {(r["site"], r["state"]): r["count"] for r in json.loads(result.stdout)}
    counted = store_counts(server)
    expected = {
        ("polaris", state): counted[("polaris/EigenSolve", state)]
        for state in ("RUNNING", "FAILED")
        if ("polaris/EigenSolve", state) in counted
    }
    assert got == expected and expected


def test_update_asks_and_no_changes_nothing(cli: Any, server: ServerThread) -> None:
    store = server.app.state.balsam.store
    version = store.version
    result = jobs_cli(
        cli, "jobs", "update", "--state", "RUN_TIMEOUT", "--set-state", "RESTART_READY", stdin="n\n"
    )
    assert "Set " in result.stderr and "jobs to RESTART_READY?" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert result.returncode == 1 and store.version == version


def test_update_with_yes_reports(cli: Any, server: ServerThread) -> None:
    store = server.app.state.balsam.store
    timed_out = sum(1 for j in store.jobs.values() if j["state"] == "RUN_TIMEOUT")
    result = jobs_cli(
        cli, "jobs", "update", "--state", "RUN_TIMEOUT", "--set-state", "RESTART_READY", "--yes"
    )
    assert result.returncode == 0, result.stderr
    assert f"{timed_out} requested, {timed_out} changed" in result.stdout
    assert not any(j["state"] == "RUN_TIMEOUT" for j in store.jobs.values())


def test_update_needs_a_filter(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(cli, "jobs", "update", "--set-state", "FAILED", "--yes")
    assert result.returncode == 2 and "at least one filter" in result.stderr


def test_update_refused_on_read_only_profile(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(
        cli,
        "jobs",
        "update",
        "--state",
        "FAILED",
        "--set-state",
        "RESTART_READY",
        "--yes",
        profile="jobs-cli-ro",
    )
    assert result.returncode == 1 and "read-only" in result.stderr
    assert "Traceback" not in result.stderr


def test_events_timeline_oldest_first(cli: Any, server: ServerThread) -> None:
    store = server.app.state.balsam.store
    job_id = next(i for i, j in store.jobs.items() if j["state"] == "JOB_FINISHED")
    rows = json.loads(jobs_cli(cli, "jobs", "events", str(job_id), "--json").stdout)
    assert rows[0]["from_state"] == "CREATED" and rows[-1]["to_state"] == "JOB_FINISHED"
    missing = jobs_cli(cli, "jobs", "events", "999999")
    assert missing.returncode == 1 and "Not found" in missing.stderr


def test_bad_tag_is_usage_error_without_traceback(cli: Any, server: ServerThread) -> None:
    result = jobs_cli(cli, "jobs", "list", "--tag", "nocolon")
    assert (
        result.returncode == 2 and "KEY:VALUE" in result.stderr and "Traceback" not in result.stderr
    )
    bad_state = jobs_cli(cli, "jobs", "list", "--state", "DONE")
    assert bad_state.returncode == 2


def test_server_down_is_one_line(cli: Any) -> None:
    settings = ProfileSettings.model_validate(
        {"balsam": {"url": "http://127.0.0.1:9", "username": "x", "password_env": "JOBS_CLI_PW"}}
    )
    if "jobs-cli-down" not in profiles.names():
        profiles.add("jobs-cli-down", settings)
    result = cli("--profile", "jobs-cli-down", "jobs", "count", env=ENV)
    assert result.returncode == 1 and "cannot reach Balsam API" in result.stderr
    assert "Traceback" not in result.stderr
