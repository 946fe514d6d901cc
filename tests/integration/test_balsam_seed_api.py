"""The Balsam Python API of the seed document, whole, against the stand-in.

Job objects that save, refresh and delete themselves; ``create`` with an app
name; ``len``/``bool``; every filter the seed shows; offsets in slices; batch
jobs submitted and cancelled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from console.backends.balsam import BalsamClient, Job
from console.errors import BadQuery, Conflict, NotFound
from console.sandbox.serve import ServerThread

PASSWORD = "seed-api-password"
BALSAM_OPTIONS = {"simulate": False, "jobs": 150}


@pytest.fixture
def server(balsam_server: ServerThread) -> ServerThread:
    return balsam_server


@pytest.fixture
def client(balsam_client: BalsamClient) -> BalsamClient:
    return balsam_client


async def test_a_job_made_in_memory_has_no_id_until_saved(client: BalsamClient) -> None:
    job = client.jobs.new(workdir="seed/new", app_id=3, parameters={"system": "H2O"}, num_nodes=2)
    assert job.id is None
    await job.save()
    assert job.id is not None and job.state == "STAGED_IN"
    again = await client.jobs.retrieve(job.id)
    assert (again.parameters, again.num_nodes) == ({"system": "H2O"}, 2)


async def test_save_sends_changed_fields_and_refresh_reads_them_back(
    client: BalsamClient, server: ServerThread
) -> None:
    job = await client.jobs.create(workdir="seed/save", app_id="Analyze")
    job.state = "RESTART_READY"
    job.num_nodes = 4
    await job.save()
    stored = server.app.state.balsam.store.jobs[job.id]
    assert (stored["state"], stored["num_nodes"]) == ("RESTART_READY", 4)
    stored["num_nodes"] = 8
    await job.refresh_from_db()
    assert job.num_nodes == 8


async def test_delete_forgets_the_id(client: BalsamClient) -> None:
    job = await client.jobs.create(workdir="seed/delete", app_id=3)
    job_id = job.id
    await job.delete()
    assert job.id is None
    with pytest.raises(NotFound):
        await client.jobs.retrieve(job_id)  # type: ignore[arg-type]


async def test_a_job_not_bound_to_a_client_says_how_to_save_it() -> None:
    with pytest.raises(BadQuery, match=r"client\.jobs\.save"):
        await Job(workdir="loose/1", app_id=3).save()


async def test_create_by_app_name_is_one_item_list_and_keeps_parameters(
    client: BalsamClient, server: ServerThread
) -> None:
    seen = server.app.state.balsam.faults.seen["POST"]
    job = await client.jobs.create(
        workdir="seed/named", app_id="SimulateH2O", parameters={"system": "CH4"}, tags={"a": "b"}
    )
    assert server.app.state.balsam.faults.seen["POST"] - seen == 1  # one create, one item
    assert (job.app_id, job.parameters, job.tags) == (1, {"system": "CH4"}, {"a": "b"})


async def test_create_refuses_unknown_fields_and_bad_values(client: BalsamClient) -> None:
    with pytest.raises(BadQuery, match="no job field 'params'"):
        await client.jobs.create(workdir="seed/bad", app_id=3, params={"x": "1"})
    with pytest.raises(BadQuery, match="relative path"):
        await client.jobs.create(workdir="/abs/path", app_id=3)
    with pytest.raises(NotFound, match="no app named"):
        await client.jobs.create(workdir="seed/bad2", app_id="NoSuchApp")


async def test_bulk_create_gives_in_memory_jobs_their_ids(client: BalsamClient) -> None:
    jobs = [Job(workdir=f"seed/bulk/{i}", app_id=3, tags={"bulk": "seed"}) for i in range(3)]
    await client.jobs.bulk_create(jobs)
    assert all(j.id is not None for j in jobs)


async def test_bulk_update_takes_jobs_changed_in_memory(client: BalsamClient) -> None:
    created = await client.jobs.bulk_create(
        [{"workdir": f"seed/bu/{i}", "app_id": 3, "tags": {"bu": "x"}} for i in range(3)]
    )
    for n, job in enumerate(created):
        job.num_nodes = n + 2
    report = await client.jobs.bulk_update(created)
    assert report.changed == 3
    assert sorted(j.num_nodes for j in await client.jobs.filter(tags={"bu": "x"}).all()) == [
        2,
        3,
        4,
    ]


async def test_len_and_bool_need_an_evaluated_query(client: BalsamClient) -> None:
    query = client.jobs.filter(state="FAILED")
    with pytest.raises(BadQuery, match="evaluate the query first"):
        len(query)
    await query
    assert len(query) == await client.jobs.filter(state="FAILED").count() and bool(query)
    empty = await client.jobs.filter(tags={"nothing": "here"})
    assert not empty and len(empty) == 0


async def test_every_filter_the_seed_shows(client: BalsamClient) -> None:
    parent = await client.jobs.create(workdir="seed/filters/parent", app_id=3)
    child = await client.jobs.create(
        workdir="seed/filters/child", app_id=3, parent_ids=[parent.id], tags={"f": "1"}
    )
    hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    recent = await client.jobs.filter(last_update_after=hour_ago, workdir__contains="filters").all()
    assert {j.id for j in recent} == {parent.id, child.id}
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert (
        await client.jobs.filter(last_update_before=future, workdir__contains="filters").count()
        == 2
    )
    assert [j.id for j in await client.jobs.filter(parent_id=[parent.id]).all()] == [child.id]
    both = client.jobs.filter(tags={"f": "1"}, state__ne="JOB_FINISHED")
    assert [j.id for j in await both.all()] == [child.id]
    sites = await client.sites.filter(last_refresh_after=hour_ago - dt.timedelta(days=400)).all()
    assert len(sites) == 2


async def test_slices_carry_offsets(client: BalsamClient) -> None:
    ordered = client.jobs.order_by("id")
    everything = [j.id for j in await ordered[0:20].all()]
    assert [j.id for j in await ordered[5:10].all()] == everything[5:10]
    assert [j.id for j in await ordered[15:][0:3].all()] == everything[15:18]
    assert (await ordered[7]).id == everything[7]


async def test_get_raises_the_seed_errors(client: BalsamClient) -> None:
    await client.jobs.create(workdir="seed/get/1", app_id=3, tags={"get": "one"})
    assert (await client.jobs.get(tags={"get": "one"})).workdir == "seed/get/1"
    with pytest.raises(NotFound):
        await client.jobs.get(tags={"get": "none"})
    with pytest.raises(Conflict):
        await client.jobs.get(state="JOB_FINISHED")


async def test_submit_and_cancel_a_batch_job(client: BalsamClient) -> None:
    batch = await client.batch_jobs.submit(
        site="theta-gpu",
        queue="debug",
        project="chem",
        num_nodes=8,
        wall_time_min=30,
        job_mode="mpi",
        filter_tags={"exp": "A"},
    )
    assert (batch.state, batch.raw["filter_tags"]) == ("pending_submission", {"exp": "A"})
    (result,) = await client.batch_jobs.cancel([batch.id])
    assert (result.ok, result.state) == (True, "pending_deletion")
    (again,) = await client.batch_jobs.cancel([batch.id])
    assert (again.ok, again.message) == (False, "already pending_deletion")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"queue": "huge"}, "has queues debug, default"),
        ({"num_nodes": 100}, "at most 64 nodes"),
        ({"wall_time_min": 500}, "at most 120 minutes"),
        ({"project": "physics"}, "allows projects chem, materials"),
        ({"job_mode": "threads"}, "job mode is one of serial, mpi"),
        ({"site": "nowhere"}, "no site 'nowhere'"),
    ],
)
async def test_a_submission_the_site_does_not_allow_is_refused(
    client: BalsamClient, server: ServerThread, change: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {
        "site": 1,
        "queue": "debug",
        "project": "chem",
        "num_nodes": 8,
        "wall_time_min": 30,
        **change,
    }
    posts = server.app.state.balsam.faults.seen["POST"]
    with pytest.raises((BadQuery, NotFound), match=message):
        await client.batch_jobs.submit(**args)
    assert server.app.state.balsam.faults.seen["POST"] - posts <= 1  # a login at most


async def test_transfers_and_apps_filter_as_the_seed_does(client: BalsamClient) -> None:
    staged = [t for t in await client.transfers.filter(direction="in").all()]
    assert staged
    one = staged[0].job_id
    assert {t.job_id for t in await client.transfers.filter(job_id=[one]).all()} == {one}
    apps = await client.apps.filter(site_id=[2]).all()
    assert {a.name for a in apps} == {"EigenSolve", "TrainSurrogate"}
