"""URL imports from a loopback server, cancel mid-way, and the job history they leave."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from console.backends.datajobs import DataJobs, JobHandle, JobState, JobStore
from console.backends.postgres import ImportRequest, PostgresClient, import_data
from console.sandbox.serve import ServerThread
from tests.conftest import scratch_database

DB = "it_data_url"
CSV = "id,city\n1,Zürich\n2,\"Rome, IT\"\n"
GATE = threading.Event()
"""Released at the end of the module so the slow stream's generator ends."""


async def people(request: Request) -> Response:
    return PlainTextResponse(CSV, media_type="text/csv")


async def records(request: Request) -> Response:
    return Response(json.dumps([{"id": 1, "v": 1.5}, {"id": 2, "v": None}]),
                    media_type="application/json")


async def slow(request: Request) -> Response:
    """A CSV whose first rows come at once and the rest never (until the gate opens)."""

    async def body() -> AsyncIterator[bytes]:
        yield b"n\n" + b"".join(f"{i}\n".encode() for i in range(1000))
        while not GATE.is_set():
            await asyncio.sleep(0.05)

    return StreamingResponse(body(), media_type="text/csv")


async def missing(request: Request) -> Response:
    return PlainTextResponse("no such export", status_code=404)


APP = Starlette(routes=[Route("/people.csv", people), Route("/records", records),
                        Route("/slow.csv", slow), Route("/gone.csv", missing)])


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(APP) as running:
        yield running
        GATE.set()


@pytest.fixture(scope="module")
def client(local_pg: object) -> Iterator[PostgresClient]:
    with scratch_database(DB) as client:
        yield client


@pytest.fixture
def jobs(tmp_path: Path) -> DataJobs:
    return DataJobs("local", JobStore(tmp_path / "jobs.sqlite3"))


def fetch(client: PostgresClient, query: str) -> list[tuple[object, ...]]:
    with client.run(DB, query) as run:
        return run.first_rows


def test_csv_from_a_url(client: PostgresClient, server: ServerThread, jobs: DataJobs) -> None:
    job = import_data(client, ImportRequest(f"{server.url}/people.csv", DB, "cities"), jobs)
    assert (job.state, job.rows, job.total_bytes) == (JobState.DONE, 2, len(CSV.encode()))
    assert fetch(client, "select id, city from cities order by id") == [(1, "Zürich"),
                                                                         (2, "Rome, IT")]


def test_json_from_a_url_without_a_suffix_is_sniffed(client: PostgresClient,
                                                     server: ServerThread,
                                                     jobs: DataJobs) -> None:
    job = import_data(client, ImportRequest(f"{server.url}/records", DB, "recs"), jobs)
    assert (job.state, job.fmt) == (JobState.DONE, "json")
    assert fetch(client, "select id, v from recs order by id") == [(1, 1.5), (2, None)]


def test_a_missing_url_fails_the_job_saying_what_the_server_said(
        client: PostgresClient, server: ServerThread, jobs: DataJobs) -> None:
    job = import_data(client, ImportRequest(f"{server.url}/gone.csv", DB, "gone"), jobs)
    assert job.state is JobState.FAILED
    assert job.error_type == "NotFound" and "no such export" in job.error_details


def test_cancel_in_the_middle_rolls_everything_back(client: PostgresClient,
                                                    server: ServerThread, jobs: DataJobs) -> None:
    """The server stalls after 1,000 rows; cancel stops the job at once, nothing is kept."""
    started: list[JobHandle] = []
    finished: list[object] = []
    thread = threading.Thread(target=lambda: finished.append(import_data(
        client, ImportRequest(f"{server.url}/slow.csv", DB, "stalled"), jobs,
        on_start=started.append)))
    thread.start()
    for _ in range(500):  # wait until rows have gone to the server (a bound, not a timing)
        if started and started[0].job.rows >= 1000:
            break
        threading.Event().wait(0.02)
    assert started and started[0].job.state is JobState.PROCESSING
    assert jobs.list()[0].state is JobState.PROCESSING
    assert jobs.cancel(started[0].job.id)
    thread.join(timeout=30)
    job = finished[0]
    assert job.state is JobState.FAILED and job.error_type == "Cancelled"  # type: ignore[attr-defined]
    assert fetch(client, "select to_regclass('stalled') is null") == [(True,)]
    stored = jobs.store.get(started[0].job.id)
    assert stored is not None and stored.state is JobState.FAILED
