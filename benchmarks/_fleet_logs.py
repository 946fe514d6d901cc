"""Logs benchmark: 50,000 lines/s for 60 s into the Logs pane with a filter active.

A stand-in log server runs in a subprocess (its own core) and writes ``--rate``
lines/s spread over ``--devices`` devices. Two readers follow the same streams in
turn, each for ``--seconds``:

1. a bare httpx reader (split lines, ``json.loads``, count; no UI): the peer;
2. the Logs pane in a headless app at 120x40, with the filter ``re:ERROR|WARN``.

Printed: lines/s of each and their ratio; the lag from a line being read off the HTTP
stream by the reader (``DeviceLogs``) to the frame that shows it, p50/p99 (with the
part spent before the pane takes the line in, and the pane's own count); the app's
50 ms heartbeat lateness p95/max; RSS at start, peak and end; then PASS/MISS against
the targets (lag p99 within 100 ms, heartbeat p95 late under 20 ms, memory bounded).
Run alone with ``python benchmarks/_fleet_logs.py [--seconds S] [--rate N] [--devices D]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN = secrets.token_hex(16)
FILTER = "re:ERROR|WARN"
LAG_TARGET_MS = 100.0
BEAT_TARGET_MS = 20.0
GROWTH_LIMIT = 0.05
"""Memory counts as bounded when RSS grows by less than this share over the second half."""


def _uuids(devices: int) -> list[str]:
    return [f"{i:032x}" for i in range(1, devices + 1)]


# -- the producer (subprocess) ----------------------------------------------------------------


async def _produce(hub: Any, uuids: list[str], rate: int) -> None:
    tick = 0.01
    per_tick = max(1, int(rate * tick))
    start, n = time.perf_counter(), 0
    while True:
        now_ms = int(time.time() * 1000)
        for _ in range(per_tick):
            kind = n % 10
            text = f"ERROR sample {n} failed" if kind == 0 else f"sample {n} ok value={n % 997}"
            hub.append(
                uuids[n % len(uuids)],
                text,
                service_id=1 + kind % 3,
                timestamp_ms=now_ms,
                is_stderr=kind == 0,
            )
            n += 1
        behind = start + n / rate - time.perf_counter()
        await asyncio.sleep(max(0.0, behind))


def _serve(rate: int, devices: int, token: str) -> None:
    import uvicorn

    from console.sandbox.balena.logs import LogHub, standalone_app
    from console.sandbox.serve import bind, url_of

    uuids = _uuids(devices)
    hub = LogHub(history_limit=100, keepalive=58.0, flush_interval=0.05, subscriber_limit=200_000)
    app = standalone_app(hub, {u: {"uuid": u} for u in uuids}, token)
    sock = bind()
    print(url_of(sock), flush=True)

    async def main() -> None:
        server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
        producer = asyncio.ensure_future(_produce(hub, uuids, rate))
        try:
            await server.serve(sockets=[sock])
        finally:
            producer.cancel()

    asyncio.run(main())


# -- the readers ------------------------------------------------------------------------------


@dataclass
class _Client:
    http: Any
    service_name: str = "log benchmark stand-in"


async def _bare_reader(url: str, uuids: list[str], seconds: float) -> int:
    import httpx

    count = 0
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def one(http: httpx.AsyncClient, uuid: str) -> None:
        nonlocal count
        async with http.stream("GET", f"/device/v2/{uuid}/logs", params={"stream": "1"}) as r:
            partial = b""
            async for chunk in r.aiter_bytes():
                *lines, partial = (partial + chunk).split(b"\n")
                for raw in lines:
                    if raw:
                        json.loads(raw)
                        count += 1

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=90) as http:
        tasks = [asyncio.ensure_future(one(http, u)) for u in uuids]
        await asyncio.sleep(1.0)  # let every stream open
        start = count
        await asyncio.sleep(seconds)
        got = count - start
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return got


@dataclass
class _LagProbe:
    """Lag from lines leaving the HTTP stream to the frame that shows them.

    The path is first in, first out (reader queue, pane ingest, 50 ms flush into the
    view, paint), so lines are matched by running counts, not one by one: a line the
    reader read is on screen at the first paint after the flush that drew it. Only
    lines the filter keeps are counted: a hidden line never reaches the screen, and
    counting it would charge it the wait for the next flush that has something to
    draw. The reader's share (``to_ingest``) counts every line. Lines backfilled
    from history after a drop were never on the stream: they are not counted.
    """

    read: int = 0
    """Lines read off the stream that the filter keeps."""
    backfilled: int = 0
    """Lines backfilled from history that the filter keeps."""
    received: int = 0
    backfilled_all: int = 0
    reads: deque[tuple[float, int, int]] = field(default_factory=deque)
    """(when read, running kept-line count after the chunk, kept lines in it), not yet painted."""
    flushes: deque[tuple[float, int]] = field(default_factory=deque)
    """(when flushed into the view, kept lines drawn by then), not yet painted."""
    samples: list[tuple[float, int]] = field(default_factory=list)
    """(seconds from read to paint, lines) per chunk."""
    queued: deque[tuple[float, int, int]] = field(default_factory=deque)
    """Like ``reads``, for chunks the pane has not taken in yet."""
    to_ingest: list[tuple[float, int]] = field(default_factory=list)
    """(seconds from read to the pane's ingest, lines) per chunk: the reader's share."""

    def install(self, pane: Any) -> None:
        """Hook the reader's parse, the pane's flush into its view, and the screen's paint."""
        from textual.screen import Screen

        from console.backends.balena.logs import DeviceLogs, LogLine

        parse, backfill = DeviceLogs._parse, DeviceLogs._backfill
        draw, view = Screen._compositor_refresh, pane.view
        add, ingest = view.add, pane.ingest
        probe = self

        def kept(events: Any) -> tuple[int, int]:
            lines = [e for e in events if type(e) is LogLine]
            return len(lines), sum(map(pane.session.filter.matches, lines))

        def parsed(reader: Any, state: Any, chunk: bytes) -> Any:
            at = time.perf_counter()  # the chunk was just read off the stream
            events = parse(reader, state, chunk)
            lines, shown = kept(events)
            if lines:
                probe.received += lines
                probe.queued.append((at, probe.received, lines))
            if shown:
                probe.read += shown
                probe.reads.append((at, probe.read, shown))
            return events

        async def backfilled(reader: Any, state: Any) -> Any:
            events = await backfill(reader, state)
            lines, shown = kept(events)
            probe.backfilled_all += lines
            probe.backfilled += shown
            return events

        def ingested(events: Any) -> None:
            ingest(events)
            now = time.perf_counter()
            taken = pane.session.counters.received - probe.backfilled_all
            while probe.queued and probe.queued[0][1] <= taken:
                at, _, lines = probe.queued.popleft()
                probe.to_ingest.append((now - at, lines))

        def added(events: Any) -> Any:
            # take_pending has already counted this batch as shown
            drawn = pane.session.counters.shown - probe.backfilled
            probe.flushes.append((time.perf_counter(), drawn))
            return add(events)

        def painted(screen: Any) -> None:
            draw(screen)
            probe.painted(time.perf_counter())

        DeviceLogs._parse = parsed  # type: ignore[method-assign]
        DeviceLogs._backfill = backfilled  # type: ignore[method-assign]
        Screen._compositor_refresh = painted  # type: ignore[method-assign]
        view.add = added
        pane.ingest = ingested

    def painted(self, now: float) -> None:
        """A frame was drawn: every line flushed into the view before it is on screen."""
        shown = None
        while self.flushes and self.flushes[0][0] < now:
            shown = self.flushes.popleft()[1]
        if shown is None:
            return
        while self.reads and self.reads[0][1] <= shown:
            at, _, lines = self.reads.popleft()
            self.samples.append((now - at, lines))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _pane_reader(url: str, uuids: list[str], seconds: float) -> dict[str, Any]:
    import httpx
    import psutil
    from textual.app import App, ComposeResult

    from console import profiles
    from console.clients import Clients
    from console.ui.panes.logs import LogsPane

    headers = {"Authorization": f"Bearer {TOKEN}"}
    proc = psutil.Process()
    beats: list[float] = []

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=90) as http:
        client = _Client(http)

        class Bench(App[None]):
            def compose(self) -> ComposeResult:
                yield LogsPane(Clients(profiles.load("local"), balena=client))

            def on_mount(self) -> None:
                self._last = time.perf_counter()
                self.set_interval(0.05, self._beat)

            def _beat(self) -> None:
                now = time.perf_counter()
                beats.append(now - self._last - 0.05)
                self._last = now

        app = Bench()
        probe = _LagProbe()
        async with app.run_test(headless=True, size=(120, 40)) as pilot:
            pane = app.query_one(LogsPane)
            probe.install(pane)
            pane.apply_filter(FILTER)
            pane.tail(uuids)
            await pilot.pause(1.0)
            rss = [proc.memory_info().rss]
            received0, beats[:] = pane.session.counters.received, []
            pane.lag_samples.clear()
            probe.samples.clear()
            probe.to_ingest.clear()
            for _ in range(int(seconds)):
                await asyncio.sleep(1.0)
                rss.append(proc.memory_info().rss)
            received = pane.session.counters.received - received0
            shown = len(pane.view.lines)
            spool = pane.session.spool.path.stat().st_size
            gaps = pane.session.counters.gaps
            await pane._reader.stop() if pane._reader else None
    return {
        "received": received,
        "lags": _per_line(probe.samples),
        "reader_lags": _per_line(probe.to_ingest),
        "pane_lags": _per_line(pane.lag_samples),
        "beats": beats,
        "rss": rss,
        "shown": shown,
        "spool": spool,
        "gaps": gaps,
    }


def _per_line(samples: Any) -> list[float]:
    """One lag per line from (seconds, lines) pairs."""
    return [lag for lag, lines in samples for _ in range(lines)]


async def _log_baseline(seconds: float, rate: int) -> list[float]:
    """DESIGN.md's reference on this machine: a bare ``Log`` fed by ``write_lines`` per 50 ms."""
    from textual.app import App, ComposeResult
    from textual.widgets import Log

    beats: list[float] = []
    per_tick = rate // 20

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield Log(max_lines=10_000)

        def on_mount(self) -> None:
            self._last, self._n = time.perf_counter(), 0
            self.set_interval(0.05, self._beat)
            self.set_interval(0.05, self._write)

        def _write(self) -> None:
            start = self._n
            self._n += per_tick
            lines = [
                f"12:00:00.000    1     sample {i} ok value={i % 997}"
                for i in range(start, self._n)
            ]
            self.query_one(Log).write_lines(lines)

        def _beat(self) -> None:
            now = time.perf_counter()
            beats.append(now - self._last - 0.05)
            self._last = now

    async with Baseline().run_test(headless=True, size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        beats.clear()
        await asyncio.sleep(seconds)
    return beats


# -- the run ----------------------------------------------------------------------------------


def logs_benchmark(seconds: float = 60.0, rate: int = 50_000, devices: int = 10) -> None:
    """Run both readers against one producer and print the figures."""
    home = tempfile.mkdtemp(prefix="fleet-console-bench-")
    previous = os.environ.get("FLEET_CONSOLE_HOME")
    os.environ["FLEET_CONSOLE_HOME"] = home  # the pane's spool goes here, removed after
    env = {**os.environ, "FLEET_CONSOLE_HOME": home}
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--rate",
            str(rate),
            "--devices",
            str(devices),
            "--token",
            TOKEN,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        uuids = _uuids(devices)
        print(f"logs: {rate:,} lines/s over {devices} devices, {seconds:.0f} s per reader")
        bare = asyncio.run(_bare_reader(url, uuids, seconds)) / seconds
        print(f"  bare httpx reader     {bare:>10,.0f} lines/s")
        result = asyncio.run(_pane_reader(url, uuids, seconds))
        _report(result, seconds, bare)
    finally:
        _stop(server)
        shutil.rmtree(home, ignore_errors=True)
        if previous is None:
            os.environ.pop("FLEET_CONSOLE_HOME", None)
        else:
            os.environ["FLEET_CONSOLE_HOME"] = previous
    baseline = [max(0.0, b * 1000) for b in asyncio.run(_log_baseline(min(seconds, 20), rate))]
    print(f"  peer: bare Log, write_lines of {rate:,} lines/s in 50 ms batches, same machine:")
    print(
        f"    heartbeat 50 ms late  p95 {_percentile(baseline, 0.95):.1f} ms   "
        f"max {max(baseline, default=0):.1f} ms"
    )


def _stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:  # open streams hold uvicorn's graceful shutdown
        server.kill()
        server.wait(timeout=5)


def _report(result: dict[str, Any], seconds: float, bare: float) -> None:
    pane = result["received"] / seconds
    lags_ms = [lag * 1000 for lag in result["lags"]]
    pane_lags_ms = [lag * 1000 for lag in result["pane_lags"]]
    reader_ms = [lag * 1000 for lag in result["reader_lags"]]
    beats_ms = [max(0.0, b * 1000) for b in result["beats"]]
    rss = [r / 2**20 for r in result["rss"]]
    print(f"  Logs pane (filter on) {pane:>10,.0f} lines/s   ratio pane/bare {pane / bare:.2f}")
    lag_p99 = _percentile(lags_ms, 0.99)
    print(
        f"  read-to-screen lag    p50 {_percentile(lags_ms, 0.5):.1f} ms   "
        f"p99 {lag_p99:.1f} ms   (a shown line, read off the stream until the frame with it)"
    )
    print(
        f"    of which to ingest  p50 {_percentile(reader_ms, 0.5):.1f} ms   "
        f"p99 {_percentile(reader_ms, 0.99):.1f} ms   (the reader's queue, until the pane takes it)"
    )
    print(
        f"    pane's own count    p50 {_percentile(pane_lags_ms, 0.5):.1f} ms   "
        f"p99 {_percentile(pane_lags_ms, 0.99):.1f} ms   (its ingest to its after-refresh callback)"
    )
    beat_p95 = _percentile(beats_ms, 0.95)
    print(f"  heartbeat 50 ms late  p95 {beat_p95:.1f} ms   max {max(beats_ms, default=0):.1f} ms")
    half = rss[len(rss) // 2]
    growth = rss[-1] - half
    print(
        f"  RSS MiB  start {rss[0]:.0f}   peak {max(rss):.0f}   end {rss[-1]:.0f}   "
        f"second-half growth {growth:+.0f}"
    )
    print(
        f"  screen lines {result['shown']:,} (bounded)   spool {result['spool'] / 2**20:.0f} MiB"
        f" on disk   median beat {statistics.median(beats_ms or [0]):.1f} ms late"
    )
    if result["gaps"]:
        print(f"  note: {result['gaps']} stream gap(s); lines backfilled from history not timed")
    verdicts = [
        (f"read-to-screen lag p99 within {LAG_TARGET_MS:.0f} ms", lag_p99 <= LAG_TARGET_MS),
        (f"heartbeat p95 late by under {BEAT_TARGET_MS:.0f} ms", beat_p95 < BEAT_TARGET_MS),
        (
            f"memory bounded (RSS grows under {GROWTH_LIMIT:.0%} over the second half)",
            growth < half * GROWTH_LIMIT,
        ),
    ]
    for label, ok in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=int, default=50_000)
    parser.add_argument("--devices", type=int, default=10)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token", default=TOKEN, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.rate, args.devices, args.token)
    else:
        logs_benchmark(args.seconds, args.rate, args.devices)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
