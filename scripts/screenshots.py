"""Generate ``screenshots/<pane>-<W>x<H>.svg`` of every pane from the real app.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--size 80x24 --size 120x40]

Everything runs in a private FLEET_CONSOLE_HOME at a fixed temporary path (it
is named on screen, so it must not vary): the `local`
profile's embedded PostgreSQL and its stand-ins are started there with their
simulators off and a fixed clock, a small demo database is seeded, and all of
it is stopped and removed afterwards. Each pane is shown headless at each size,
its workers awaited and its notifications cleared; durations on the SQL
status line read as a fixed "3 ms", so the pictures change only when the
console does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOME = Path(tempfile.gettempdir()) / "fleet-console-screenshots"
FIRST_PORT = 47310
"""The stand-ins listen from here up (see ``pin_ports``)."""
SERVICE_OPTIONS = {"simulate": False, "epoch": "2026-11-23T12:00:00+00:00", "jobs": 400,
                   "devices": 300, "log_rate": 0}
"""Stand-in options: seeded, still, on a fixed clock."""
DEMO_DB = "fleet_demo"
DEMO_SQL = """-- devices that reported in, by fleet
select id, name, fleet, online, firmware, uptime_h
from devices
order by fleet, id;"""


def seed_demo_database() -> None:
    """Create the demo database the SQL and Databases screenshots show."""
    from console import profiles
    from console.clients import Clients

    client = Clients(profiles.load("local")).postgres()
    try:
        client.create_database(DEMO_DB)
        client.run(DEMO_DB, "create table devices (id int primary key, name text not null, "
                            "fleet text, online boolean, firmware text, "
                            "uptime_h numeric(8, 1))").close()
        client.run(DEMO_DB, "insert into devices select g, 'sensor-' || lpad(g::text, 3, '0'), "
                            "(array['greenhouse', 'warehouse', 'dock'])[1 + g % 3], g % 4 <> 0, "
                            "'v2.' || (g % 5), round((g * 7.3)::numeric, 1) "
                            "from generate_series(1, 40) g").close()
        client.run(DEMO_DB, "create view online_devices as select * from devices "
                            "where online").close()
    finally:
        client.close()


async def settle(pilot: Any) -> None:
    """Wait until no worker runs, then clear notifications."""
    from textual.worker import WorkerCancelled

    for _ in range(40):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        if all(worker.is_finished for worker in pilot.app.workers):
            break
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


async def prepare_sql(pilot: Any) -> None:
    """Run the demo query, cursor blink frozen."""
    pane = pilot.app.workspace.pane("sql")
    pane.editor.cursor_blink = False
    pane.use_database(DEMO_DB)
    pane.editor.text = DEMO_SQL
    pane.editor.cursor_location = (1, 0)
    await settle(pilot)
    await pilot.press("ctrl+r")


async def prepare_databases(pilot: Any) -> None:
    """Select the demo database and open its catalog down to a table's columns."""
    pane = pilot.app.workspace.pane("databases")
    pane.run_command(DEMO_DB)
    await settle(pilot)
    tree = pane.tree
    tree.root.expand()
    await settle(pilot)
    public = next(n for n in tree.root.children if str(n.label) == "public")
    public.expand()
    await settle(pilot)
    public.children[0].expand()
    await settle(pilot)
    tree.focus()
    tree.move_cursor(public.children[0])


async def prepare_logs(pilot: Any) -> None:
    """Follow three devices: their seeded past logs arrive, merged in time order."""
    from console.sandbox.balena.app import LOG_HISTORY

    pane = pilot.app.workspace.pane("logs")
    pane.run_command(" ".join(LOG_DEVICES))
    # The stream never ends, so its worker is not awaited: wait for the lines instead.
    for _ in range(200):
        await pilot.pause(0.05)
        session = pane.session
        if session is not None and session.counters.received >= LOG_HISTORY * len(LOG_DEVICES):
            break
    await pilot.pause(0.3)
    pilot.app.clear_notifications()


PREPARE: dict[str, Callable[[Any], Awaitable[None]]] = {
    "sql": prepare_sql,
    "databases": prepare_databases,
    "logs": prepare_logs,
}
"""Per-pane steps that put something worth seeing on screen (others show their default)."""
STREAMING = {"logs"}
"""Panes whose workers run until stopped: not waited for once prepared."""
LOG_DEVICES = ("1", "2", "4")
"""The devices the Logs screenshot follows (by id): three online gateways."""


async def shoot(pane_id: str, size: tuple[int, int], out: Path, theme: str | None = None,
                name: str | None = None) -> Path:
    """Save one pane at one size (in ``theme``, as ``name``); return the file written."""
    from console import profiles
    from console.ui.app import FleetConsole

    app = FleetConsole(profiles.load("local"), start_services=False, theme=theme)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await app.workspace.open(pane_id)
        await settle(pilot)
        if pane_id in PREPARE:
            await PREPARE[pane_id](pilot)
            if pane_id not in STREAMING:
                await settle(pilot)
        target = out / f"{name or pane_id}-{size[0]}x{size[1]}.svg"
        target.write_text(app.export_screenshot(title=f"Fleet Console: {pane_id}"))
    return target


THEMES = ("fleet-dark", "fleet-light", "fleet-contrast", "fleet-solarized")
"""The console's own themes, shown on the SQL pane (``theme-<name>-80x24.svg``)."""


def shoot_themes(out: Path) -> None:
    """The SQL pane in each theme, and monochrome under NO_COLOR (read when an app starts)."""
    for theme in THEMES:
        print(asyncio.run(shoot("sql", (80, 24), out, theme, name=f"theme-{theme}")))
    os.environ["NO_COLOR"] = "1"
    try:
        print(asyncio.run(shoot("databases", (80, 24), out, name="theme-no-color")))
    finally:
        os.environ.pop("NO_COLOR", None)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def pin_ports() -> None:
    """Give the stand-ins the same ports every run: the Caches and Blobs panes name their
    nodes' addresses, which would otherwise change each time (a port taken meanwhile is
    still given up for a free one, and that picture then differs)."""
    from console.profiles import locations
    from console.sandbox import ports
    from console.sandbox.registry import stand_ins

    wanted, port = {}, FIRST_PORT
    for stand_in in stand_ins():
        wanted[stand_in.name] = list(range(port, port + stand_in.nodes))
        port += stand_in.nodes
    ports.remember(locations.sandbox_dir("local"), wanted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--size", type=_size, action="append", dest="sizes")
    args = parser.parse_args()
    sizes = args.sizes or [(80, 24), (120, 40)]
    os.environ["FLEET_CONSOLE_HOME"] = str(HOME)
    os.environ.pop("FLEET_CONSOLE_PROFILE", None)
    os.environ.pop("NO_COLOR", None)  # the README shows the colours
    sys.path.insert(0, str(ROOT))
    from console.sandbox import control
    from console.ui import tabs
    from console.ui.sql import result_table

    if HOME.exists():  # left by an interrupted run: stop its services, start afresh
        control.stop("local")
        shutil.rmtree(HOME)

    result_table.elapsed_text = lambda seconds: "3 ms"  # type: ignore[assignment]
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        pin_ports()
        control.start("local", SERVICE_OPTIONS)
        seed_demo_database()
        for spec in tabs.tab_specs(tabs.registered()):
            for size in sizes:
                print(asyncio.run(shoot(spec.pane_id, size, args.out)))
        shoot_themes(args.out)
    finally:
        control.stop("local")
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
