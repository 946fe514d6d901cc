"""Fleet benchmark: the Devices pane on 100,000 devices against the same pane on 300.

The balena stand-in runs in a subprocess (its own core), seeded with N devices and
its simulator off. A second subprocess runs the Devices pane headless at 120x40 and
measures, for each fleet size:

1. time to first page visible after opening the pane (target: within 200 ms), judged on
   the first open, against a stand-in that has answered nothing yet; re-opens (answered
   from the stand-in's query cache) are printed beside it;
2. a server-side filter, typed as `/` would, until its rows are drawn (within 300 ms);
3. RSS after opening and after scrolling ten pages (flat with fleet size);

with two peers measured in the same run: a bare httpx GET of the same first page (no
UI), and filtering on the client instead (fetch every device, filter in Python).
Ratios compare 100,000 devices with 300. Then the logs part runs
(``benchmarks/_fleet_logs.py``, owned by the logs work) if it is present.

    python benchmarks/fleet.py [--devices 100000] [--small 300] [--rounds 7] [--skip-logs]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILTER = "offline name~gw-0"
TOKEN = secrets.token_hex(16)

try:  # the logs half of the benchmark lives in its own module (another part's work)
    from benchmarks._fleet_logs import logs_benchmark
except ImportError:  # pragma: no cover - before that file exists
    logs_benchmark = None


# -- the stand-in (subprocess) -----------------------------------------------------------


def _serve(devices: int, token: str) -> None:
    from console.sandbox.balena.app import create_app
    from console.sandbox.serve import ServerThread

    server = ServerThread(create_app(token=token, devices=devices, simulate=False)).start()
    print(server.url, flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin
    server.stop()


def _start_server(devices: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(devices), "--token", TOKEN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


# -- the measurements (subprocess, so RSS is the pane's alone) ------------------------------


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


DATA: list[float] = []
"""When each awaited page was in the table (perf_counter), before it was drawn."""
PAINTS: list[float] = []
"""When each frame finished drawing (perf_counter), recorded by ``_watch_paints``."""


def _watch_paints() -> None:
    """Record the end of every compositor refresh: that is when rows become visible."""
    from textual.screen import Screen

    draw = Screen._compositor_refresh

    def recorded(self: Any) -> None:
        draw(self)
        PAINTS.append(time.perf_counter())

    Screen._compositor_refresh = recorded  # type: ignore[method-assign]


async def _until_loaded(pilot: Any, pane: Any) -> float:
    """Wait for the rows to be in the table and then drawn; return when they were drawn."""
    while pane.loading or not pane.table.devices:
        await asyncio.sleep(0.001)
    loaded = time.perf_counter()
    DATA.append(loaded)
    while (not PAINTS or PAINTS[-1] < loaded) and time.perf_counter() - loaded < 2:
        await asyncio.sleep(0.001)  # (nothing changed on screen: no frame comes)
    return PAINTS[-1] if PAINTS and PAINTS[-1] >= loaded else loaded


async def _measure_pane(url: str, rounds: int) -> dict[str, Any]:
    from textual.app import App

    from console.backends.balena import BalenaClient
    from console.clients import Clients
    from console.profiles import Profile, ProfileSettings
    from console.ui.panes.devices import DevicesPane

    client = BalenaClient(url, TOKEN, timeout=60)
    profile = Profile("bench", ProfileSettings(), Path("/nonexistent"))
    pane = DevicesPane(Clients(profile, balena=client), refresh_seconds=None)

    class Bench(App[None]):
        """Starts empty: the pane is opened into the running app, as switching to it is."""

    _watch_paints()
    result: dict[str, Any] = {"rss_start": _rss_mb()}
    async with Bench().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await pilot.app.mount(pane)
        result["first_open_ms"] = (await _until_loaded(pilot, pane) - started) * 1000
        result["first_open_data_ms"] = (DATA[-1] - started) * 1000
        result["rss_open"] = _rss_mb()
        result["reopen_ms"], result["reopen_data_ms"] = await _timed(
            pilot, pane, rounds, pane.reload
        )
        # A different filter each round, so no round is answered from the stand-in's cache.
        texts = iter(f"{FILTER}{i}" for i in range(rounds))
        result["filter_ms"], result["filter_data_ms"] = await _timed(
            pilot, pane, rounds, lambda: pane.apply_filter(next(texts))
        )
        result["filter_total"] = pane.total
        pane.apply_filter("")
        await _until_loaded(pilot, pane)
        for _ in range(10):
            if len(pane.table.devices) >= pane.total:
                break
            await pilot.press("end")
            await pilot.pause()
            await _until_loaded(pilot, pane)
        result["rows_loaded"] = len(pane.table.devices)
        result["rss_scrolled"] = _rss_mb()
        result["total"] = pane.total
    await client.aclose()
    return result


async def _timed(pilot: Any, pane: Any, rounds: int, start: Any) -> tuple[list[float], list[float]]:
    """Milliseconds until drawn, and until the rows were in the table, per round."""
    drawn, data = [], []
    for _ in range(rounds):
        await pilot.pause()
        began = time.perf_counter()
        start()
        drawn.append((await _until_loaded(pilot, pane) - began) * 1000)
        data.append((DATA[-1] - began) * 1000)
    return drawn, data


async def _measure_peers(url: str, rounds: int) -> dict[str, Any]:
    import httpx

    from console.backends.balena import odata
    from console.backends.balena.models import DEVICE_EXPAND, DEVICE_SELECT

    page = odata.encode_url(
        "device",
        {
            "$select": list(DEVICE_SELECT),
            "$expand": DEVICE_EXPAND,
            "$orderby": [{"device_name": "asc"}, {"id": "asc"}],
            "$top": 100,
        },
    )
    everything = odata.encode_url("device", {"$select": ["id", "device_name", "is_online"]})
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120
    ) as http:
        bare = []
        for _ in range(rounds):
            began = time.perf_counter()
            (await http.get(page)).raise_for_status()
            bare.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        rows = (await http.get(everything)).json()["d"]
        kept = [r for r in rows if not r["is_online"] and "gw-01" in r["device_name"].lower()]
        client_side = (time.perf_counter() - began) * 1000
    return {"bare_page_ms": bare, "client_filter_ms": client_side, "client_filter_rows": len(kept)}


def _measure(url: str, rounds: int) -> None:
    result = asyncio.run(_measure_pane(url, rounds))
    result.update(asyncio.run(_measure_peers(url, rounds)))
    print(json.dumps(result))


def _run_child(url: str, rounds: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", url, "--token", TOKEN, "--rounds", str(rounds)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- report -----------------------------------------------------------------------------------


def _p50(values: list[float]) -> float:
    return statistics.median(values)


def _report(small: dict[str, Any], big: dict[str, Any]) -> None:
    rows = [
        ("first page, first open (ms)", "first_open_ms", None),
        ("  of which rows in table (ms)", "first_open_data_ms", None),
        ("first page, re-opened p50 (ms)", "reopen_ms", _p50),
        ("  of which rows in table p50 (ms)", "reopen_data_ms", _p50),
        ("server-side filter p50 (ms)", "filter_ms", _p50),
        ("  of which rows in table p50 (ms)", "filter_data_ms", _p50),
        ("bare httpx first page p50 (ms)", "bare_page_ms", _p50),
        ("client-side filter instead (ms)", "client_filter_ms", None),
        ("RSS after open (MB)", "rss_open", None),
        ("RSS after 10 pages (MB)", "rss_scrolled", None),
    ]
    print(f"{'':34} {small['total']:>12,} {big['total']:>12,}   ratio")
    for label, key, reduce in rows:
        a = reduce(small[key]) if reduce else small[key]
        b = reduce(big[key]) if reduce else big[key]
        print(f"{label:34} {a:12.1f} {b:12.1f}   {b / a:5.2f}x")
    big_label = f"{big['total']:,}"
    pane, bare = _p50(big["reopen_ms"]), _p50(big["bare_page_ms"])
    print(
        f"\n{big_label}: pane re-open p50 / bare httpx page p50 = {pane / bare:.2f}x "
        "(UI overhead, both answered from the stand-in's cache)"
    )
    client_side = big["client_filter_ms"] / _p50(big["filter_ms"])
    print(f"{big_label}: client-side filter / server-side filter = {client_side:.1f}x")
    print(f"{big_label}: last filter matched {big['filter_total']:,} devices")
    print(
        f"rows loaded after ten pages: {small['rows_loaded']:,} vs {big['rows_loaded']:,} "
        "(memory follows rows scrolled to, not fleet size)"
    )
    print(
        f"{big_label}: first open {big['first_open_ms']:.0f} ms vs re-open p50 "
        f"{pane:.0f} ms (the stand-in's query cache is cold on the first)"
    )
    verdicts = [
        ("first page within 200 ms (first open, fresh stand-in)", big["first_open_ms"] <= 200),
        ("server-side filter within 300 ms", _p50(big["filter_ms"]) <= 300),
        (
            "memory flat with fleet size (RSS after open within 10%)",
            big["rss_open"] <= small["rss_open"] * 1.10,
        ),
    ]
    for label, ok in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--skip-logs", action="store_true", help="Run only the devices part.")
    parser.add_argument("--logs-seconds", type=float, default=60.0)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.token:
        global TOKEN
        TOKEN = args.token
    if args.serve is not None:
        _serve(args.serve, TOKEN)
        return
    if args.measure:
        _measure(args.measure, args.rounds)
        return
    results = []
    for devices in (args.small, args.devices):
        began = time.perf_counter()
        proc, url = _start_server(devices)
        print(
            f"stand-in with {devices:,} devices up in {time.perf_counter() - began:.1f} s",
            flush=True,
        )
        try:
            results.append(_run_child(url, args.rounds))
        finally:
            proc.communicate("")
    _report(*results)
    if args.skip_logs:
        return
    if logs_benchmark is None:
        print("\nlogs: benchmarks/_fleet_logs.py is not there yet; skipped")
        return
    print()
    logs_benchmark(seconds=args.logs_seconds)


if __name__ == "__main__":
    main()
