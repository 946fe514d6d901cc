"""``fleet-console data-jobs list|show|cancel``: the profile's import and export jobs.

(Not ``jobs``: that is Balsam's.) The history lives in the profile's data
directory, so it lists jobs run by the TUI, by other shells, and before a
restart; a job whose console died is shown FAILED with the reason.
"""

from __future__ import annotations

import click

from console.commands.context import current, handles_errors
from console.commands.jobs_output import print_jobs, summary


def _jobs(ctx: click.Context):  # type: ignore[no-untyped-def]
    from console.backends.datajobs import DataJobs

    return DataJobs.of(current(ctx).profile().name)


@click.group("data-jobs")
def data_jobs() -> None:
    """Import and export jobs: list, show, cancel."""


@data_jobs.command("list")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (bit.io's job fields).")
@click.pass_context
@handles_errors
def list_jobs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List data jobs, newest first, with state, rows, time and why one failed."""
    print_jobs(_jobs(ctx).list(limit), as_json)


@data_jobs.command("show")
@click.argument("job_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def show(ctx: click.Context, job_id: str, as_json: bool) -> None:
    """Show one job (its id may be shortened)."""
    job = _jobs(ctx).get(job_id)
    if as_json:
        print_jobs([job], True)
    else:
        click.echo(summary(job))


@data_jobs.command("cancel")
@click.argument("job_id")
@click.pass_context
@handles_errors
def cancel(ctx: click.Context, job_id: str) -> None:
    """Cancel a running job, in this or another console (within a second)."""
    if _jobs(ctx).cancel(job_id):
        click.echo(f"Cancel asked of job {job_id}.")
    else:
        click.echo(f"Job {job_id} has already finished.", err=True)
        raise click.exceptions.Exit(1)
