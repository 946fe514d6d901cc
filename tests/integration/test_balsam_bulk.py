"""Bulk create, update and delete against the Balsam stand-in, and read-only refusal."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from console.backends.balsam import BalsamClient
from console.errors import BadQuery, ReadOnlyRefused
from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread

PASSWORD = "bulk-test-password"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 300})
    with ServerThread(app) as running:
        yield running


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalsamClient]:
    async with BalsamClient(server.url, username="operator", password=PASSWORD) as c:
        yield c


def specs(batch: str, n: int, app_id: int = 2) -> list[dict[str, Any]]:
    return [
        {"workdir": f"{batch}/{i}", "app_id": app_id, "tags": {"batch": batch}} for i in range(n)
    ]


def store_of(server: ServerThread) -> Any:
    return server.app.state.balsam.store


async def test_bulk_create_is_chunked_by_5000(client: BalsamClient) -> None:
    sent = client.requests_sent
    created = await client.jobs.bulk_create(specs("big", 5_001))
    assert len(created) == 5_001 and len({j.id for j in created}) == 5_001
    assert client.requests_sent - sent == 3  # login + two POSTs
    assert await client.jobs.filter(tags={"batch": "big"}).count() == 5_001
    assert {j.state for j in created} == {"STAGED_IN"}


async def test_update_reads_the_jobs_sends_them_by_id_and_reads_them_again(
    client: BalsamClient,
) -> None:
    await client.jobs.bulk_create(specs("one-put", 40))
    query = client.jobs.filter(tags={"batch": "one-put"})
    await client.login()
    sent = client.requests_sent
    report = await query.update(state="RESTART_READY")
    assert (report.matched, report.changed, report.skipped) == (40, 40, 0)
    assert client.requests_sent - sent == 3  # read the jobs, one PATCH by id, read them again
    assert await query.filter(state="RESTART_READY").count() == 40


async def test_update_leaves_out_jobs_already_in_target_state(
    client: BalsamClient, server: ServerThread
) -> None:
    created = await client.jobs.bulk_create(specs("half", 10))
    await client.jobs.filter(id=[j.id for j in created[:4]]).update(state="RUNNING")
    events_before = len(store_of(server).events)
    report = await client.jobs.filter(tags={"batch": "half"}).update(state="RUNNING")
    assert (report.matched, report.changed, report.skipped) == (10, 6, 4)
    assert len(store_of(server).events) - events_before == 6


async def test_large_update_goes_by_id_in_bulk_patches(client: BalsamClient) -> None:
    await client.jobs.bulk_create(specs("wide", 5_200))
    report = await client.jobs.filter(tags={"batch": "wide"}).update(state="PREPROCESSED")
    assert report.changed == 5_200
    assert await client.jobs.filter(tags={"batch": "wide"}, state="PREPROCESSED").count() == 5_200


async def test_bulk_update_groups_items_by_their_keys(client: BalsamClient) -> None:
    created = await client.jobs.bulk_create(specs("mixed", 4))
    items = [
        {"id": created[0].id, "state": "FAILED"},
        {"id": created[1].id, "state": "FAILED"},
        {"id": created[2].id, "tags": {"batch": "mixed", "note": "x"}},
        {"id": created[3].id, "num_nodes": 8, "state": "RUNNING"},
    ]
    report = await client.jobs.bulk_update(items)
    assert (report.requested, report.changed, report.answered) == (4, 4, 4)
    jobs = {j.id: j for j in await client.jobs.filter(tags={"batch": "mixed"}).all()}
    assert jobs[created[0].id].state == "FAILED"
    assert jobs[created[2].id].tags["note"] == "x"
    assert jobs[created[3].id].num_nodes == 8


async def test_bulk_update_refuses_duplicate_ids(client: BalsamClient) -> None:
    with pytest.raises(BadQuery, match="distinct"):
        await client.jobs.bulk_update([{"id": 1, "state": "FAILED"}, {"id": 1, "state": "RUNNING"}])


async def test_retry_moves_failed_jobs_to_restart_ready(client: BalsamClient) -> None:
    created = await client.jobs.bulk_create(specs("retry", 6))
    await client.jobs.filter(id=[j.id for j in created[:3]]).update(state="FAILED")
    report = await client.jobs.retry(client.jobs.filter(tags={"batch": "retry"}))
    assert report.changed == 3
    states = sorted(j.state for j in await client.jobs.filter(tags={"batch": "retry"}).all())
    assert states == ["RESTART_READY"] * 3 + ["STAGED_IN"] * 3


async def test_add_tags_merges_with_existing(client: BalsamClient) -> None:
    await client.jobs.bulk_create(specs("tagme", 3))
    report = await client.jobs.add_tags(
        client.jobs.filter(tags={"batch": "tagme"}), {"review": "yes"}
    )
    assert report.changed == 3
    jobs = await client.jobs.filter(tags={"batch": "tagme", "review": "yes"}).all()
    assert len(jobs) == 3 and all(j.tags["batch"] == "tagme" for j in jobs)


async def test_delete_by_filter_keeps_leased_jobs(
    client: BalsamClient, server: ServerThread
) -> None:
    created = await client.jobs.bulk_create(specs("gone", 5))
    store_of(server).jobs[created[0].id]["session_id"] = 1  # a launcher holds this one
    report = await client.jobs.filter(tags={"batch": "gone"}).delete()
    assert (report.matched, report.changed, report.kept) == (5, 4, {"": 1})
    said = report.describe("deleted")
    assert said == "5 requested, 4 deleted; 1 still there (held by a launcher)"
    assert [j.id for j in await client.jobs.filter(tags={"batch": "gone"}).all()] == [created[0].id]


async def test_update_and_delete_without_filter_are_refused(client: BalsamClient) -> None:
    with pytest.raises(BadQuery, match="every job"):
        await client.jobs.all().update(state="FAILED")
    with pytest.raises(BadQuery, match="every job"):
        await client.jobs.all().delete()


async def test_unknown_state_refused_before_sending(client: BalsamClient) -> None:
    sent = client.requests_sent
    with pytest.raises(BadQuery, match="not a job state"):
        await client.jobs.filter(state="FAILED").update(state="DONE")
    assert client.requests_sent == sent


async def test_read_only_profile_sends_no_write(server: ServerThread) -> None:
    store = store_of(server)
    async with BalsamClient(
        server.url, username="operator", password=PASSWORD, read_only=True, profile="prod"
    ) as ro:
        version, sent = store.version, ro.requests_sent
        with pytest.raises(ReadOnlyRefused, match="read-only"):
            await ro.jobs.filter(state="FAILED").update(state="RESTART_READY")
        with pytest.raises(ReadOnlyRefused):
            await ro.jobs.bulk_create(specs("ro", 1))
        with pytest.raises(ReadOnlyRefused):
            await ro.jobs.filter(state="FAILED").delete()
        assert store.version == version
        assert ro.requests_sent == sent  # refused before anything was sent, login included
        assert await ro.jobs.filter(state="FAILED").count() >= 0
