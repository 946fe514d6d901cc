"""`fleet-console sandbox start --jobs N` on a fresh home seeds N jobs that the jobs CLI counts."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture
def short_home() -> Iterator[Path]:
    """A home of its own under /tmp: PostgreSQL's socket path must stay under ~100 bytes,
    which pytest's deep tmp_path can exceed."""
    home = Path(tempfile.mkdtemp(prefix="fc-jobs-", dir="/tmp"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def test_start_with_jobs_seeds_that_many(cli: Any, short_home: Path) -> None:
    # A home of its own: the `local` profile and its services start from nothing.
    env = {"FLEET_CONSOLE_HOME": str(short_home)}
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
