"""The job history: whole records, newest first, and jobs whose console died marked FAILED."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.backends.datajobs import DataJob, DataJobs, JobState, JobStore
from console.errors import NotFound, Unavailable


@pytest.fixture
def jobs(tmp_path: Path) -> DataJobs:
    return DataJobs("local", JobStore(tmp_path / "jobs.sqlite3"))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_goes_received_processing_done(jobs: DataJobs) -> None:
    handle = jobs.start("import", "csv", "a.csv", "db.public.t", "db")
    assert jobs.store.get(handle.job.id).state is JobState.RECEIVED
    seen = []

    def work(h):  # type: ignore[no-untyped-def]
        seen.append(jobs.store.get(h.job.id).state)
        h.advance(rows=5, nbytes=100)
        return 5

    job = jobs.run(handle, work)
    assert seen == [JobState.PROCESSING]
    stored = jobs.store.get(job.id)
    assert (stored.state, stored.rows, stored.bytes) == (JobState.DONE, 5, 100)
    assert stored.date_finished is not None


def test_a_failure_keeps_the_reason_and_the_place(jobs: DataJobs) -> None:
    from console.backends.datajobs import input_error

    handle = jobs.start("import", "json", "a.json", "db.public.t", "db")

    def work(h):  # type: ignore[no-untyped-def]
        raise input_error("expected an object", 7, "element")

    job = jobs.run(handle, work)
    assert (job.state, job.error_type, job.error_line, job.error_unit) == (
        JobState.FAILED, "BadQuery", 7, "element")
    assert job.reason == "element 7: expected an object"


def test_a_bug_fails_the_job_and_is_raised(jobs: DataJobs) -> None:
    handle = jobs.start("export", "csv", "t", "/x.csv", "db")
    with pytest.raises(ZeroDivisionError):
        jobs.run(handle, lambda h: 1 // 0)
    assert jobs.store.get(handle.job.id).state is JobState.FAILED


def test_a_job_whose_process_died_is_failed_on_the_next_list(jobs: DataJobs,
                                                             tmp_path: Path) -> None:
    partial = tmp_path / ".out.csv.part"
    partial.write_text("half")
    orphan = DataJob(id="orphan1", kind="export", fmt="csv", source="t", target="/out.csv",
                     database="db", state=JobState.PROCESSING, pid=dead_pid(),
                     pid_started=1.0, partial_path=str(partial))
    jobs.store.save(orphan)
    listed = {job.id: job for job in jobs.list()}
    assert listed["orphan1"].state is JobState.FAILED
    assert "stopped while it was processing" in listed["orphan1"].reason
    assert not partial.exists()


def test_a_reused_pid_is_not_taken_for_the_jobs_process(jobs: DataJobs) -> None:
    """A live pid with another start time is a later process: the job's owner is gone."""
    other = DataJob(id="reused1", kind="import", fmt="csv", source="a", target="t",
                    database="db", state=JobState.PROCESSING, pid=os.getppid(),
                    pid_started=12.0)
    jobs.store.save(other)
    assert jobs.store.list()[0].state is JobState.FAILED


def test_cancel_through_the_store_reaches_a_running_job(jobs: DataJobs, tmp_path: Path) -> None:
    handle = jobs.start("import", "csv", "a.csv", "t", "db")
    other_console = DataJobs("local", JobStore(tmp_path / "jobs.sqlite3"))

    def work(h):  # type: ignore[no-untyped-def]
        assert other_console.cancel(h.job.id)
        h._saved = 0.0  # the next check polls the store now rather than in a second
        h.check()
        return 0

    job = jobs.run(handle, work)
    assert (job.state, job.error_type) == (JobState.FAILED, "Cancelled")


def test_ids_may_be_shortened_but_not_ambiguous(jobs: DataJobs) -> None:
    job = jobs.run(jobs.start("import", "csv", "a", "t", "db"), lambda h: 0)
    assert jobs.get(job.id[:5]).id == job.id
    with pytest.raises(NotFound):
        jobs.get("zzzz")
    with pytest.raises(NotFound):
        jobs.cancel("zzzz")
    assert jobs.cancel(job.id) is False


def test_history_is_pruned_to_the_newest(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    for n in range(5):
        store.save(DataJob(id=f"j{n}", kind="import", fmt="csv", source="a", target="t",
                           database="db", state=JobState.DONE, date_created=f"2026-01-0{n + 1}"))
    store.prune(keep=2)
    assert [job.id for job in store.list()] == ["j4", "j3"]


def test_a_record_reads_back_and_prints_bit_io_fields() -> None:
    job = DataJob(id="x", kind="export", fmt="parquet", source="t", target="/f", database="d",
                  state=JobState.DONE, rows=10, elapsed=2.0)
    assert DataJob.from_record(job.to_record()) == job
    shown = job.to_json()
    assert (shown["export_format"], shown["state"], shown["rate"]) == ("parquet", "DONE", 5.0)
    assert "pid_started" not in shown


def test_an_unreadable_history_is_a_console_error(tmp_path: Path) -> None:
    broken = tmp_path / "jobs.sqlite3"
    broken.write_text("not a database")
    with pytest.raises(Unavailable, match="job history"):
        JobStore(broken).list()


def test_a_checkpoint_keeps_a_cancel_asked_meanwhile(jobs: DataJobs, tmp_path: Path) -> None:
    """Progress saved after another console asked to cancel does not overwrite the ask."""
    handle = jobs.start("export", "csv", "t", "/x.csv", "db")
    handle.job.state = JobState.PROCESSING
    JobStore(tmp_path / "jobs.sqlite3").request_cancel(handle.job.id)
    handle.advance(rows=10)  # the first progress is saved at once: a checkpoint
    assert handle.cancelled
    stored = jobs.store.get(handle.job.id)
    assert stored.cancel_requested and stored.rows == 10


def test_the_history_commits_through_a_write_ahead_log(jobs: DataJobs, tmp_path: Path) -> None:
    import sqlite3

    jobs.run(jobs.start("export", "csv", "t", "/x.csv", "db"), lambda h: 0)
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_finished_job_prunes_the_history(jobs: DataJobs,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("console.backends.datajobs._jobs.KEEP", 2)
    done = [jobs.run(jobs.start("import", "csv", f"{n}.csv", "t", "db"), lambda h: 0).id
            for n in range(4)]
    assert {job.id for job in jobs.list()} == set(done[-2:])
