"""`fleet-console sandbox start --jobs N` on a fresh home seeds N jobs that the jobs CLI counts."""

from __future__ import annotations

import json
from typing import Any

from tests.homes import fresh_home

JOBS = 500


def count_json(cli: Any, env: dict[str, str], *args: str) -> int:
    result = cli("jobs", "count", *args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return sum(row["count"] for row in json.loads(result.stdout))


def listed_ids(cli: Any, env: dict[str, str], *args: str) -> set[int]:
    # Ordered by id, which the simulator never changes, so paging cannot skip or repeat.
    result = cli("jobs", "list", *args, "--order", "id", "--limit", "100000", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return {job["id"] for job in json.loads(result.stdout)}


def test_start_with_jobs_seeds_that_many(cli: Any) -> None:
    # A home of its own: the `local` profile and its services start from nothing.
    with fresh_home() as home:
        _start_and_count(cli, {"FLEET_CONSOLE_HOME": str(home)})


def _start_and_count(cli: Any, env: dict[str, str]) -> None:
    try:
        started = cli("sandbox", "start", "--jobs", str(JOBS), "--json", env=env)
        assert started.returncode == 0, started.stderr
        services = {s["name"]: s for s in json.loads(started.stdout)}
        assert services["balsam"]["state"] == "running"
        # The simulator keeps going and new jobs arrive tagged exp:D; the seeded jobs
        # carry exp A, B or C, which nothing changes. Their per-state counts are taken
        # one request per state while jobs move, so the seeded set is checked by id.
        seeded = set().union(*(listed_ids(cli, env, "--tag", f"exp:{e}") for e in "ABC"))
        assert len(seeded) == JOBS
        assert count_json(cli, env) >= JOBS
    finally:
        stopped = cli("sandbox", "stop", env=env)
    assert stopped.returncode == 0, stopped.stderr
