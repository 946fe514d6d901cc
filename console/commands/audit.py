"""``fleet-console audit``: the profile's audit log, every write from any pane or command."""

from __future__ import annotations

from dataclasses import asdict

import click

from console.commands.context import current, handles_errors
from console.commands.output import emit

COLUMNS = ["time", "action", "target", "count", "outcome"]


@click.command()
@click.option("--since", metavar="T",
              help="Only entries since T: 30m, 2h, 7d, 1w, or an ISO date/time (UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per entry).")
@click.pass_context
@handles_errors
def audit(ctx: click.Context, since: str | None, as_json: bool) -> None:
    """Show the writes recorded for the profile, oldest first: time, action, target,
    count and outcome (ok, failed: …, refused: …)."""
    from console.profiles import audit as log  # the profile store: not for --help

    try:
        start = log.parse_since(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    profile = current(ctx).profile()
    entries = [asdict(e) for e in log.read(profile.name, since=start)]
    emit(entries, COLUMNS if not as_json else [*COLUMNS, "profile"], as_json)
