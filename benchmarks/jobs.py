"""Jobs benchmark: 200,000 jobs on the Balsam stand-in, served from its own process.

Prints:
  * how long the state summary takes to appear in the Jobs pane, from starting
    the app (budget 300 ms), against counting states by fetching every job (the peer);
  * paging through every job with limit/offset, big pages and UI-sized pages;
  * a bulk state change of 50,000 jobs by one update call (the client reads the
    jobs, sends bulk PATCH calls of 5000 by id, the server's limit, and reads them
    again for its report) against one request per job, as a ratio.

Run: .venv/bin/python benchmarks/jobs.py [--jobs 200000] [--bulk 50000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import secrets
import time
from collections import Counter
from pathlib import Path
from typing import Any

from console.backends.balsam import JOB_STATES, BalsamClient, state_totals, summarise

BUDGET_MS = 300.0


def serve(jobs: int, password: str, queue: Any) -> None:
    """Child process: build the seeded stand-in and serve it until terminated."""
    from console.sandbox import serve as serving
    from console.sandbox.balsam import build_app

    started = time.perf_counter()
    app = build_app(password=password, options={"simulate": False, "jobs": jobs})
    seeded = time.perf_counter() - started
    sock = serving.bind()
    server = serving.make_server(app)
    queue.put((serving.url_of(sock), seeded))
    asyncio.run(server.serve(sockets=[sock]))


def line(label: str, value: str) -> None:
    print(f"  {label:<52} {value}")


async def pane_summary_ms(url: str, password: str) -> float:
    """Milliseconds from starting the app to the Jobs pane's state totals being on screen.

    The clock starts before ``run_test``: starting the app, mounting the pane and
    logging in are part of what the operator waits for.
    """
    from textual.app import App, ComposeResult

    from console.clients import Clients
    from console.profiles import Profile, ProfileSettings
    from console.ui.jobs.summary import StateSummary
    from console.ui.panes.jobs import JobsPane

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            client = BalsamClient(url, username="operator", password=password)
            profile = Profile("bench", ProfileSettings(), Path("/nonexistent"))
            yield JobsPane(Clients(profile, balsam=client), refresh=None)

    app = Bench()
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(StateSummary)
        while "FAILED" not in table.rows:
            await asyncio.sleep(0.002)
        elapsed = (time.perf_counter() - started) * 1000
        while not all(worker.is_finished for worker in pilot.app.workers):
            await asyncio.sleep(0.01)
    return elapsed


async def summary(client: BalsamClient, url: str, password: str) -> None:
    print("State summary")
    await client.login()
    started = time.perf_counter()
    totals = await state_totals(client)
    quick = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    full = await summarise(client)
    full_ms = (time.perf_counter() - started) * 1000
    visible = await pane_summary_ms(url, password)
    started = time.perf_counter()
    query = client.jobs.all()
    by_state = Counter([job.state async for job in query])
    peer = (time.perf_counter() - started) * 1000
    assert dict(by_state) == {s: n for s, n in totals.by_state().items() if n}
    assert full.total() == totals.total()
    line("totals by state, 14 count requests", f"{quick:8.0f} ms")
    line("per site and app, 70 count requests", f"{full_ms:8.0f} ms")
    verdict = "within" if visible <= BUDGET_MS else "OVER"
    line(
        "Jobs pane: app start to totals on screen",
        f"{visible:8.0f} ms ({verdict} {BUDGET_MS:.0f} ms)",
    )
    line("peer: fetch every job and count client-side", f"{peer:8.0f} ms")
    line("ratio peer / count requests", f"{peer / quick:8.1f}x")


async def paging(client: BalsamClient, total: int) -> None:
    print("Paging through every job (limit/offset)")
    for size in (100_000, 5_000, 1_000):
        query = client.jobs.all()
        query.page_size = size
        sent = client.requests_sent
        started = time.perf_counter()
        count = sum([1 async for _ in query])
        elapsed = time.perf_counter() - started
        assert count == total, (count, total)
        requests = client.requests_sent - sent
        line(
            f"pages of {size:>7,}: {requests} requests",
            f"{elapsed:8.2f} s  {count / elapsed:>9,.0f} jobs/s",
        )


async def bulk(client: BalsamClient, n: int, concurrency: int) -> None:
    print(f"Bulk state change of {n:,} jobs")
    ids = [job.id for job in await client.jobs.order_by("id")[:n].all()]
    await client.jobs.bulk_update([{"id": i, "tags": {"bench": "by-filter"}} for i in ids])
    query = client.jobs.filter(tags={"bench": "by-filter"})
    sent = client.requests_sent
    started = time.perf_counter()
    report = await query.update(state="RESTART_READY")
    one = time.perf_counter() - started
    assert report.changed == n - (report.skipped), report
    assert await query.filter(state="RESTART_READY").count() == n
    line(
        f"one filtered update: {client.requests_sent - sent} requests",
        f"{one:8.2f} s  ({report.changed:,} changed)",
    )

    await client.jobs.update_ids(ids, {"state": "RUNNING"})  # reset, not timed
    started = time.perf_counter()
    chosen = [job.id for job in await client.jobs.filter(tags={"bench": "by-filter"}).all()]
    gate = asyncio.Semaphore(concurrency)

    async def put(job_id: int) -> None:
        async with gate:
            await client.request(
                "PUT", f"/jobs/{job_id}", json={"state": "RESTART_READY"}, operation="update job"
            )

    await asyncio.gather(*(put(i) for i in chosen))
    each = time.perf_counter() - started
    assert await query.filter(state="RESTART_READY").count() == n
    line(
        f"one request per job ({concurrency} in flight): {len(chosen) + 1} requests",
        f"{each:8.2f} s",
    )
    line("ratio per-job / filtered update", f"{each / one:8.1f}x")


async def main(args: argparse.Namespace) -> None:
    password = secrets.token_urlsafe(16)
    queue: Any = mp.get_context("spawn").Queue()
    child = mp.get_context("spawn").Process(
        target=serve, args=(args.jobs, password, queue), daemon=True
    )
    child.start()
    try:
        url, seeded = queue.get(timeout=300)
        print(f"Balsam stand-in with {args.jobs:,} jobs, seeded in {seeded:.2f} s, at {url}")
        async with BalsamClient(url, username="operator", password=password, timeout=120) as client:
            total = await client.jobs.count()
            assert total == args.jobs
            assert set(JOB_STATES)
            await summary(client, url, password)
            await paging(client, total)
            await bulk(client, args.bulk, args.concurrency)
    finally:
        child.terminate()
        child.join(5)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200_000)
    parser.add_argument("--bulk", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=8)
    asyncio.run(main(parser.parse_args()))
