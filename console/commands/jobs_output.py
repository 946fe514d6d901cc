"""How import, export and ``data-jobs`` print a data job: one line, a table, or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from console.commands.output import echo_json, emit

if TYPE_CHECKING:
    from console.backends.datajobs import DataJob

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
