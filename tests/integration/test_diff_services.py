"""Devices and jobs summaries compared across two profiles' stand-ins whose data differ."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console import profiles
from console.backends.balsam import JOB_STATES
from console.clients import Clients
from console.diff import DIFFER, ONLY_A, ONLY_B, SAME, Comparison, DiffJob, DiffRequest
from console.diff.devices import COLUMNS, MATCHED_BY
from console.errors import BadQuery, ConsoleError
from tests.diff_env import Pair, Services, balena_pair, balsam_pair, profile_pair


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """``diffsvc-staging`` and ``diffsvc-prod``: a balena and a Balsam stand-in each."""
    with balena_pair() as (balena_a, balena_b), balsam_pair() as (balsam_a, balsam_b), \
            profile_pair("diffsvc", Services(balena_url=balena_a.url, balsam_url=balsam_a.url),
                         Services(balena_url=balena_b.url, balsam_url=balsam_b.url)) as found:
        yield found


async def compare(pair: Pair, request: DiffRequest, **options: int) -> Comparison:
    a, b = Clients(profiles.load(pair.a)), Clients(profiles.load(pair.b))
    try:
        return await DiffJob(request, a, b, **options).run()
    finally:
        await a.aclose()
        await b.aclose()


def cells(found: Comparison, state: str) -> dict[str, set[str]]:
    """Device name → the columns that differ, for the rows in ``state``."""
    return {row.key[0]: {found.columns[i] for i in row.differing}
            for row in found.rows if row.state == state}


async def test_devices_pair_by_name_and_mark_what_differs(pair: Pair) -> None:
    found = await compare(pair, DiffRequest.devices("fleet=acme/gateways"))
    assert found.matched_by == MATCHED_BY
    assert (found.only_a, found.only_b, found.differ, found.same) == (1, 1, 3, 11)
    assert set(cells(found, ONLY_A)) == {"gw-004"}
    assert set(cells(found, ONLY_B)) == {"gw-900"}
    changed = cells(found, DIFFER)
    assert changed["gw-001"] == {"os"}
    assert "online" in changed["gw-002"]
    assert changed["gw-003"] == {"variables"}


async def test_device_uuids_are_shown_but_never_compared(pair: Pair) -> None:
    """Every uuid differs between the two fleets, yet the equal devices count as equal."""
    found = await compare(pair, DiffRequest.devices("gw-01"))
    assert found.equal and found.same == 5
    assert COLUMNS.index("uuid") in found.ignored


async def test_differing_variables_are_in_the_cell(pair: Pair) -> None:
    found = await compare(pair, DiffRequest.devices("gw-003"))
    row = found.rows[0]
    index = found.columns.index("variables")
    assert row.a is not None and row.b is not None
    assert "FEATURE_X=on" in row.b[index] and "FEATURE_X" not in row.a[index]


async def test_a_bad_filter_is_refused_before_anything_is_sent(pair: Pair) -> None:
    with pytest.raises(BadQuery, match="colour"):
        await compare(pair, DiffRequest.devices("colour=red"))


async def test_rows_beyond_the_limit_are_counted(pair: Pair) -> None:
    found = await compare(pair, DiffRequest.devices(), limit=2)
    assert len(found.rows) == 2 and found.more == found.only_a + found.only_b + found.differ - 2


async def test_jobs_summary_counts_each_state_with_its_change(pair: Pair) -> None:
    found = await compare(pair, DiffRequest.jobs_summary())
    overall = [row for row in found.rows if row.key[0] == "all"]
    assert [row.key[1] for row in overall] == list(JOB_STATES)  # every state, in order
    assert sum(row.a[2] for row in overall if row.a) == 400
    assert sum(row.b[2] for row in overall if row.b) == 380
    assert found.differ > 0 and not found.equal
    json_rows = [r for r in found.to_json()["rows"] if r["state"] == DIFFER]
    assert all(r["delta"]["jobs"] == r["b"]["jobs"] - r["a"]["jobs"] for r in json_rows)


async def test_jobs_summary_groups_by_site_and_app(pair: Pair) -> None:
    found = await compare(pair, DiffRequest.jobs_summary())
    groups = list(dict.fromkeys(row.key[0] for row in found.rows))
    assert groups[:3] == ["all", "@theta-gpu", "@polaris"]
    assert "SimulateH2O" in groups  # app names alone, as none repeats
    assert all(row.state in (SAME, DIFFER) for row in found.rows)  # both have every group


async def test_a_profile_against_itself_is_equal(pair: Pair) -> None:
    found = await compare(Pair(pair.a, pair.a), DiffRequest.jobs_summary())
    assert found.equal and found.summary().startswith("no differences")


async def test_a_side_without_the_service_is_named(pair: Pair) -> None:
    with profile_pair("diffsvc-none", Services(), Services()) as empty, \
            pytest.raises(ConsoleError) as caught:
        await compare(Pair(pair.a, empty.b), DiffRequest.jobs_summary())
    assert caught.value.profile == "diffsvc-none-prod"
