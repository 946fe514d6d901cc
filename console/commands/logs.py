"""``fleet-console logs ID... [--tail N] [--follow] [--json]``: device logs for scripts.

Lines go to stdout (text, or one JSON object per line with ``--json``); gaps
and stream notices go to stderr, so a pipe only ever sees log lines.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import click

from console.commands.context import handles_errors, with_balena
from console.commands.output import dumps

if TYPE_CHECKING:
    from console.backends.balena import BalenaClient


@click.command("logs")
@click.argument("identifiers", nargs=-1, required=True, metavar="ID...")
@click.option(
    "--tail",
    "-n",
    type=click.IntRange(0, 1000),
    default=100,
    show_default=True,
    help="History lines per device to print first (the API keeps at most 1000).",
)
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until Ctrl-C.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@handles_errors
def logs(
    ctx: click.Context, identifiers: tuple[str, ...], tail: int, follow: bool, as_json: bool
) -> None:
    """Print the logs of devices (id, full uuid or short uuid), merged in time order."""
    with_balena(ctx, lambda client: _run(client, list(identifiers), tail, follow, as_json))


async def _run(
    client: BalenaClient, identifiers: list[str], tail: int, follow: bool, as_json: bool
) -> None:
    from console.backends.balena.logs import DeviceLogs

    names: dict[str, str] = {}
    for identifier in identifiers:
        device = await client.resolve_device(identifier)
        names[device.uuid] = device.name or device.uuid[:7]
    reader = DeviceLogs(client)
    printer = _Printer(names, as_json)
    if not follow:
        for uuid in names:
            printer.many(await reader.history(uuid, count=tail) if tail else [])
        printer.flush()
        return
    async for batch in reader.batches(list(names), count=tail):
        printer.many(batch)
        printer.flush()


class _Printer:
    """Prints lines; with several devices, history is merged by ``createdAt`` first."""

    def __init__(self, names: dict[str, str], as_json: bool) -> None:
        self.names = names
        self.as_json = as_json
        self._held: list[Any] = []

    def many(self, events: list[Any]) -> None:
        self._held.extend(events)

    def flush(self) -> None:
        from console.backends.balena.logs import LogLine

        lines = sorted(
            (e for e in self._held if isinstance(e, LogLine)), key=lambda e: e.created_at
        )
        for event in self._held:
            if not isinstance(event, LogLine):
                click.echo(self._other(event), err=True)
        for line in lines:
            click.echo(dumps(line.to_json()) if self.as_json else self._text(line))
        self._held = []

    def _text(self, line: Any) -> str:
        moment = datetime.fromtimestamp(line.timestamp / 1000, tz=timezone.utc)
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{line.timestamp % 1000:03d}Z"
        device = f" {self.names[line.uuid]}" if len(self.names) > 1 else ""
        kind = "system" if line.is_system else f"svc {line.service_id}"
        stream = " stderr" if line.is_stderr else ""
        return f"{stamp}{device} [{kind}{stream}] {line.message}"

    def _other(self, event: Any) -> str:
        from console.backends.balena.logs import Gap

        name = self.names.get(event.uuid, event.uuid[:7])
        if isinstance(event, Gap):
            seconds = max(0, event.end_ms - event.start_ms) / 1000
            lost = "" if event.complete else ", older lines lost"
            return (
                f"-- gap in {name}: {seconds:.1f} s after {event.reason or 'a drop'}; "
                f"{event.backfilled} line(s) backfilled{lost}"
            )
        return f"-- {name}: {event.message}"
