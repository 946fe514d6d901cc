"""The CLI twins of the Balsam seed API: jobs show/create/update/tag/delete, list windows,
apps, batch jobs and transfers — each against the stand-in, in a subprocess."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console import profiles
from console.profiles import ProfileSettings
from console.sandbox.serve import ServerThread

PASSWORD = "cli-seed-password-123"
ENV = {"JOBS_SEED_PW": PASSWORD}
BALSAM_OPTIONS = {"simulate": False, "jobs": 300}


@pytest.fixture(scope="module")
def server(balsam_server: ServerThread) -> ServerThread:
    """This module's stand-in, with the profiles that name it (one with a wrong password)."""
    for name, password_env in (("jobs-seed", "JOBS_SEED_PW"), ("jobs-seed-bad", "NOPE_PW")):
        balsam = {"url": balsam_server.url, "username": "operator", "password_env": password_env}
        if name not in profiles.names():
            profiles.add(name, ProfileSettings.model_validate({"balsam": balsam}))
    return balsam_server


@pytest.fixture
def store(server: ServerThread) -> Any:
    return server.app.state.balsam.store


@pytest.fixture(scope="module")
def http(server: ServerThread) -> Iterator[httpx.Client]:
    """The stand-in asked directly, to set up jobs without a subprocess per setup."""
    with httpx.Client(base_url=server.url) as anonymous:
        login = {"username": "operator", "password": PASSWORD}
        token = anonymous.post("/auth/password/login", data=login).json()["access_token"]
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


def make_jobs(http: httpx.Client, name: str, n: int) -> list[int]:
    body = [{"workdir": f"{name}/{i}", "app_id": 3, "tags": {"batch": name}} for i in range(n)]
    reply = http.post("/jobs/", json=body)
    assert reply.status_code == 201, reply.text
    return [job["id"] for job in reply.json()]


def run(cli: Any, *args: str, profile: str = "jobs-seed", stdin: str | None = None) -> Any:
    return cli("--profile", profile, *args, env={**ENV, "NOPE_PW": "wrong"}, input=stdin)


def ok_json(cli: Any, *args: str) -> Any:
    result = run(cli, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_create_one_job_by_app_name_with_params_tags_and_parent(cli: Any, store: Any) -> None:
    parent = ok_json(cli, "jobs", "create", "--app", "Analyze", "--workdir", "cli/parent")[0]
    (child,) = ok_json(
        cli, "jobs", "create", "--app", "Analyze", "--workdir", "cli/child",
        "--param", "system=H2O", "--tag", "exp:cli", "--nodes", "2", "--ranks-per-node", "4",
        "--parent", str(parent["id"]),
    )  # fmt: skip
    stored = store.jobs[child["id"]]
    assert (stored["app_id"], stored["parameters"], stored["tags"]) == (
        3,
        {"system": "H2O"},
        {"exp": "cli"},
    )
    assert (stored["num_nodes"], stored["ranks_per_node"]) == (2, 4)
    assert (stored["parent_ids"], stored["state"]) == ([parent["id"]], "AWAITING_PARENTS")


def test_show_prints_a_job_by_id(cli: Any, store: Any) -> None:
    job_id = next(i for i, j in store.jobs.items() if j["app_id"] == 1)
    data = ok_json(cli, "jobs", "show", str(job_id))
    assert (data["id"], data["app"]) == (job_id, "SimulateH2O")
    text = run(cli, "jobs", "show", str(job_id)).stdout
    assert f"id: {job_id}" in text and "app: SimulateH2O" in text
    missing = run(cli, "jobs", "show", "999999")
    assert missing.returncode == 1 and "Not found" in missing.stderr


def test_create_from_json_and_csv(cli: Any, store: Any, tmp_path: Path) -> None:
    listed = tmp_path / "jobs.json"
    listed.write_text(json.dumps([
        {"workdir": f"from-json/{i}", "app": "Analyze", "tags": {"src": "json"}} for i in range(3)
    ]))  # fmt: skip
    assert len(ok_json(cli, "jobs", "create", "--from", str(listed))) == 3
    table = tmp_path / "jobs.csv"
    table.write_text(
        "workdir,app,num_nodes,tag:src,param:system\n"
        "from-csv/0,EigenSolve,2,csv,H2O\nfrom-csv/1,4,1,csv,CH4\n"
    )
    made = ok_json(cli, "jobs", "create", "--from", str(table))
    rows = [store.jobs[m["id"]] for m in made]
    assert [(r["app_id"], r["num_nodes"], r["parameters"]["system"]) for r in rows] == [
        (4, 2, "H2O"),
        (4, 1, "CH4"),
    ]
    assert all(r["tags"] == {"src": "csv"} for r in rows)


def test_a_bad_file_is_named_with_its_line(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("workdir,app,colour\nw/1,Analyze,red\n")
    result = run(cli, "jobs", "create", "--from", str(bad))
    assert result.returncode == 2 and "line 2: unknown column 'colour'" in result.stderr


def test_update_reports_jobs_the_server_keeps(cli: Any, http: httpx.Client) -> None:
    """The issue's own case: READY asked of staged-in jobs, the server keeps them."""
    make_jobs(http, "kept", 8)
    result = run(cli, "jobs", "update", "--tag", "batch:kept", "--set-state", "READY", "--yes")
    assert result.returncode == 0, result.stderr
    assert "8 requested, 0 changed: the server kept them in STAGED_IN" in result.stdout


def test_update_sets_any_field_and_asks_first(cli: Any, store: Any, http: httpx.Client) -> None:
    make_jobs(http, "fields", 3)
    asked = run(cli, "jobs", "update", "--tag", "batch:fields", "--set", "num_nodes=4", stdin="n\n")
    assert asked.returncode == 1 and "Set 3 jobs: num_nodes=4?" in asked.stderr
    done = run(
        cli, "jobs", "update", "--tag", "batch:fields", "--set", "num_nodes=4",
        "--set", "wall_time_min=30", "--yes", "--json",
    )  # fmt: skip
    assert json.loads(done.stdout)[0]["changed"] == 3
    ours = [j for j in store.jobs.values() if j["tags"].get("batch") == "fields"]
    assert {(j["num_nodes"], j["wall_time_min"]) for j in ours} == {(4, 30)}


def test_tag_adds_and_keeps_other_tags(cli: Any, store: Any, http: httpx.Client) -> None:
    make_jobs(http, "tagged", 2)
    result = run(cli, "jobs", "tag", "--tag", "batch:tagged", "--add", "review:yes", "--yes")
    assert result.returncode == 0 and "2 requested, 2 tagged review:yes" in result.stdout
    ours = [j["tags"] for j in store.jobs.values() if j["tags"].get("batch") == "tagged"]
    assert ours == [{"batch": "tagged", "review": "yes"}] * 2


def test_delete_asks_then_deletes_and_needs_a_filter(
    cli: Any, store: Any, http: httpx.Client
) -> None:
    make_jobs(http, "doomed", 4)
    kept = run(cli, "jobs", "delete", "--tag", "batch:doomed", stdin="n\n")
    assert "Delete 4 jobs?" in kept.stderr and kept.returncode == 1
    gone = run(cli, "jobs", "delete", "--tag", "batch:doomed", "--yes")
    assert gone.returncode == 0 and "4 requested, 4 deleted" in gone.stdout
    assert not any(j["tags"].get("batch") == "doomed" for j in store.jobs.values())
    unfiltered = run(cli, "jobs", "delete", "--yes")
    assert unfiltered.returncode == 2 and "at least one filter" in unfiltered.stderr


def test_list_by_time_window_and_offset(cli: Any, store: Any) -> None:
    ordered = ok_json(cli, "jobs", "list", "--order", "id", "--limit", "10")
    window = ok_json(cli, "jobs", "list", "--order", "id", "--limit", "3", "--offset", "4")
    assert [j["id"] for j in window] == [j["id"] for j in ordered[4:7]]
    stamps = sorted(j["last_update"] for j in store.jobs.values())
    since, until = stamps[10], stamps[40]
    found = ok_json(cli, "jobs", "list", "--since", since, "--until", until, "--limit", "1000")
    assert found and all(since < j["last_update"] < until for j in found)


def test_apps_list_by_site(cli: Any) -> None:
    rows = ok_json(cli, "apps", "list", "--site", "polaris")
    assert {(r["name"], r["site"]) for r in rows} == {
        ("EigenSolve", "polaris"),
        ("TrainSurrogate", "polaris"),
    }


def test_batch_jobs_submit_list_and_cancel(cli: Any, store: Any) -> None:
    (made,) = ok_json(
        cli, "batch-jobs", "submit", "--site", "theta-gpu", "--queue", "debug",
        "--project", "chem", "--nodes", "8", "--wall-time", "30", "--job-mode", "serial",
        "--tag", "exp:A",
    )  # fmt: skip
    assert (made["state"], made["job_mode"], made["filter_tags"]) == (
        "pending_submission",
        "serial",
        {"exp": "A"},
    )
    listed = ok_json(cli, "batch-jobs", "list", "--state", "pending_submission")
    assert made["id"] in {b["id"] for b in listed}
    (cancelled,) = ok_json(cli, "batch-jobs", "cancel", str(made["id"]), "--yes")
    assert cancelled["ok"] and store.batch_jobs[made["id"]]["state"] == "pending_deletion"
    refused = run(
        cli, "batch-jobs", "submit", "--site", "1", "--queue", "huge", "--project", "chem",
        "--nodes", "1", "--wall-time", "5",
    )  # fmt: skip
    assert refused.returncode == 2 and "has queues" in refused.stderr


def test_transfers_list_of_a_job(cli: Any, store: Any) -> None:
    job_id = next(j for j, items in store.transfers_by_job.items() if items)
    rows = ok_json(cli, "transfers", "list", "--job", str(job_id))
    assert rows and {r["job_id"] for r in rows} == {job_id}


def test_a_failed_login_is_one_line_and_one_request(cli: Any, server: ServerThread) -> None:
    posts = server.app.state.balsam.faults.seen["POST"]
    result = run(cli, "jobs", "count", profile="jobs-seed-bad")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "error: log in: the Balsam server refused the password of 'operator'"
    )
    assert server.app.state.balsam.faults.seen["POST"] - posts == 1  # one login, not fourteen
