"""How the CLI words a data job: its one-line summary and the progress line on a terminal."""

from __future__ import annotations

from console.backends.datajobs import DataJob, JobState
from console.commands.jobs_output import progress_line, row, seconds, summary


def job(**fields: object) -> DataJob:
    base = {"id": "abc123", "kind": "import", "fmt": "csv", "source": "a.csv",
            "target": "db.public.t", "database": "db"}
    return DataJob(**{**base, **fields})  # type: ignore[arg-type]


def test_a_done_job_says_rows_where_time_and_rate() -> None:
    done = job(state=JobState.DONE, rows=1_000_000, elapsed=4.0)
    assert summary(done) == ("DONE: 1,000,000 rows into db.public.t in 4.0 s "
                             "(250,000 rows/s) [job abc123]")


def test_a_failed_job_says_why_and_the_table_row_keeps_the_first_line() -> None:
    failed = job(state=JobState.FAILED, elapsed=1.0, error_type="BadQuery",
                 error_details="line 7, column a: bad\nDETAIL: more")
    assert summary(failed).startswith("FAILED: line 7, column a: bad")
    assert row(failed)["reason"] == "line 7, column a: bad"


def test_progress_line_tells_rows_size_rate_and_time_left() -> None:
    running = job(state=JobState.PROCESSING, rows=500_000, bytes=37_000_000,
                  total_bytes=74_000_000)
    assert progress_line(running, 2.0) == ("500,000 rows · 37.0 MB · 250,000 rows/s · "
                                           "2.0 s left")
    assert progress_line(job(), 0.0) == "0 rows"


def test_durations_read_naturally() -> None:
    assert [seconds(v) for v in (None, 0.42, 12.4, 185)] == ["—", "0.4 s", "12 s",
                                                             "3 min 5 s"]
