"""Snapshots of the ``:diff`` screen (SQL, devices, jobs summary) at 80x24 and 120x40.

Both sides are still and seeded: two scratch databases with fixed rows, two
balena stand-ins seeded alike then changed in known ways (``diverge``), two
Balsam stand-ins on one fixed clock with different seeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from console.diff import DiffRequest
from console.ui.diff import DiffScreen
from tests.conftest import scratch_database
from tests.diff_env import DiffHost, Pair, Services, balena_pair, balsam_pair, profile_pair
from tests.pilot import settle_quietly, wait_for

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
STAGING = (
    "create table orders (id int primary key, customer text, total numeric(8,2), "
    "status text)",
    "insert into orders values (1, 'acme', 120.00, 'paid'), (2, 'globex', 80.50, 'open'), "
    "(3, 'initech', 15.00, 'paid'), (4, 'umbrella', 99.99, 'open')",
)
PRODUCTION = (
    "create table orders (id int primary key, customer text, total numeric(8,2), "
    "status text)",
    "insert into orders values (1, 'acme', 120.00, 'paid'), (2, 'globex', 80.50, 'paid'), "
    "(3, 'initech', 15.50, 'paid'), (5, 'hooli', 42.00, 'open')",
)


@pytest.fixture(scope="module")
def everything(local_pg: object) -> Iterator[Pair]:
    """``diffsnap-staging`` and ``diffsnap-prod``: a database, a fleet and a site each."""
    socket_dir = str(local_pg.socket_dir)  # type: ignore[attr-defined]
    with scratch_database("diff_snap_staging", *STAGING), \
            scratch_database("diff_snap_prod", *PRODUCTION), \
            balena_pair() as (balena_a, balena_b), balsam_pair() as (balsam_a, balsam_b), \
            profile_pair("diffsnap",
                         Services(socket_dir, "diff_snap_staging", balena_a.url, balsam_a.url),
                         Services(socket_dir, "diff_snap_prod", balena_b.url, balsam_b.url)
                         ) as found:
        yield found


async def compared(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen)
                   and app.screen.comparison is not None)
    await settle_quietly(pilot)


class TestDiffScreen:
    @SIZES
    def test_sql(self, snap_compare: Any, everything: Pair, size: tuple[int, int]) -> None:
        request = DiffRequest.sql_query("select * from orders order by id")
        app = DiffHost.app(request, everything.a, everything.b)
        assert snap_compare(app, terminal_size=size, run_before=compared)

    @SIZES
    def test_devices(self, snap_compare: Any, everything: Pair, size: tuple[int, int]) -> None:
        app = DiffHost.app(DiffRequest.devices("fleet=acme/gateways"), everything.a,
                           everything.b)
        assert snap_compare(app, terminal_size=size, run_before=compared)

    @SIZES
    def test_jobs_summary(self, snap_compare: Any, everything: Pair,
                          size: tuple[int, int]) -> None:
        async def next_difference(pilot: Pilot[Any]) -> None:
            await compared(pilot)
            await pilot.press("n")

        app = DiffHost.app(DiffRequest.jobs_summary(), everything.a, everything.b)
        assert snap_compare(app, terminal_size=size, run_before=next_difference)
