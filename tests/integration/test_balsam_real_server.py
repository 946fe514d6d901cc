"""The Balsam stand-in reproduces what the real server (0.7.0a24) does to bulk calls (§8).

Asked with plain httpx, no console client involved: these are the behaviours the
client's own tests then meet, so they must hold here first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread

PASSWORD = "real-server-password"


def login(server: ServerThread) -> httpx.Client:
    with httpx.Client(base_url=server.url) as anonymous:
        reply = anonymous.post(
            "/auth/password/login", data={"username": "operator", "password": PASSWORD}
        )
    token = reply.json()["access_token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})


BALSAM_OPTIONS = {"simulate": False, "jobs": 120}


@pytest.fixture
def server(balsam_server: ServerThread) -> ServerThread:
    return balsam_server


@pytest.fixture(scope="module")
def http(balsam_server: ServerThread) -> Iterator[httpx.Client]:
    with login(balsam_server) as client:
        yield client


@pytest.fixture
def store(server: ServerThread) -> Any:
    return server.app.state.balsam.store


def create(http: httpx.Client, batch: str, n: int, app_id: int = 3) -> list[dict[str, Any]]:
    body = [
        {"workdir": f"{batch}/{i}", "app_id": app_id, "tags": {"batch": batch}} for i in range(n)
    ]
    reply = http.post("/jobs/", json=body)
    assert reply.status_code == 201, reply.text
    return list(reply.json())


def events(http: httpx.Client, job_id: int) -> list[tuple[str, str, str]]:
    rows = http.get("/events/", params={"job_id": job_id, "ordering": "timestamp"}).json()
    return [(e["from_state"], e["to_state"], e["data"].get("message", "")) for e in rows["results"]]


def test_create_takes_a_list_only_and_an_integer_app(http: httpx.Client) -> None:
    one = http.post("/jobs/", json={"workdir": "single/0", "app_id": 3})
    assert one.status_code == 422 and one.json()["detail"][0]["msg"] == "value is not a valid list"
    named = http.post("/jobs/", json=[{"workdir": "named/0", "app_id": "Analyze"}])
    assert named.status_code == 422


def test_create_refusals(http: httpx.Client) -> None:
    twice = http.post(
        "/jobs/", json=[{"workdir": "w/0", "app_id": 3}, {"workdir": "w/0", "app_id": 3}]
    )
    assert twice.json() == {"detail": "Workdirs must be unique for each call to bulk-create Jobs."}
    assert http.post("/jobs/", json=[{"workdir": "w/1", "app_id": 999}]).status_code == 404
    parent = http.post("/jobs/", json=[{"workdir": "w/2", "app_id": 3, "parent_ids": [999999]}])
    assert parent.status_code == 404 and "parents" in parent.json()["detail"]


def test_parameters_are_kept_only_under_their_own_name(http: httpx.Client) -> None:
    kept, lost = http.post(
        "/jobs/",
        json=[
            {"workdir": "params/0", "app_id": 3, "parameters": {"system": "H2O"}},
            {"workdir": "params/1", "app_id": 3, "params": {"system": "H2O"}},
        ],
    ).json()
    assert http.get(f"/jobs/{kept['id']}").json()["parameters"] == {"system": "H2O"}
    assert http.get(f"/jobs/{lost['id']}").json()["parameters"] == {}
    assert http.get(f"/jobs/{lost['id']}").json()["serialized_parameters"] == ""


def test_bulk_patch_refuses_duplicate_and_unknown_ids(http: httpx.Client) -> None:
    job = create(http, "patch-ids", 1)[0]
    dup = http.patch("/jobs/", json=[{"id": job["id"], "num_nodes": 2}] * 2)
    assert dup.status_code == 400
    unknown = http.patch(
        "/jobs/", json=[{"id": job["id"], "num_nodes": 2}, {"id": 999999, "num_nodes": 2}]
    )
    assert unknown.json() == {"detail": "Could not find some Job IDs"}
    assert http.get(f"/jobs/{job['id']}").json()["num_nodes"] == 1


def test_an_undeclared_filter_is_ignored_and_a_write_by_it_reaches_every_job(
    http: httpx.Client,
) -> None:
    total = http.get("/jobs/", params={"limit": 0}).json()["count"]
    by_batch_job = http.get("/jobs/", params={"limit": 0, "batch_job_id": 2}).json()["count"]
    assert by_batch_job == total
    assert http.put("/jobs/", params={"batch_job_id": 2}, json={"wall_time_min": 7}).json() == total
    everything = http.get("/jobs/", params={"limit": total}).json()["results"]
    assert {j["wall_time_min"] for j in everything} == {7}


def test_state_ne_with_tags_answers_500_on_put(http: httpx.Client) -> None:
    create(http, "ne", 3)
    params = {"state__ne": "FAILED", "tags": "batch:ne"}
    assert http.get("/jobs/", params={**params, "limit": 0}).json()["count"] == 3
    assert http.put("/jobs/", params=params, json={"state": "FAILED"}).status_code == 500


@pytest.mark.parametrize("how", ["PATCH", "PUT"])
def test_one_job_already_in_the_state_keeps_the_others_from_moving_yet_events_are_written(
    http: httpx.Client, how: str
) -> None:
    jobs = create(http, f"quirk-{how}", 4)
    ids = [j["id"] for j in jobs]
    assert http.put(f"/jobs/{ids[0]}", json={"state": "RUNNING"}).json() == 1
    if how == "PATCH":
        reply = http.patch("/jobs/", json=[{"id": i, "state": "RUNNING"} for i in ids])
    else:
        reply = http.put("/jobs/", params={"tags": f"batch:quirk-{how}"}, json={"state": "RUNNING"})
    assert reply.status_code == 200 and reply.json() == 4
    states = [http.get(f"/jobs/{i}").json()["state"] for i in ids]
    assert states == ["RUNNING", "STAGED_IN", "STAGED_IN", "STAGED_IN"]
    assert events(http, ids[1])[-1][:2] == ("STAGED_IN", "RUNNING")  # logged, not made
    assert events(http, ids[0])[-1][:2] == ("STAGED_IN", "RUNNING")  # only its own first move


def test_ready_on_a_staged_in_job_is_rewritten_and_logged_as_skipped(http: httpx.Client) -> None:
    jobs = create(http, "rewrite", 3)
    ids = [j["id"] for j in jobs]
    assert http.patch("/jobs/", json=[{"id": i, "state": "READY"} for i in ids]).json() == 3
    assert {http.get(f"/jobs/{i}").json()["state"] for i in ids} == {"STAGED_IN"}
    assert events(http, ids[0])[-1] == ("STAGED_IN", "STAGED_IN", "Skipped stage in")


def test_staged_out_on_a_finished_job_leaves_it_finished(http: httpx.Client) -> None:
    job = create(http, "staged-out", 1)[0]
    http.put(f"/jobs/{job['id']}", json={"state": "JOB_FINISHED"})
    assert http.put(f"/jobs/{job['id']}", json={"state": "STAGED_OUT"}).json() == 1
    assert http.get(f"/jobs/{job['id']}").json()["state"] == "JOB_FINISHED"
    assert events(http, job["id"])[-1][:2] == ("JOB_FINISHED", "JOB_FINISHED")


def test_delete_by_filter_skips_leased_jobs(http: httpx.Client, store: Any) -> None:
    jobs = create(http, "leased", 3)
    store.jobs[jobs[0]["id"]]["session_id"] = 1
    gone = http.delete("/jobs/", params={"tags": "batch:leased"}, headers={"Connection": "close"})
    assert gone.status_code == 204 and not gone.content
    left = http.get("/jobs/", params={"tags": "batch:leased"}).json()["results"]
    assert [j["id"] for j in left] == [jobs[0]["id"]]


def test_a_write_sent_after_a_delete_on_the_same_connection_is_lost(server: ServerThread) -> None:
    with login(server) as http:
        first, second = create(http, "after-delete", 2)
        assert http.delete(f"/jobs/{first['id']}").status_code == 204
        # The cut reaches the client as an EOF or, when the PUT was already on its way, a reset.
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            http.put(f"/jobs/{second['id']}", json={"num_nodes": 9})
        assert http.get(f"/jobs/{second['id']}").json()["num_nodes"] == 1  # never applied


def test_a_delete_that_closes_its_connection_loses_nothing(server: ServerThread) -> None:
    with login(server) as http:
        first, second = create(http, "closed-delete", 2)
        gone = http.delete(f"/jobs/{first['id']}", headers={"Connection": "close"})
        assert gone.status_code == 204
        assert http.put(f"/jobs/{second['id']}", json={"num_nodes": 9}).json() == 1


def test_put_and_delete_without_a_filter_reach_every_job() -> None:
    """A server of its own: this one empties it."""
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 30})
    with ServerThread(app) as running, login(running) as http:
        assert http.put("/jobs/", json={"num_nodes": 5}).json() == 30
        leased = sum(1 for j in app.state.balsam.store.jobs.values() if j["session_id"])
        gone = http.delete("/jobs/", headers={"Connection": "close"})
        assert gone.status_code == 204
        assert http.get("/jobs/", params={"limit": 0}).json()["count"] == leased < 30
