"""The Balsam stand-in's wire format, asked with plain httpx (no console client involved)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread

PASSWORD = "wire-test-password"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 200})
    with ServerThread(app) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as anonymous:
        token = anonymous.post(
            "/auth/password/login", data={"username": "operator", "password": PASSWORD}
        ).json()["access_token"]
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


def test_login_is_form_encoded_and_json_is_refused(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url) as c:
        good = c.post("/auth/password/login", data={"username": "operator", "password": PASSWORD})
        as_json = c.post(
            "/auth/password/login", json={"username": "operator", "password": PASSWORD}
        )
    assert good.json()["token_type"] == "bearer" and good.json()["access_token"].count(".") == 2
    assert as_json.status_code == 401 and as_json.json() == {"detail": "Unauthorized"}


def test_the_401_bodies(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url) as c:
        missing = c.get("/jobs/")
        bad = c.get("/jobs/", headers={"Authorization": "Bearer a.b.c"})
    assert missing.status_code == 401 and missing.json() == {"detail": "Not authenticated"}
    assert bad.json() == {"detail": "Could not validate credentials"}
    assert bad.headers["www-authenticate"] == "Bearer"


def test_register_is_open_and_names_are_unique(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url) as c:
        first = c.post("/auth/password/register", json={"username": "alice", "password": "pw-1234"})
        again = c.post("/auth/password/register", json={"username": "alice", "password": "x"})
    assert first.status_code == 201 and first.json()["username"] == "alice"
    assert again.status_code == 400 and again.json() == {"detail": "Username already taken"}


def test_slashless_collection_redirects(http: httpx.Client) -> None:
    reply = http.get("/jobs?limit=1")
    assert reply.status_code == 307
    assert reply.headers["location"].endswith("/jobs/?limit=1")


def test_envelope_count_ignores_limit_and_zero_limit_is_count_only(http: httpx.Client) -> None:
    page = http.get("/jobs/", params={"limit": 3, "offset": 5}).json()
    count_only = http.get("/jobs/", params={"limit": 0}).json()
    assert page["count"] == 200 and len(page["results"]) == 3
    assert count_only == {"count": 200, "results": []}


def test_repeated_keys_and_tag_containment(http: httpx.Client) -> None:
    params = [("state", "FAILED"), ("state", "RUNNING"), ("tags", "exp:A"), ("tags", "system:H2O")]
    rows = http.get("/jobs/", params=params).json()["results"]
    assert rows and all(r["state"] in ("FAILED", "RUNNING") for r in rows)
    assert all(r["tags"]["exp"] == "A" and r["tags"]["system"] == "H2O" for r in rows)
    dropped = http.get("/jobs/", params=[("tags", "nocolon")]).json()["count"]
    assert dropped == 200  # a tag without ':' filters nothing, as on the real server


def test_secondary_order_by_id_keeps_pages_stable(http: httpx.Client) -> None:
    rows = http.get("/jobs/", params={"ordering": "state"}).json()["results"]
    keys = [(r["state"], r["id"]) for r in rows]
    assert keys == sorted(keys)


def test_validation_errors_are_fastapi_422(http: httpx.Client) -> None:
    enum = http.get("/jobs/", params={"state": "DONE"})
    limit = http.get("/jobs/", params={"limit": 100_001})
    assert enum.status_code == 422
    assert enum.json()["detail"][0]["loc"] == ["query", "state", 0]
    assert enum.json()["detail"][0]["type"] == "type_error.enum"
    assert limit.status_code == 422 and limit.json()["detail"][0]["loc"] == ["query", "limit"]


def test_error_shapes(http: httpx.Client) -> None:
    assert http.get("/jobs/999999").json() == {"error": "Not found"}
    assert http.delete("/jobs/999999").status_code == 404
    put = http.put("/jobs/999999", json={"state": "FAILED"})
    assert put.status_code == 400 and put.json() == {"detail": "Could not find some Job IDs"}
    site = http.get("/sites/").json()["results"][0]
    dup = http.post("/sites/", json={"name": site["name"], "path": "/x"})
    assert dup.json() == {"detail": "A site with this name already exists"}


def test_updates_answer_bare_integers(http: httpx.Client) -> None:
    ids = [
        r["id"]
        for r in http.get("/jobs/", params={"limit": 2, "state": "STAGED_IN"}).json()["results"]
    ]
    assert http.put(f"/jobs/{ids[0]}", json={"num_nodes": 2}).json() == 1
    patched = http.patch("/jobs/", json=[{"id": i, "num_nodes": 3} for i in ids])
    assert patched.json() == 2
    mixed = http.patch(
        "/jobs/", json=[{"id": ids[0], "num_nodes": 3}, {"id": ids[1], "state": "FAILED"}]
    )
    assert mixed.status_code == 500  # like the real server when items differ in keys
    dup = http.patch(
        "/jobs/", json=[{"id": ids[0], "num_nodes": 1}, {"id": ids[0], "num_nodes": 1}]
    )
    assert dup.status_code == 400


def test_filtered_put_over_5000_is_refused(http: httpx.Client) -> None:
    app_id = http.get("/apps/").json()["results"][0]["id"]
    body = [{"workdir": f"many/{i}", "app_id": app_id, "tags": {"many": "y"}} for i in range(5001)]
    assert http.post("/jobs/", json=body[:5000]).status_code == 201
    assert http.post("/jobs/", json=body[5000:]).status_code == 201
    too_many = http.put("/jobs/", params={"tags": "many:y"}, json={"state": "FAILED"})
    assert too_many.status_code == 400
    assert http.delete("/jobs/", params={"tags": "many:y"}).status_code == 204
    assert http.get("/jobs/", params={"tags": "many:y", "limit": 0}).json()["count"] == 0


def events_of(http: httpx.Client, job_id: int, **extra: Any) -> list[dict[str, Any]]:
    return http.get("/events/", params={"job_id": job_id, **extra}).json()["results"]


def test_create_with_unfinished_parent_waits_then_is_released(http: httpx.Client) -> None:
    app_id = http.get("/apps/", params={"name": "Analyze"}).json()["results"][0]["id"]
    parent = http.post("/jobs/", json=[{"workdir": "p/1", "app_id": app_id}]).json()[0]
    child = http.post(
        "/jobs/", json=[{"workdir": "p/2", "app_id": app_id, "parent_ids": [parent["id"]]}]
    ).json()[0]
    assert "+" not in parent["last_update"]  # the create reply is naive, as verified upstream
    assert child["state"] == "AWAITING_PARENTS"
    http.put(f"/jobs/{parent['id']}", json={"state": "RUN_DONE"})
    http.put(f"/jobs/{parent['id']}", json={"state": "POSTPROCESSED"})
    assert http.get(f"/jobs/{parent['id']}").json()["state"] == "JOB_FINISHED"
    assert http.get(f"/jobs/{child['id']}").json()["state"] == "STAGED_IN"
    moves = [
        (e["from_state"], e["to_state"]) for e in events_of(http, child["id"], ordering="timestamp")
    ]
    assert moves == [
        ("CREATED", "AWAITING_PARENTS"),
        ("AWAITING_PARENTS", "READY"),
        ("READY", "STAGED_IN"),
    ]


def test_events_default_to_newest_first(http: httpx.Client) -> None:
    rows = http.get("/events/", params={"limit": 50}).json()["results"]
    stamps = [r["timestamp"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)


def test_simulator_moves_jobs_and_logs_events() -> None:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 300})
    state = app.state.balsam
    import random

    from console.sandbox.balsam.simulator import Simulator

    simulator = Simulator(state.store, random.Random(1))
    before = {i: r["state"] for i, r in state.store.jobs.items()}
    events = len(state.store.events)
    for _ in range(5):
        simulator.tick()
    moved = [i for i, s in before.items() if state.store.jobs[i]["state"] != s]
    assert moved and len(state.store.events) > events
    for job_id in moved[:20]:
        last = state.store.events[state.store.events_by_job[job_id][-1]]
        assert last["to_state"] == state.store.jobs[job_id]["state"]
