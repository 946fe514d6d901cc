"""Parts (a) and (d) of ``sql_stream.py``: the SQL pane's first rows and its cancel, headless.

(a) Time from pressing run to first rows visible in the SQL pane.

The real app runs headless (``App.run_test`` at 120x40) on the profile's
server. The session is warmed with ``select 1`` first, as an operator's would
be after their first statement; then the query is run ``repeat`` times and
the median is returned. "Visible" means the compositor has rendered the
result grid's lines with rows in them (headless, so nothing is written to a
terminal; writing 120x40 cells to a real one adds a millisecond or two).

The peer, printed alongside: the same first batch straight from
``PostgresClient.run`` on a warm pooled connection (no widgets).

(d) Time from pressing the cancel key while ``select pg_sleep(30)`` sleeps on
the server until the pane is idle again (its run has ended and a new one may
start), median of ``repeat``. The key is pressed only once the server reports
the statement sleeping, so a cancel that outruns the statement is not timed.

    .venv/bin/python benchmarks/_sql_pane_probe.py [DATABASE] [SQL]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

SIZE = (120, 40)


async def _until(condition: Any, step: float = 0.0005, limit: float = 60.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the SQL pane showed no rows")
        await asyncio.sleep(step)


def _record_paints() -> dict[int, float]:
    """Note when each result grid first renders lines holding rows (the probe's only hook)."""
    from console.ui.sql.results import ResultGrid

    painted: dict[int, float] = {}
    render_lines = ResultGrid.render_lines

    def recording(self: Any, crop: Any) -> Any:
        lines = render_lines(self, crop)
        if self.row_count and id(self) not in painted:
            painted[id(self)] = time.perf_counter()
        return lines

    ResultGrid.render_lines = recording  # type: ignore[method-assign]
    return painted


async def _press_and_wait(pilot: Any, pane: Any, sql: str, painted: dict[int, float]) -> float:
    """Run ``sql`` once; return seconds from the key press until its rows are painted."""
    pane.editor.text = sql
    pane.editor.cursor_location = (0, 0)
    before = {id(v.grid) for v in pane.results.views}
    began = time.perf_counter()
    # the key goes in as the operator's would; the press's own wait for idle is not timed
    pressing = asyncio.create_task(pilot.press("ctrl+r"))

    def new_grid() -> int | None:
        views = pane.results.views
        grid = views[0].grid if views else None
        return id(grid) if grid is not None and id(grid) not in before else None

    await _until(lambda: new_grid() in painted)
    elapsed = painted[new_grid()] - began  # type: ignore[index]
    await pressing
    await _until(lambda: not pane.running)
    return elapsed


async def _measure(profile_name: str, database: str, sql: str, repeat: int) -> list[float]:
    from console import profiles
    from console.ui.app import FleetConsole

    painted = _record_paints()
    app = FleetConsole(profiles.load(profile_name), start_services=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workspace.open("sql")
        pane = app.workspace.pane("sql")
        pane.use_database(database)
        pane.editor.focus()
        await _press_and_wait(pilot, pane, "select 1", painted)
        return [await _press_and_wait(pilot, pane, sql, painted) for _ in range(repeat)]


def _peer(profile_name: str, database: str, sql: str, repeat: int) -> float:
    """Median seconds for the same first batch from the client alone."""
    from console import profiles
    from console.clients import Clients
    from console.ui.sql.runner import FIRST_BATCH

    client = Clients(profiles.load(profile_name)).postgres()
    try:
        client.run(database, "select 1").close()
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            run = client.run(database, sql, batch=FIRST_BATCH)
            times.append(time.perf_counter() - began)
            run.close()
        return statistics.median(times)
    finally:
        client.close()


def measure_first_rows_in_pane(profile_name: str = "local", database: str = "postgres",
                               sql: str = "select 1", repeat: int = 5) -> float:
    """Return the median seconds from pressing run to first rows visible in the SQL pane.

    Args:
        profile_name: The profile whose server to use.
        database: The database to run in.
        sql: One statement returning rows.
        repeat: Timed runs after one warm-up.
    """
    times = asyncio.run(_measure(profile_name, database, sql, repeat))
    pane = statistics.median(times)
    peer = _peer(profile_name, database, sql, repeat)
    print(f"    SQL pane, run to first rows visible: median {pane * 1000:.1f} ms of {repeat} "
          f"(min {min(times) * 1000:.1f}); PostgresClient.run first batch alone "
          f"{peer * 1000:.1f} ms; ratio {pane / peer:.1f}x")
    return pane


def _sleeping(client: Any, database: str) -> bool:
    with client.run(database, "select count(*) from pg_stat_activity where "
                              "wait_event = 'PgSleep' and datname = current_database()") as run:
        return bool(run.first_rows[0][0])


async def _cancel_once(pilot: Any, pane: Any, sql: str, watcher: Any, database: str) -> float:
    """Run ``sql``, wait until the server sleeps in it, then time cancel to idle."""
    pane.editor.text = sql
    pane.editor.cursor_location = (0, 0)
    await pilot.press("ctrl+r")
    deadline = time.perf_counter() + 30
    while not await asyncio.to_thread(_sleeping, watcher, database):
        if time.perf_counter() > deadline:
            raise TimeoutError("the statement never started sleeping")
        await asyncio.sleep(0.01)
    began = time.perf_counter()
    pressing = asyncio.create_task(pilot.press("ctrl+t"))  # its own wait for idle is not timed
    await _until(lambda: not pane.running)
    elapsed = time.perf_counter() - began
    await pressing
    return elapsed


async def _measure_cancel(profile_name: str, database: str, sql: str,
                          repeat: int) -> list[float]:
    from console import profiles
    from console.clients import Clients
    from console.ui.app import FleetConsole

    watcher = Clients(profiles.load(profile_name)).postgres()
    app = FleetConsole(profiles.load(profile_name), start_services=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await app.workspace.open("sql")
            pane = app.workspace.pane("sql")
            pane.use_database(database)
            pane.editor.focus()
            return [await _cancel_once(pilot, pane, sql, watcher, database)
                    for _ in range(repeat)]
    finally:
        watcher.close()


def measure_cancel_in_pane(profile_name: str = "local", database: str = "postgres",
                           sql: str = "select pg_sleep(30)", repeat: int = 5) -> float:
    """Return the median seconds from the cancel key press to the SQL pane being idle.

    Args:
        profile_name: The profile whose server to use.
        database: The database to run in.
        sql: A statement that runs long enough to be cancelled.
        repeat: Timed cancels.
    """
    times = asyncio.run(_measure_cancel(profile_name, database, sql, repeat))
    print(f"    SQL pane, cancel key to idle: median {statistics.median(times) * 1000:.1f} ms "
          f"of {repeat} (max {max(times) * 1000:.1f})")
    return statistics.median(times)


if __name__ == "__main__":
    db = sys.argv[1] if len(sys.argv) > 1 else "postgres"
    query = sys.argv[2] if len(sys.argv) > 2 else "select * from generate_series(1, 100000) g"
    print(f"{measure_first_rows_in_pane('local', db, query) * 1000:.1f} ms")
