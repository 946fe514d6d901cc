"""The lazy job query against the Balsam stand-in over loopback: chaining, slicing, caching."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from console.backends.balsam import BalsamClient, DoesNotExist, MultipleObjectsReturned
from console.errors import BadQuery
from console.sandbox.balsam import build_app
from console.sandbox.serve import ServerThread

PASSWORD = "query-test-password"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = build_app(password=PASSWORD, options={"simulate": False, "jobs": 600})
    with ServerThread(app) as running:
        yield running


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[BalsamClient]:
    async with BalsamClient(server.url, username="operator", password=PASSWORD) as c:
        await c.login()
        yield c


async def test_chained_filters_send_repeated_keys_and_match_all(client: BalsamClient) -> None:
    query = client.jobs.filter(state=["FAILED", "RUN_ERROR"], tags={"exp": "A"}).filter(
        tags={"system": "H2O"}, site_id=[1]
    )
    params = query.params()
    assert ("state", "FAILED") in params and ("state", "RUN_ERROR") in params
    assert ("tags", "exp:A") in params and ("tags", "system:H2O") in params
    jobs = await query.all()
    assert jobs, "the seed has failed H2O jobs of experiment A"
    assert all(j.state in ("FAILED", "RUN_ERROR") and j.tags["exp"] == "A" for j in jobs)
    assert all(j.tags["system"] == "H2O" and j.app_id in (1, 2, 3) for j in jobs)


async def test_filters_are_lazy_until_evaluated(client: BalsamClient) -> None:
    before = client.requests_sent
    query = client.jobs.filter(state="RUNNING").order_by("-last_update")[:5]
    assert client.requests_sent == before
    assert len(await query.all()) == 5
    assert client.requests_sent == before + 1


async def test_slice_becomes_limit_and_offset(client: BalsamClient) -> None:
    everything = await client.jobs.order_by("id").all()
    page = client.jobs.order_by("id")[10:15]
    assert page.params(limit=5, offset=10)[-2:] == [("limit", "5"), ("offset", "10")]
    assert [j.id for j in await page.all()] == [j.id for j in everything[10:15]]
    nested = client.jobs.order_by("id")[10:30][5:8]
    assert [j.id for j in await nested.all()] == [j.id for j in everything[15:18]]


async def test_ordering_descending_last_update(client: BalsamClient) -> None:
    jobs = await client.jobs.order_by("-last_update")[:50].all()
    stamps = [j.last_update for j in jobs]
    assert stamps == sorted(stamps, reverse=True)


async def test_results_are_cached_once_evaluated(client: BalsamClient) -> None:
    query = client.jobs.filter(state="JOB_FINISHED")
    first = await query.all()
    sent = client.requests_sent
    again = [job async for job in query]
    assert [j.id for j in again] == [j.id for j in first]
    assert await query.count() == len(first)
    assert client.requests_sent == sent


async def test_count_asks_limit_zero_and_matches_rows(client: BalsamClient) -> None:
    query = client.jobs.filter(state="FAILED")
    sent = client.requests_sent
    count = await query.count()
    assert client.requests_sent == sent + 1
    assert query.result_cache is None
    assert count == len(await client.jobs.filter(state="FAILED").all())


async def test_iteration_pages_through_everything(client: BalsamClient) -> None:
    query = client.jobs.all()
    query.page_size = 100
    sent = client.requests_sent
    ids = [job.id async for job in query]
    assert len(ids) == await client.jobs.count() == len(set(ids))
    assert client.requests_sent - sent >= 6


async def test_first_and_index(client: BalsamClient) -> None:
    first = await client.jobs.order_by("id").first()
    third = await client.jobs.order_by("id")[2]
    assert first is not None and third is not None
    assert third.id > first.id
    assert await client.jobs.filter(id=[999_999]).first() is None


async def test_get_one_none_and_many(client: BalsamClient) -> None:
    some = await client.jobs.order_by("id").first()
    assert some is not None
    assert (await client.jobs.get(id=[some.id])).workdir == some.workdir
    with pytest.raises(DoesNotExist):
        await client.jobs.get(id=[999_999])
    with pytest.raises(MultipleObjectsReturned):
        await client.jobs.get(state="JOB_FINISHED")


async def test_unknown_filter_refused_before_any_request(client: BalsamClient) -> None:
    sent = client.requests_sent
    with pytest.raises(BadQuery, match="unknown job filter 'status'"):
        client.jobs.filter(status="FAILED")
    with pytest.raises(BadQuery, match="not a valid state"):
        client.jobs.filter(state="FINISHED")
    with pytest.raises(BadQuery, match="KEY:VALUE"):
        client.jobs.filter(tags="nocolon")
    with pytest.raises(BadQuery):
        client.jobs.order_by("colour")
    assert client.requests_sent == sent


async def test_sliced_query_cannot_be_refined(client: BalsamClient) -> None:
    with pytest.raises(BadQuery, match="sliced"):
        client.jobs.all()[:5].filter(state="FAILED")
    with pytest.raises(BadQuery, match="negative"):
        client.jobs.all()[-1:]


async def test_empty_list_filter_sends_nothing(client: BalsamClient) -> None:
    sent = client.requests_sent
    assert await client.jobs.filter(id=[]).all() == []
    assert await client.jobs.filter(id=[]).count() == 0
    assert client.requests_sent == sent


async def test_long_id_list_is_split_and_merged(client: BalsamClient) -> None:
    ids = [j.id for j in await client.jobs.order_by("id").all()]
    query = client.jobs.filter(id=[*ids[:550], 999_998]).order_by("-id")
    sent = client.requests_sent
    jobs = await query.all()
    assert client.requests_sent - sent == 2
    assert [j.id for j in jobs] == sorted(ids[:550], reverse=True)


async def test_other_collections(client: BalsamClient) -> None:
    sites = await client.sites.all().all()
    apps = await client.apps.filter(site_id=[sites[0].id]).all()
    assert {a.site_id for a in apps} == {sites[0].id}
    running = await client.batch_jobs.filter(state=["running"]).all()
    assert running and all(b.state == "running" for b in running)
    transfers = await client.transfers.filter(direction="in")[:3].all()
    assert transfers and all(t.direction == "in" for t in transfers)
