"""Balsam writes that never widen to every job and report what a read afterwards shows."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from console.backends.balsam import BalsamClient, Job
from console.errors import BadQuery
from console.profiles import audit
from console.sandbox.serve import ServerThread

PASSWORD = "writes-test-password"


@pytest.fixture
def server(balsam_server: ServerThread) -> ServerThread:
    return balsam_server


@pytest.fixture
def store(server: ServerThread) -> Any:
    return server.app.state.balsam.store


@pytest.fixture
def client(balsam_client: BalsamClient) -> BalsamClient:
    return balsam_client


async def batch(client: BalsamClient, name: str, n: int) -> list[Job]:
    specs = [{"workdir": f"{name}/{i}", "app_id": 3, "tags": {"batch": name}} for i in range(n)]
    return await client.jobs.bulk_create(specs)


@pytest.mark.parametrize(
    "write",
    [
        lambda c: c.jobs.filter(tags={}).update(state="FAILED"),
        lambda c: c.jobs.filter(tags={}).delete(),
        lambda c: c.jobs.all().update(num_nodes=2),
        lambda c: c.jobs.add_tags(c.jobs.filter(tags={}), {"review": "yes"}),
        lambda c: c.request("PUT", "/jobs/", json={"state": "FAILED"}, operation="update jobs"),
        lambda c: c.request("DELETE", "/jobs/", params=[], operation="delete jobs"),
    ],
    ids=[
        "empty-tags-update",
        "empty-tags-delete",
        "all-update",
        "all-retry",
        "bare-put",
        "bare-del",
    ],
)
async def test_no_write_leaves_without_a_filter(
    client: BalsamClient, store: Any, write: Any
) -> None:
    version, sent = store.version, client.requests_sent
    with pytest.raises(BadQuery, match="every"):
        await write(client)
    assert store.version == version and client.requests_sent == sent


async def test_a_filter_the_route_ignores_is_refused_before_anything_is_sent(
    client: BalsamClient,
) -> None:
    sent = client.requests_sent
    with pytest.raises(BadQuery, match=r"batch_job_id.*every job"):
        client.jobs.filter(batch_job_id=2)
    assert client.requests_sent == sent


async def test_jobs_the_server_keeps_are_reported_as_kept(client: BalsamClient, store: Any) -> None:
    """READY on staged-in jobs: the server answers 8 and rewrites them back to STAGED_IN."""
    await batch(client, "kept", 8)
    report = await client.jobs.filter(tags={"batch": "kept"}).update(state="READY")
    assert (report.requested, report.changed, report.answered) == (8, 0, 8)
    assert report.describe() == "8 requested, 0 changed: the server kept them in STAGED_IN"


async def test_a_state_change_leaves_out_jobs_already_there_on_every_path(
    client: BalsamClient, store: Any
) -> None:
    jobs = await batch(client, "paths", 6)
    ids = [j.id for j in jobs]
    await client.jobs.update_ids(ids[:2], {"state": "FAILED"})
    events = len(store.events)
    by_query = await client.jobs.filter(tags={"batch": "paths"}).update(state="FAILED")
    assert (by_query.requested, by_query.changed, by_query.skipped) == (4, 4, 2)
    sliced = (
        await client.jobs.filter(tags={"batch": "paths"}).order_by("id")[0:3].update(state="FAILED")
    )
    assert (sliced.requested, sliced.skipped) == (0, 3)
    items = [{"id": i, "state": "FAILED", "num_nodes": 2} for i in ids]
    patched = await client.jobs.bulk_update(items)
    assert (patched.requested, patched.changed) == (6, 6)  # num_nodes moves; state is left out
    assert len(store.events) - events == 4  # one per job that really moved, none for the rest
    assert {store.jobs[i]["state"] for i in ids} == {"FAILED"}


async def test_state_ne_with_other_filters_reads_and_writes(client: BalsamClient) -> None:
    jobs = await batch(client, "not-failed", 5)
    await client.jobs.update_ids([jobs[0].id], {"state": "FAILED"})
    query = client.jobs.filter(state__ne="FAILED", tags={"batch": "not-failed"})
    assert await query.count() == 4
    report = await query.update(state="RESTART_READY")
    assert report.changed == 4


async def test_a_write_after_a_delete_is_not_lost(client: BalsamClient, store: Any) -> None:
    jobs = await batch(client, "after-delete", 3)
    await client.jobs.delete_ids([jobs[0].id])
    report = await client.jobs.update_ids([j.id for j in jobs[1:]], {"num_nodes": 4})
    assert report.changed == 2 and all(store.jobs[j.id]["num_nodes"] == 4 for j in jobs[1:])
    await jobs[1].delete()
    saved = await client.jobs.update_ids([jobs[2].id], {"num_nodes": 6})
    assert saved.changed == 1


async def test_a_put_sent_straight_after_a_delete_is_not_lost(
    client: BalsamClient, store: Any
) -> None:
    """The server cuts the kept-alive connection after a DELETE's 204: the DELETE closes it."""
    first, second = await batch(client, "put-after-delete", 2)
    await client.request("DELETE", f"/jobs/{first.id}", operation="delete job")
    changed = await client.request(
        "PUT", f"/jobs/{second.id}", json={"num_nodes": 7}, operation="update job"
    )
    assert changed == 1 and store.jobs[second.id]["num_nodes"] == 7


async def test_one_login_serves_every_request_refused_at_once(
    client: BalsamClient, server: ServerThread
) -> None:
    auth = server.app.state.balsam.auth
    auth.expire_all()
    logins = auth.logins
    counts = await asyncio.gather(*(client.jobs.filter(state=s).count() for s in ("FAILED",) * 14))
    assert len(set(counts)) == 1
    assert auth.logins == logins + 1


async def test_every_write_is_audited_with_its_outcome(server: ServerThread) -> None:
    async with BalsamClient(
        server.url, username="operator", password=PASSWORD, profile="balsam-audit"
    ) as client:
        jobs = await batch(client, "audited", 2)
        await client.jobs.update_ids([j.id for j in jobs], {"num_nodes": 3})
        with pytest.raises(BadQuery):
            await client.jobs.update_ids([j.id for j in jobs], {"state": "NOPE"})
    entries = audit.read("balsam-audit")
    assert [(e.action, e.count, e.outcome) for e in entries] == [
        ("balsam.create-jobs", 2, "ok"),
        ("balsam.update-jobs", 2, "ok"),
    ]
    assert PASSWORD not in audit.audit_file("balsam-audit").read_text()


async def test_a_read_only_refusal_is_audited(server: ServerThread) -> None:
    async with BalsamClient(
        server.url, username="operator", password=PASSWORD, profile="balsam-ro", read_only=True
    ) as client:
        with pytest.raises(Exception, match="read-only"):
            await client.jobs.filter(state="FAILED").update(state="RESTART_READY")
    (entry,) = audit.read("balsam-ro")
    assert entry.outcome == "refused: read-only"
