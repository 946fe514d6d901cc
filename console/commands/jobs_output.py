"""How import, export and ``data-jobs`` print a data job: one line, a table, or JSON."""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import click

from console.commands.output import echo_json, emit

if TYPE_CHECKING:
    from console.backends.datajobs import DataJob, JobHandle

COLUMNS = ["id", "kind", "state", "format", "rows", "elapsed", "created", "source", "target",
           "reason"]


def seconds(value: float | None) -> str:
    """``0.4 s``, ``12 s``, ``3 min 5 s``."""
    if value is None:
        return "—"
    if value < 10:
        return f"{value:.1f} s"
    if value < 60:
        return f"{value:.0f} s"
    return f"{int(value // 60)} min {int(value % 60)} s"


def row(job: DataJob) -> dict[str, Any]:
    """A job as one table row."""
    return {"id": job.id, "kind": job.kind, "state": job.state.value, "format": job.fmt,
            "rows": f"{job.rows:,}", "elapsed": seconds(job.elapsed),
            "created": job.date_created, "source": job.source, "target": job.target,
            "reason": job.reason.splitlines()[0] if job.reason else ""}


def summary(job: DataJob) -> str:
    """``DONE: 1,000 rows into db.public.t in 0.4 s (2,500 rows/s)``, or the failure."""
    where = "into" if job.kind == "import" else "to"
    if job.state.value == "DONE":
        rate = f" ({job.rate:,.0f} rows/s)" if job.rate else ""
        return (f"DONE: {job.rows:,} rows {where} {job.target} in {seconds(job.elapsed)}"
                f"{rate} [job {job.id}]")
    return f"{job.state.value}: {job.reason} [job {job.id}, after {seconds(job.elapsed)}]"


def print_job(job: DataJob, as_json: bool) -> None:
    """Print a finished job; a FAILED one goes to stderr and exits 1."""
    if as_json:
        echo_json(job.to_json())
    elif job.state.value == "DONE":
        click.echo(summary(job))
    if job.state.value != "DONE":
        if not as_json:
            click.echo(f"error: {summary(job)}", err=True)
        raise click.exceptions.Exit(1)


def print_jobs(jobs: list[DataJob], as_json: bool) -> None:
    """Print the job history as a table or a JSON array."""
    if as_json:
        echo_json([job.to_json() for job in jobs])
    else:
        emit([row(job) for job in jobs], COLUMNS, False)


def show_progress(handle: JobHandle, every: float = 0.5) -> None:
    """On a terminal, keep one stderr line saying how far the job got, until it ends."""
    if not sys.stderr.isatty():
        return

    def follow() -> None:
        while handle.job.state.active:
            if handle.job.state.value == "PROCESSING":
                click.echo("\r\033[K" + progress_line(handle.job, handle.elapsed()), nl=False,
                           err=True)
            time.sleep(every)
        click.echo("\r\033[K", nl=False, err=True)

    threading.Thread(target=follow, name="job-progress", daemon=True).start()


def progress_line(job: DataJob, elapsed: float) -> str:
    """``1,234,567 rows · 88.1 MB · 250,000 rows/s · 3.2 s left``."""
    parts = [f"{job.rows:,} rows"]
    if job.bytes:
        parts.append(f"{job.bytes / 1e6:,.1f} MB")
    if elapsed > 0 and job.rows:
        parts.append(f"{job.rows / elapsed:,.0f} rows/s")
    if job.total_bytes and job.bytes and elapsed > 0:
        left = (job.total_bytes - job.bytes) * elapsed / job.bytes
        parts.append(f"{seconds(max(left, 0.0))} left")
    return " · ".join(parts)
